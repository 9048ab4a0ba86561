import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { ConfigProblem } from './errors';

/** Alias expansions allowed per document: generous for reused anchors, far below a YAML bomb. */
export const MAX_ALIAS_EXPANSIONS = 10_000;

/** Syntax errors reported per file: the first ones are the ones to fix. */
const MAX_SYNTAX_ERRORS = 10;

/** Text that was not UTF-8 on disk (decoding left NULs or U+FFFD): a problem at its first line. */
function encodingProblem(text: string): ConfigProblem | undefined {
  // NULs mean UTF-16 (whose byte-order mark also decodes to U+FFFD): that diagnosis first.
  const nul = text.indexOf('\u0000');
  const at = nul >= 0 ? nul : text.indexOf('\uFFFD');
  if (at < 0) return undefined;
  const line = text.slice(0, at).split('\n').length;
  return { path: '', line, message: nul >= 0
    ? 'the file holds NUL bytes: it is not UTF-8 text (saved as UTF-16?); save it as UTF-8'
    : 'the file is not valid UTF-8 text (saved as Latin-1 or Windows-1252?); save it as UTF-8' };
}

/** A parsed YAML file: its plain data and where each key was written. */
export interface YamlSource {
  readonly data: unknown;
  /** 1-based line of the key (or list item) at `path`, or of its nearest existing ancestor. */
  locate(path: readonly PropertyKey[]): number | undefined;
  /** The scalar at `path` exactly as written (e.g. `012345678901` before YAML made it a number). */
  source(path: readonly PropertyKey[]): string | undefined;
  /** Line where the document's content starts. */
  readonly firstLine?: number;
}

/**
 * Parses YAML text for the config and seed loaders: duplicate keys, syntax errors, aliases without
 * an anchor and alias expansion bombs come back as problems at their lines, never as exceptions.
 */
export function readYaml(text: string): { readonly yaml: YamlSource } | { readonly problems: ConfigProblem[]; readonly cause?: unknown } {
  const encoding = encodingProblem(text);
  if (encoding) return { problems: [encoding] };
  const lineCounter = new LineCounter();
  // merge: YAML merge keys (`<<: *defaults`), the usual way to share a block between entries.
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    const problems: ConfigProblem[] = doc.errors.slice(0, MAX_SYNTAX_ERRORS).map((e) => ({
      path: '',
      message: `YAML syntax: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
      line: e.linePos?.[0]?.line,
    }));
    const more = doc.errors.length - MAX_SYNTAX_ERRORS;
    if (more > 0) problems.push({ path: '', message: `... and ${more} more YAML syntax errors; fix the first ones and run again` });
    return { problems };
  }
  const lineAt = (range: readonly number[] | null | undefined) => (range ? lineCounter.linePos(range[0]).line : undefined);
  const aliases: { source: string; line?: number; resolved: boolean }[] = [];
  visit(doc, { Alias(_key, node) { aliases.push({ source: node.source, line: lineAt(node.range), resolved: node.resolve(doc) !== undefined }); } });
  // `__proto__` would be dropped or merged into the object's prototype by plain-data conversion,
  // slipping past the strict schema: it is never a key of a Gatehouse file.
  const protoKeys: ConfigProblem[] = [];
  visit(doc, { Pair(_key, pair) {
    if (isScalar(pair.key) && pair.key.value === '__proto__') protoKeys.push({ path: '', line: lineAt(pair.key.range), message: '"__proto__" is not a key of this file; remove it' });
  } });
  if (protoKeys.length > 0) return { problems: protoKeys };
  const unresolved = aliases.filter((a) => !a.resolved);
  if (unresolved.length > 0) {
    return {
      problems: unresolved.map((a) => ({
        path: '', line: a.line,
        message: `YAML alias *${a.source} has no anchor &${a.source} before it; define the anchor first (e.g. key: &${a.source} value) or write the value out`,
      })),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    return {
      cause: err,
      problems: [{
        path: '', line: aliases[0]?.line,
        message: `YAML aliases expand to more than ${MAX_ALIAS_EXPANSIONS.toLocaleString('en-US')} copies (aliases of anchors that themselves contain aliases multiply); write the repeated values out or nest fewer aliases`,
      }],
    };
  }
  return {
    yaml: {
      data,
      locate: (path) => lineOf(doc, lineCounter, path),
      source: (path) => {
        const node = doc.getIn(path as unknown[], true);
        return isScalar(node) && node.range ? text.slice(node.range[0], node.range[1]) : undefined;
      },
      firstLine: lineAt(doc.contents?.range),
    },
  };
}

function lineOf(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const parent = doc.getIn(path.slice(0, n - 1) as unknown[], true);
    const key = path[n - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(key));
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return counter.linePos(range[0]).line;
    } else if (isSeq(parent) && typeof key === 'number') {
      const range = (parent.items[key] as { range?: [number, number, number] } | undefined)?.range;
      if (range) return counter.linePos(range[0]).line;
    }
  }
  return doc.contents?.range ? counter.linePos(doc.contents.range[0]).line : undefined;
}
