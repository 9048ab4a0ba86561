/**
 * The init of a Lambda's heavy parts (config, connections), shared by the functions: `build` starts
 * at once (module load is Lambda's init phase, billed and not in the first request's latency), every
 * invocation awaits the same promise, and a failed build is started again by the next invocation
 * instead of failing every request of the execution environment.
 */
export function initAtLoad<T>(build: () => Promise<T>): () => Promise<T> {
  let ready: Promise<T> | undefined;
  const get = (): Promise<T> => {
    if (!ready) {
      ready = build();
      ready.catch(() => { ready = undefined; });
    }
    return ready;
  };
  void get();
  return get;
}
