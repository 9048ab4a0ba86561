/** What was masked; the metric `MaskedFields` carries it as its `type` dimension. */
export type MaskType =
  | 'email' | 'card' | 'ssn' | 'phone' | 'iban'
  | 'jwt' | 'authorization' | 'cookie' | 'apiKey' | 'secret' | 'privateKey'
  | 'ip';

export const MASK_TYPES: readonly MaskType[] = [
  'email', 'card', 'ssn', 'phone', 'iban', 'jwt', 'authorization', 'cookie', 'apiKey', 'secret', 'privateKey', 'ip',
];

/** Masked values by type. */
export type MaskCounts = Partial<Record<MaskType, number>>;

/** The text that replaces a masked value: readers see what was there, never the value. */
export const redacted = (type: MaskType): string => `[REDACTED:${type}]`;

/** Adds `more` into `into` (batch totals for the metric). */
export function addCounts(into: MaskCounts, more: MaskCounts): void {
  for (const type of Object.keys(more) as MaskType[]) into[type] = (into[type] ?? 0) + more[type]!;
}
