import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientRecordId } from '../../lambdas/authorizer/consumer-store';
// local/oidc-issuer.ts re-exports LOCAL_ISSUER_NAME from the seed (oidc-provider is ESM only: not loadable here).
import { LOCAL_ISSUER_NAME, loadSeed, seedRecords } from '../../local/seed';

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
    expect(() => loadSeed(file('tenant.yaml', 'api_keys: [{ key: ghk_local_x_000000000000000000, consumer: x, tier: free, tenant: Acme_Corp }]\n'))).toThrow(/api_keys\.0\.tenant: must be a lower-case DNS label/);
    expect(() => loadSeed(file('consumer.yaml', 'api_keys: [{ key: ghk_local_x_000000000000000000, consumer: "x\\r\\ny", tier: free }]\n'))).toThrow(/api_keys\.0\.consumer: must be 1-512 printable ASCII/);
    expect(() => loadSeed(file('client.yaml', 'oauth_clients: [{ client_id: " spaced", grant_types: [client_credentials], tier: free }]\n'))).toThrow(/oauth_clients\.0\.client_id/);
  });
});
