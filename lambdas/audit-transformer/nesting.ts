/**
 * How deep a logged structure is kept. A log line nested thousands of levels deep (hostile, or a
 * serialiser gone wrong) once overflowed the stack and failed its whole batch; real log records
 * rarely go past ten levels, so 32 loses nothing an auditor reads.
 */
export const MAX_NESTING = 32;

/** What replaces a structure below {@link MAX_NESTING}: its content is not kept, so nothing in it can leak. */
export const TOO_DEEP = '[TRUNCATED:nesting]';

/** A copy of a JSON value with everything below `MAX_NESTING` levels replaced by {@link TOO_DEEP}; recursion is bounded by that limit. */
export function limitNesting(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_NESTING) return TOO_DEEP;
  if (Array.isArray(value)) return value.map((v) => limitNesting(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, limitNesting(v, depth + 1)]));
}
