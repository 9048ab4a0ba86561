import { CUSTOM_REGEX_ALLOWED, customIdentifiers } from '../../lib/constructs/audit-data-protection';

/**
 * CloudWatch Logs rejects a data protection policy whose custom regex holds any character outside
 * its list (no groups, no `(?i)`, no `:` or quotes): the log group, and with it the API stack,
 * would fail to create. These checks run offline; the behaviour is checked with JS regexes, which
 * read `\xNN`, `\s` and character classes the same way.
 */
describe('custom data identifiers of the API log groups', () => {
  it.each(['x-api-key', 'X-Gateway-Token', 'apikey'])('use only characters CloudWatch Logs accepts (API key header %s)', (header) => {
    const identifiers = customIdentifiers(header);
    expect(identifiers.length).toBeLessThanOrEqual(10);
    for (const { Name, Regex } of identifiers) {
      expect(Name).toMatch(/^[A-Za-z0-9_-]{1,128}$/);
      expect({ Name, ok: CUSTOM_REGEX_ALLOWED.test(Regex) }).toEqual({ Name, ok: true });
    }
  });

  const masks = (header: string, line: string) => customIdentifiers(header).some(({ Regex }) => new RegExp(Regex).test(line));

  it.each([
    'Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.payload12.sig',
    'authorization=basic dXNlcjpwYXNzd29yZA==',
    '{"x-api-key":"gh_live_0123456789abcdef"}',
    "x-api-key: 'gh_live_0123456789abcdef'",
    '/v1/users?api_key=gh_live_0123456789abcdef',
    'X-Api-Key = gh_live_0123456789abcdef',
    'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
  ])('mask a credential in %s', (line) => {
    expect(masks('x-api-key', line)).toBe(true);
  });

  it('masks a configured header the generic pattern does not cover', () => {
    expect(masks('X-Gateway-Token', '"x-gateway-token": "tok_0123456789abcdef"')).toBe(true);
    expect(masks('x-api-key', '"x-gateway-token": "tok_0123456789abcdef"')).toBe(false);
  });

  it.each(['GET /v1/users 200 12ms', 'api key rotated for consumer demo-free', 'Bearer short'])('leave %s readable', (line) => {
    expect(masks('x-api-key', line)).toBe(false);
  });
});
