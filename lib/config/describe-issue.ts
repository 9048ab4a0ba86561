import type { z } from 'zod';

/**
 * Turns a zod issue into a message a config author can act on: what was expected, what the
 * file says, and for unknown keys the closest known key.
 */
export function describeIssue(issue: z.core.$ZodIssue, written?: string): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return `missing required key (expected ${article(issue.expected)})`;
      if (issue.expected === 'string' && (typeof input === 'number' || typeof input === 'boolean')) {
        // Quote the text as written: YAML reads 012345678901 as the number 12345678901.
        const text = written !== undefined && !/^["']/.test(written) ? written : String(input);
        return `expected a string, got the ${typeof input} ${String(input)}${text !== String(input) ? ` (written ${text})` : ''}; quote it as written: "${text}"`;
      }
      if (typeof input === 'number' && Number.isNaN(input)) return `expected ${article(issue.expected)}, got .nan (not a number)`;
      if (typeof input === 'number' && !Number.isFinite(input)) {
        return `expected a finite number, got ${written ?? String(input)}${written && /^[-+]?\.inf$/i.test(written) ? '' : ', which is too large for a number (it reads as infinity)'}`;
      }
      if (issue.expected === 'int') return `expected an integer, got ${show(input)}`;
      return `expected ${article(issue.expected)}, got ${kindOf(input)}${isScalar(input) ? ` ${show(input)}` : ''}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${input === undefined ? '' : ` (got ${show(input)})`}`;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const op = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : (issue.inclusive ? '<=' : '<');
      if (issue.origin === 'array') return `must have ${op} ${String(bound)} item${Number(bound) === 1 ? '' : 's'} (has ${(input as unknown[]).length})`;
      if (issue.origin === 'string') return `must have ${op} ${String(bound)} characters (has ${String(input).length})`;
      return `must be ${op} ${String(bound)} (got ${show(input)})`;
    }
    case 'invalid_key': {
      // A record key (environment name, header name) that fails its own schema: say why.
      const inner = issue.issues[0];
      const key = typeof input === 'string' ? JSON.stringify(input) : 'the key';
      return inner ? `${key} is not a valid name: ${inner.message}` : `${key} is not a valid name`;
    }
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}

/** Closest of `known` to `key` (edit distance <= 2, or one contains the other), if any. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const d = name.includes(key) || key.includes(name) ? 1 : distance(key.toLowerCase(), name.toLowerCase());
    if (d <= 2 && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

/** Keys an object schema at `path` accepts (unions contribute all their options' keys). */
export function knownKeysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  const visit = (s: z.core.$ZodType, rest: readonly PropertyKey[]): void => {
    const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
    switch (def.type) {
      case 'optional': case 'default': case 'prefault': case 'nullable': case 'readonly':
        return visit(def.innerType as z.core.$ZodType, rest);
      case 'pipe': return visit(def.in as z.core.$ZodType, rest);
      case 'union': for (const o of def.options as z.core.$ZodType[]) visit(o, rest); return;
      case 'array': if (typeof rest[0] === 'number') visit(def.element as z.core.$ZodType, rest.slice(1)); return;
      case 'record': if (rest.length) visit(def.valueType as z.core.$ZodType, rest.slice(1)); return;
      case 'object': {
        const shape = def.shape as Record<string, z.core.$ZodType>;
        if (rest.length === 0) Object.keys(shape).forEach((k) => keys.add(k));
        else if (shape[String(rest[0])]) visit(shape[String(rest[0])], rest.slice(1));
        return;
      }
      default:
    }
  };
  visit(schema, path);
  return [...keys];
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = current;
    }
  }
  return row[b.length];
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);
const isScalar = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v);
const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `a ${typeof v}`);
const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
