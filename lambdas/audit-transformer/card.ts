/**
 * Payment card numbers (PANs): a known brand prefix, that brand's length, and the Luhn check.
 * Together they keep timestamps, order ids and account ids readable: a random 13-19 digit
 * number passes all three about once in a few hundred.
 */

/** Card brands by IIN prefix and length; a Luhn-valid number outside them is not treated as a card. */
const CARD_BRANDS: ReadonlyArray<{ prefix: RegExp; lengths: readonly number[] }> = [
  { prefix: /^4/, lengths: [13, 16, 19] }, // Visa
  { prefix: /^(5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)/, lengths: [16] }, // Mastercard
  { prefix: /^3[47]/, lengths: [15] }, // American Express
  { prefix: /^(6011|64[4-9]|65)/, lengths: [16, 17, 18, 19] }, // Discover
  { prefix: /^35(2[89]|[3-8]\d)/, lengths: [16, 17, 18, 19] }, // JCB
  { prefix: /^(30[0-5]|309|36|3[89])/, lengths: [14, 15, 16, 17, 18, 19] }, // Diners Club
  { prefix: /^62/, lengths: [16, 17, 18, 19] }, // UnionPay
  { prefix: /^(5018|5020|5038|5893|6304|6759|676[1-3])/, lengths: [12, 13, 14, 15, 16, 17, 18, 19] }, // Maestro
];

/** True for a digit string that a card network could issue: known prefix, its length, Luhn check. */
export function isCardNumber(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  if (!CARD_BRANDS.some((b) => b.prefix.test(digits) && b.lengths.includes(digits.length))) return false;
  return luhnValid(digits);
}

/** The Luhn (mod 10) checksum used by card numbers. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Where a card number sits inside a run of digit groups: [start, end) in the run's text. */
export interface CardSpan { readonly start: number; readonly end: number }

const GROUP = /\d+/g;

/**
 * Finds a card number made of whole, consecutive digit groups of `run` (`4242 4242 4242 4242 12`
 * holds one followed by an expiry month; `order 1234 4111111111111111` one after an order
 * number). Groups are never split: a card inside a longer unbroken number is not a card.
 */
export function findCardInRun(run: string): CardSpan | undefined {
  const groups = [...run.matchAll(GROUP)].map((m) => ({ start: m.index, end: m.index + m[0].length, digits: m[0] }));
  for (let first = 0; first < groups.length; first++) {
    let digits = '';
    for (let last = first; last < groups.length; last++) {
      digits += groups[last].digits;
      if (digits.length > 19) break;
      if (digits.length >= 12 && isCardNumber(digits)) return { start: groups[first].start, end: groups[last].end };
    }
  }
  return undefined;
}
