import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { isHeaderSafe, isTenant } from '../lambdas/authorizer/context-values';
import { apiKeyId, clientRecordId, InMemoryConsumerStore, type ConsumerRecord } from '../lambdas/authorizer/consumer-store';

/**
 * Issuer name the local gateway gives the local OAuth issuer in the authorizer config
 * (local/server.ts; re-exported by local/oidc-issuer.ts). The seed's OAuth clients are that
 * issuer's clients, so their records are bound to it: `client#local#<client_id>`. Defined here,
 * not beside the issuer, so reading a seed never loads oidc-provider (ESM only).
 */
export const LOCAL_ISSUER_NAME = 'local';

/**
 * What the authorizer accepts in a record or claim that becomes an upstream header
 * (lambdas/authorizer/context-values.ts), checked when the seed is read rather than refused per request.
 */
const headerValue = z.string().refine(isHeaderSafe, 'must be 1-512 printable ASCII characters without leading or trailing spaces');
const tenant = z.string().refine(isTenant, 'must be a lower-case DNS label (letters, digits, inner dashes)');

const SeedSchema = z.strictObject({
  api_keys: z.array(z.strictObject({
    key: z.string().min(16).regex(/^[\x21-\x7e]+$/),
    consumer: headerValue,
    tier: z.string().min(1),
    tenant: tenant.optional(),
    status: z.enum(['active', 'revoked']).default('active'),
    allowed_cidrs: z.array(z.string()).default([]),
    canary: z.boolean().default(false),
    usage_key: z.string().optional(),
  })).default([]),
  oauth_clients: z.array(z.strictObject({
    client_id: headerValue,
    client_secret: z.string().min(16).optional(),
    grant_types: z.array(z.enum(['client_credentials', 'authorization_code', 'refresh_token'])).min(1),
    redirect_uris: z.array(z.url()).default([]),
    scope: z.string().default(''),
    tier: z.string().min(1),
    tenant: tenant.optional(),
    canary: z.boolean().default(false),
  })).default([]),
  users: z.array(z.strictObject({ id: headerValue, email: z.email() })).default([]),
});

export type Seed = z.infer<typeof SeedSchema>;
export type SeedClient = Seed['oauth_clients'][number];

/** Reads and validates the seed file (demo consumers); throws with the key path on a mistake. */
export function loadSeed(file: string): Seed {
  const result = SeedSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${file} ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid seed file\n${lines.join('\n')}`);
  }
  return result.data;
}

/**
 * Consumer records by table id, as the consumers table would hold them: API keys by hash, OAuth
 * clients as clients of the local issuer ({@link LOCAL_ISSUER_NAME}).
 */
export function seedRecords(seed: Seed): Record<string, ConsumerRecord> {
  const records: Record<string, ConsumerRecord> = {};
  for (const k of seed.api_keys) {
    records[apiKeyId(k.key)] = { consumer: k.consumer, tier: k.tier, tenant: k.tenant, status: k.status, allowedCidrs: k.allowed_cidrs, canary: k.canary };
  }
  for (const c of seed.oauth_clients) {
    records[clientRecordId(LOCAL_ISSUER_NAME, c.client_id)] = { consumer: c.client_id, tier: c.tier, tenant: c.tenant, status: 'active', allowedCidrs: [], canary: c.canary };
  }
  return records;
}

export function seedConsumerStore(seed: Seed): InMemoryConsumerStore {
  return new InMemoryConsumerStore(seedRecords(seed));
}

/** Tier of each unknown tier name in the seed, for a helpful error. */
export function checkSeedTiers(seed: Seed, tiers: readonly string[]): string[] {
  const problems: string[] = [];
  seed.api_keys.forEach((k, i) => { if (!tiers.includes(k.tier)) problems.push(`api_keys[${i}].tier: unknown tier "${k.tier}"; known tiers: ${tiers.join(', ')}`); });
  seed.oauth_clients.forEach((c, i) => { if (!tiers.includes(c.tier)) problems.push(`oauth_clients[${i}].tier: unknown tier "${c.tier}"; known tiers: ${tiers.join(', ')}`); });
  return problems;
}
