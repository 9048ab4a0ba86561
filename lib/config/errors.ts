/** One problem in a config file: where it is and what is wrong. */
export interface ConfigProblem {
  /** Key path in the file, e.g. `routes[3].service`; empty for the document root. */
  readonly path: string;
  readonly message: string;
  /** 1-based line in the file, when the key could be located. */
  readonly line?: number;
}

/**
 * A problem as a check reports it: the key path as an array (the loader turns it into the
 * printed path and the line, as written or in the environment override that sets it).
 */
export interface KeyProblem {
  readonly key: readonly PropertyKey[];
  readonly message: string;
}

/** How a check reports a problem: at a key path, with what is wrong and how to fix it. */
export type AddProblem = (key: readonly PropertyKey[], message: string) => void;

/**
 * A config that cannot be used. Its message lists every problem as
 * `file:line path: what is wrong`, ready to print without a stack trace.
 */
export class ConfigError extends Error {
  public readonly file: string;
  public readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    super(formatProblems(file, problems), options);
    this.name = 'ConfigError';
    this.file = file;
    this.problems = problems;
  }
}

function formatProblems(file: string, problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => {
    const where = p.line ? `${file}:${p.line}` : file;
    if (!where) return p.path ? `${p.path}: ${p.message}` : p.message;
    return p.path ? `${where} ${p.path}: ${p.message}` : `${where}: ${p.message}`;
  });
  const head = problems.length === 1 ? 'Invalid gateway config' : `Invalid gateway config (${problems.length} problems)`;
  return `${head}\n  ${lines.join('\n  ')}`;
}

/** Renders a key path array as `routes[3].auth.issuers[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$-]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** Inverse of {@link formatPath}: `routes[3].auth.issuers[0]` -> `['routes', 3, 'auth', 'issuers', 0]`. */
export function parsePath(path: string): PropertyKey[] {
  const out: PropertyKey[] = [];
  for (const m of path.matchAll(/([^.[\]"]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g)) {
    out.push(m[2] !== undefined ? Number(m[2]) : m[3] !== undefined ? JSON.parse(`"${m[3]}"`) as string : m[1]);
  }
  return out;
}
