// Types for cluster-key-slot (installed with ioredis, which uses it to route cluster commands; it ships none).
declare module 'cluster-key-slot' {
  /** The Redis Cluster slot (CRC16/XMODEM mod 16384 of the key's hash tag, or of the whole key). */
  function calculateSlot(key: string | Buffer): number;
  namespace calculateSlot {
    /** The common slot of `keys`, or -1 when they differ. */
    function generateMulti(keys: readonly (string | Buffer)[]): number;
  }
  export = calculateSlot;
}
