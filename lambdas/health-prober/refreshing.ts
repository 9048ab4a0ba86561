/**
 * A value fetched from an AWS control plane (a regional domain name, the origin-verify secret)
 * that the prober re-reads every `maxAgeMs` and keeps when a re-read fails: the prober must go
 * on probing through a control-plane outage, and must not turn its own lookup failures into a
 * region's probe failures. Only when it never had the value does `get` reject.
 */
export interface RefreshingValue<T> {
  get(): Promise<T>;
}

export interface RefreshingOptions {
  readonly maxAgeMs: number;
  readonly now?: () => number;
  /** Told about a failed re-read whose stale value is served instead. */
  readonly onStale?: (error: unknown) => void;
}

export function refreshingValue<T>(fetch: () => Promise<T>, options: RefreshingOptions): RefreshingValue<T> {
  const now = options.now ?? Date.now;
  let held: { value: T; at: number } | undefined;
  let inFlight: Promise<T> | undefined;
  const refresh = (): Promise<T> => {
    inFlight ??= fetch().then(
      (value) => { held = { value, at: now() }; return value; },
      (error: unknown) => {
        if (!held) throw error;
        options.onStale?.(error);
        return held.value;
      },
    ).finally(() => { inFlight = undefined; });
    return inFlight;
  };
  return {
    get: () => (held && now() - held.at < options.maxAgeMs ? Promise.resolve(held.value) : refresh()),
  };
}
