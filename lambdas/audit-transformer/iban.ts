/**
 * International Bank Account Numbers (ISO 13616): a country's exact length and the mod-97 check
 * digits. The length table keeps product codes and references that start with two letters and
 * two digits readable; the checksum rejects 96 of 97 of the rest.
 */

/** IBAN length by country (SWIFT IBAN registry). */
const IBAN_LENGTHS: ReadonlyMap<string, number> = new Map(Object.entries({
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28,
  CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23,
  GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32,
  LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18,
  NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19,
  SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
}));

/** True for an IBAN without spaces: known country, its length, mod 97 = 1. */
export function isIban(compact: string): boolean {
  const iban = compact.toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false;
  if (IBAN_LENGTHS.get(iban.slice(0, 2)) !== iban.length) return false;
  return mod97(iban.slice(4) + iban.slice(0, 4)) === 1;
}

/** The expected length of an IBAN starting with `country`, if IBANs exist there. */
export const ibanLength = (country: string): number | undefined => IBAN_LENGTHS.get(country.toUpperCase());

function mod97(text: string): number {
  let rest = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    const value = code <= 57 ? code - 48 : code - 55; // '0'-'9' -> 0-9, 'A'-'Z' -> 10-35
    rest = (value > 9 ? rest * 100 + value : rest * 10 + value) % 97;
  }
  return rest;
}

/**
 * Finds an IBAN at the start of `text` (compact or in groups of four) and returns how many
 * characters of `text` it spans; the rest of the match is left alone.
 */
export function ibanSpan(text: string): number | undefined {
  const length = ibanLength(text.slice(0, 2));
  if (!length) return undefined;
  let seen = 0;
  let compact = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === ' ') continue;
    compact += ch;
    seen = i + 1;
    if (compact.length === length) break;
  }
  if (compact.length !== length || !isIban(compact)) return undefined;
  // The IBAN must end at a group boundary, not inside a longer token.
  const next = text[seen];
  return next === undefined || next === ' ' ? seen : undefined;
}
