/**
 * Hostile credential headers: wrong schemes, casing, whitespace, repeated headers, huge values,
 * non-ASCII and control characters. Shared by the authorizer-level and the twin-level tests of
 * decision 0018: none may crash the gateway or reach a `WWW-Authenticate` value (or any part of
 * the answer). Every value carries MARKER, so an echo of any of them is found by one search.
 */
export const MARKER = 'zq9echo';

export interface HostileCredential {
  readonly name: string;
  /** Header name -> value(s); several values are sent as repeated header lines. */
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  /**
   * The value can travel as an HTTP/1.1 header line as written (no CR, LF or NUL): the twin test
   * sends the others too, raw, and expects the edge to refuse them (400) before any authorizer.
   */
  readonly wireSafe: boolean;
}

const jwtLike = `eyJhbGciOiJSUzI1NiIsImtpZCI6IiR7TUFSS0VSfSJ9.${Buffer.from(`{"iss":"${MARKER}"}`).toString('base64url')}.${MARKER}`;
const cases: [string, Record<string, string | string[]>][] = [
  ['Token scheme', { authorization: `Token ${MARKER}` }],
  ['Basic scheme', { authorization: `Basic ${Buffer.from(`${MARKER}:pw`).toString('base64')}` }],
  ['Digest scheme', { authorization: `Digest username="${MARKER}", realm="x", nonce="1", uri="/", response="00"` }],
  ['lower-case bearer', { authorization: `bearer ${MARKER}` }],
  ['upper-case BEARER', { authorization: `BEARER ${MARKER}` }],
  ['Bearer without a token', { authorization: 'Bearer' }],
  ['Bearer and a space only', { authorization: 'Bearer ' }],
  ['two spaces after Bearer', { authorization: `Bearer  ${MARKER}` }],
  ['tab after Bearer', { authorization: `Bearer\t${MARKER}` }],
  ['leading whitespace', { authorization: `   Bearer ${MARKER}` }],
  ['trailing whitespace', { authorization: `Bearer ${MARKER}   ` }],
  ['two tokens in one header', { authorization: `Bearer ${MARKER}, Bearer ${MARKER}2` }],
  ['repeated Authorization headers', { authorization: [`Bearer ${MARKER}`, `Bearer ${MARKER}2`] }],
  ['quoted token', { authorization: `Bearer "${MARKER}"` }],
  ['token with a double quote', { authorization: `Bearer ${MARKER}"x` }],
  ['token with a backslash', { authorization: `Bearer ${MARKER}\\x` }],
  ['JWT-shaped garbage', { authorization: `Bearer ${jwtLike}` }],
  ['JWT with an alg none header', { authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"sub":"${MARKER}"}`).toString('base64url')}.` }],
  ['huge bearer token (15 KB)', { authorization: `Bearer ${MARKER}${'A'.repeat(15_000)}` }],
  ['huge API key (15 KB)', { 'x-api-key': `${MARKER}${'k'.repeat(15_000)}` }],
  ['non-ASCII token (UTF-8)', { authorization: `Bearer ${MARKER}-clé-ключ-鍵` }],
  ['non-ASCII API key', { 'x-api-key': `${MARKER}-Schlüssel` }],
  ['emoji API key', { 'x-api-key': `${MARKER}-\u{1F511}` }],
  ['Latin-1 byte in a token', { authorization: `Bearer ${MARKER}\u00ff` }],
  ['bidi override in a token', { authorization: `Bearer ${MARKER}\u202e` }],
  ['API key with a space', { 'x-api-key': `${MARKER} key` }],
  ['API key with a quote and a comma', { 'x-api-key': `${MARKER}",error="none` }],
  ['repeated API key headers', { 'x-api-key': [`${MARKER}a`, `${MARKER}b`] }],
  ['API key and bearer together', { authorization: `Bearer ${MARKER}`, 'x-api-key': `${MARKER}k` }],
  ['API key in Authorization', { authorization: `ApiKey ${MARKER}` }],
  ['API key header in upper case', { 'X-API-KEY': `${MARKER}upper` }],
  ['empty Authorization', { authorization: '' }],
  ['empty API key', { 'x-api-key': '' }],
  ['header injection attempt in the value (CRLF)', { authorization: `Bearer ${MARKER}\r\nWWW-Authenticate: Basic realm="${MARKER}"` }],
  ['bare LF in a token', { authorization: `Bearer ${MARKER}\nx` }],
  ['NUL in a token', { authorization: `Bearer ${MARKER}\u0000x` }],
  ['NUL in an API key', { 'x-api-key': `${MARKER}\u0000` }],
  ['DEL and escape characters', { authorization: `Bearer ${MARKER}\u007f\u001b[31m` }],
  ['vertical tab in an API key', { 'x-api-key': `${MARKER}\u000bkey` }],
];

const UNSENDABLE = /[\r\n\u0000]/;

export const HOSTILE_CREDENTIALS: readonly HostileCredential[] = cases.map(([name, headers]) => ({
  name, headers, wireSafe: !Object.values(headers).flat().some((v) => UNSENDABLE.test(v)),
}));

/** RFC 9110 field-value: visible ASCII, space and tab; nothing a header value of ours may leave. */
export const FIELD_VALUE = /^[\x20-\x7e\t]*$/;
