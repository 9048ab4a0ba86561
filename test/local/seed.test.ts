import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientRecordId } from '../../lambdas/authorizer/consumer-store';
// local/oidc-issuer.ts re-exports LOCAL_ISSUER_NAME from the seed (oidc-provider is ESM only: not loadable here).
import { cidrProblem, LOCAL_ISSUER_NAME, loadSeed, seedRecords } from '../../local/seed';

describe('local/seed.yaml consumer records', () => {
  const seed = loadSeed(join(__dirname, '../../local/seed.yaml'));

  it('binds the OAuth client records to the local issuer, the name the local gateway gives it', () => {
    const ids = Object.keys(seedRecords(seed));
    expect(LOCAL_ISSUER_NAME).toBe('local');
    expect(ids.filter((id) => id.startsWith('client#'))).toEqual(seed.oauth_clients.map((c) => clientRecordId(LOCAL_ISSUER_NAME, c.client_id)));
    expect(ids).toContain('client#local#canary-tester');
    expect(ids.filter((id) => !id.startsWith('client#')).every((id) => /^key#[0-9a-f]{64}$/.test(id))).toBe(true);
  });

  it('refuses consumers, client ids and tenants the authorizer would refuse as upstream header values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-seed-'));
    const file = (name: string, text: string) => { const path = join(dir, name); writeFileSync(path, text); return path; };
    expect(() => loadSeed(file('tenant.yaml', 'api_keys: [{ key: ghk_local_x_000000000000000000, consumer: x, tier: free, tenant: Acme_Corp }]\n'))).toThrow(/tenant\.yaml:1 api_keys\[0\]\.tenant: must be a lower-case DNS label/);
    expect(() => loadSeed(file('consumer.yaml', 'api_keys: [{ key: ghk_local_x_000000000000000000, consumer: "x\\r\\ny", tier: free }]\n'))).toThrow(/api_keys\[0\]\.consumer: must be 1-512 printable ASCII/);
    expect(() => loadSeed(file('client.yaml', 'oauth_clients: [{ client_id: " spaced", grant_types: [client_credentials], tier: free }]\n'))).toThrow(/oauth_clients\[0\]\.client_id/);
  });

  describe('bad seed files: file, line and key path, never a bare library message (C4)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-seed-bad-'));
    const file = (name: string, text: string) => { const path = join(dir, name); writeFileSync(path, text); return path; };
    const message = (path: string, options?: { tiers?: string[] }) => {
      try { loadSeed(path, options); } catch (err) { return (err as Error).message; }
      return 'accepted';
    };

    it('names the file and line of YAML errors, aliases, and read errors', () => {
      const tab = file('tab.yaml', 'api_keys:\n\t- { key: x }\n');
      expect(message(tab)).toBe(`Invalid seed file\n  ${tab}:2: YAML syntax: Tabs are not allowed as indentation`);
      const dup = file('dup.yaml', 'api_keys: []\napi_keys: []\n');
      expect(message(dup)).toBe(`Invalid seed file\n  ${dup}:2: YAML syntax: Map keys must be unique`);
      const alias = file('alias.yaml', 'users: []\napi_keys: *nope\n');
      expect(message(alias)).toBe(`Invalid seed file\n  ${alias}:2: YAML alias *nope has no anchor &nope before it; define the anchor first (e.g. key: &nope value) or write the value out`);
      expect(message(dir)).toBe(`Invalid seed file\n  ${dir}: is a directory, not a seed file; pass the seed file with --seed FILE`);
      expect(message(join(dir, 'missing.yaml'))).toBe(`Invalid seed file\n  ${join(dir, 'missing.yaml')}: file not found; pass the seed file with --seed FILE`);
      expect(message(file('empty.yaml', '# nothing\n'))).toMatch(/empty\.yaml: the file is empty; a seed file is a YAML mapping/);
      expect(message(file('list.yaml', '- a\n'))).toMatch(/list\.yaml:1: the document is a list/);
    });

    it('names the line of schema problems and suggests the key meant', () => {
      const typo = file('typo.yaml', 'api_keys:\n  - key: ghk_local_x_000000000000000000\n    consumer: x\n    tier: free\n    allowed_cidr: [10.0.0.0/8]\n');
      expect(message(typo)).toBe(`Invalid seed file\n  ${typo}:5 api_keys[0].allowed_cidr: unknown key; did you mean "allowed_cidrs"?`);
    });

    it('refuses allowed_cidrs the authorizer cannot match (every call of the key would be refused)', () => {
      const cidrs = file('cidrs.yaml', 'api_keys:\n  - key: ghk_local_x_000000000000000000\n    consumer: x\n    tier: free\n    allowed_cidrs:\n      - 10.0.0.0/8\n      - not-a-cidr\n      - 300.1.1.1/99\n      - 10.0.0.0/33\n');
      expect(message(cidrs)).toBe([
        'Invalid seed file (3 problems)',
        `  ${cidrs}:7 api_keys[0].allowed_cidrs[1]: "not-a-cidr" is not an IPv4 or IPv6 CIDR (e.g. 203.0.113.0/24, 127.0.0.1/32 or ::1/128); the authorizer would refuse every call of this key (ip_not_allowed)`,
        `  ${cidrs}:8 api_keys[0].allowed_cidrs[2]: "300.1.1.1/99" is not an IPv4 or IPv6 CIDR (e.g. 203.0.113.0/24, 127.0.0.1/32 or ::1/128); the authorizer would refuse every call of this key (ip_not_allowed)`,
        `  ${cidrs}:9 api_keys[0].allowed_cidrs[3]: "10.0.0.0/33": the prefix length must be 0-32 for an IPv4 address (e.g. 203.0.113.0/24, 127.0.0.1/32 or ::1/128)`,
      ].join('\n'));
      for (const ok of ['127.0.0.1', '127.0.0.1/32', '::1/128', '2001:db8::/32', '0.0.0.0/0']) expect(cidrProblem(ok)).toBeUndefined();
    });

    it('refuses two records with the same key, client id or user id (no silent overwrite)', () => {
      const same = file('same.yaml', [
        'api_keys:',
        '  - { key: ghk_local_free_0000000000000000, consumer: demo-free, tier: free }',
        '  - { key: ghk_local_free_0000000000000000, consumer: demo-pro, tier: pro }',
        'oauth_clients:',
        '  - { client_id: app, grant_types: [client_credentials], tier: free }',
        '  - { client_id: app, grant_types: [client_credentials], tier: pro }',
        'users:',
        '  - { id: u, email: a@example.com }',
        '  - { id: u, email: b@example.com }',
        '',
      ].join('\n'));
      expect(message(same)).toBe([
        'Invalid seed file (3 problems)',
        `  ${same}:3 api_keys[1].key: the same key as api_keys[0] (consumer demo-free); each key must be unique, or one record would silently replace the other`,
        `  ${same}:6 oauth_clients[1].client_id: the same client_id as oauth_clients[0] (tier free); each client_id must be unique, or one record would silently replace the other`,
        `  ${same}:9 users[1].id: the same id as users[0] (a@example.com); each id must be unique, or one record would silently replace the other`,
      ].join('\n'));
    });

    it('names the line of a tier the config does not define, when given the tiers', () => {
      const tier = file('tier.yaml', 'api_keys:\n  - { key: ghk_local_x_000000000000000000, consumer: x, tier: gold }\n');
      expect(message(tier, { tiers: ['free', 'pro'] })).toBe(`Invalid seed file\n  ${tier}:2 api_keys[0].tier: unknown tier "gold"; known tiers: free, pro`);
      expect(message(tier)).toBe('accepted');
    });
  });
});
