/**
 * One short hash tag per Redis Cluster slot: `slotAnchor(s)` is a string whose tag `{anchor}`
 * lands in slot `s`. The breaker record of a service is written once per slot under such a tag
 * (breaker-record.ts explains why), so the limiter's script, whose keys share the consumer's
 * slot, can read the copy of that slot in the same call.
 */
import calculateSlot from 'cluster-key-slot';

/** Redis Cluster's (and ElastiCache Serverless's) fixed number of hash slots. */
export const CLUSTER_SLOTS = 16_384;

let anchors: readonly string[] | undefined;

/**
 * All anchors, index = slot: the first base-36 numeral found for each slot, so the table is the
 * same in every process (the state Lambda writes what the authorizer reads). Built once, on first
 * use: about 170,000 CRC16s of 1-4 characters, ~25 ms cold (call it during init, beside the
 * Redis handshake); computing beats shipping an 80 kB table in the authorizer bundle.
 */
export function slotAnchors(): readonly string[] {
  if (anchors) return anchors;
  const table: string[] = new Array(CLUSTER_SLOTS);
  let found = 0;
  for (let i = 0; found < CLUSTER_SLOTS; i++) {
    const candidate = i.toString(36);
    const slot = calculateSlot(candidate);
    if (table[slot] === undefined) { table[slot] = candidate; found += 1; }
  }
  anchors = table;
  return table;
}

export function slotAnchor(slot: number): string {
  if (!Number.isInteger(slot) || slot < 0 || slot >= CLUSTER_SLOTS) throw new RangeError(`slot must be an integer in [0, ${CLUSTER_SLOTS}), got ${slot}`);
  return slotAnchors()[slot];
}

/** The slot Redis Cluster routes `key` to (its `{hash tag}` when it has one). */
export function keySlot(key: string): number {
  return calculateSlot(key);
}
