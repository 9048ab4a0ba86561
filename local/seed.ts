import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { closestKey, describeIssue, knownKeysAt } from '../lib/config/describe-issue';
import { formatPath } from '../lib/config/errors';
import { readYaml } from '../lib/config/yaml-source';
import { isHeaderSafe, isTenant } from '../lambdas/authorizer/context-values';
import { InMemoryConsumerStore } from '../lambdas/authorizer/consumer-store';
import { apiKeyId, clientRecordId, type ConsumerRecord } from '../lib/contract/consumer-record';
import { LOCAL_ISSUER_NAME } from '../lib/contract/issuers';

/**
 * Issuer name the local gateway gives the local OAuth issuer in the authorizer config
 * (lib/contract/issuers.ts; re-exported here and by local/oidc-issuer.ts). The seed's OAuth clients
 * are that issuer's clients, so their records are bound to it: `client#local#<client_id>`.
 */
export { LOCAL_ISSUER_NAME };

/**
 * What the authorizer accepts in a record or claim that becomes an upstream header
 * (lambdas/authorizer/context-values.ts), checked when the seed is read rather than refused per request.
 */
const headerValue = z.string().refine(isHeaderSafe, 'must be 1-512 printable ASCII characters without leading or trailing spaces');
const tenant = z.string().refine(isTenant, 'must be a lower-case DNS label (letters, digits, inner dashes)');

const SeedSchema = z.strictObject({
  api_keys: z.array(z.strictObject({
    key: z.string().min(16).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
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
    /**
     * The issuer the client belongs to: `local` (the stand-in for Cognito) or the name of one of the
     * config's external issuers (served locally by a stand-in issuer of that name).
     */
    issuer: headerValue.default(LOCAL_ISSUER_NAME),
    /** Groups its tokens carry (`groups` claim), for routes with `auth.groups`. */
    groups: z.array(headerValue).default([]),
  })).default([]),
  users: z.array(z.strictObject({ id: headerValue, email: z.email(), password: z.string().min(1).optional() /* default: demoUserPassword(id), local/user-passwords.ts */ })).default([]),
});

export type Seed = z.infer<typeof SeedSchema>;
export type SeedClient = Seed['oauth_clients'][number];

/** One problem in a seed file: where it is and what is wrong (as the config loader reports them). */
export interface SeedProblem {
  /** Key path, e.g. `api_keys[3].allowed_cidrs[0]`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
  /** 1-based line in the file, when known. */
  readonly line?: number;
}

/** A seed file that cannot be used; its message lists every problem as `file:line path: what is wrong`. */
export class SeedError extends Error {
  constructor(readonly file: string, readonly problems: readonly SeedProblem[], options?: { cause?: unknown }) {
    super(formatSeedProblems(file, problems), options);
    this.name = 'SeedError';
  }
}

/** `Invalid seed file` then one `  file:line path: message` line per problem. */
export function formatSeedProblems(file: string, problems: readonly SeedProblem[]): string {
  const lines = problems.map((p) => {
    const where = p.line ? `${file}:${p.line}` : file;
    return p.path ? `${where} ${p.path}: ${p.message}` : `${where}: ${p.message}`;
  });
  const head = problems.length === 1 ? 'Invalid seed file' : `Invalid seed file (${problems.length} problems)`;
  return `${head}\n  ${lines.join('\n  ')}`;
}

export interface LoadSeedOptions {
  /** The config's tier names: a seed record with another tier is refused at its line. */
  readonly tiers?: readonly string[];
  /** The config's external issuer names: a client of another issuer than these or `local` is refused. */
  readonly issuers?: readonly string[];
}

/**
 * Reads and validates the seed file (demo consumers); throws {@link SeedError} naming the file,
 * line and key path of every mistake: YAML syntax, schema, unknown tiers, allowed_cidrs the
 * authorizer cannot match, and two records with the same key, client id or user id (one would
 * silently replace the other in the consumer store).
 */
export function loadSeed(file: string, options: LoadSeedOptions = {}): Seed {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found; pass the seed file with --seed FILE'
      : code === 'EISDIR' ? 'is a directory, not a seed file; pass the seed file with --seed FILE'
        : `cannot read file (${(err as Error).message})`;
    throw new SeedError(file, [{ path: '', message: reason }], { cause: err });
  }
  return parseSeed(text, file, options);
}

/** Parses and validates seed text; `file` is only used in messages. */
export function parseSeed(text: string, file: string, options: LoadSeedOptions = {}): Seed {
  const read = readYaml(text);
  if ('problems' in read) throw new SeedError(file, read.problems, { cause: read.cause });
  const { data: raw, locate } = read.yaml;
  if (raw === null || raw === undefined) {
    throw new SeedError(file, [{ path: '', message: 'the file is empty; a seed file is a YAML mapping with api_keys:, oauth_clients: and users: (write {} for no demo consumers)' }]);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    const found = Array.isArray(raw) ? 'a list' : `a single ${typeof raw} value`;
    throw new SeedError(file, [{ path: '', message: `the document is ${found}; a seed file is a YAML mapping with api_keys:, oauth_clients: and users:`, line: read.yaml.firstLine }]);
  }
  const at = (path: readonly PropertyKey[]) => ({ path: formatPath(path), line: locate(path) });
  const result = SeedSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw new SeedError(file, result.error.issues.flatMap((issue): SeedProblem[] => {
      if (issue.code !== 'unrecognized_keys') return [{ ...at(issue.path), message: describeIssue(issue) }];
      const known = knownKeysAt(SeedSchema, issue.path);
      return issue.keys.map((key) => {
        const suggestion = closestKey(key, known);
        return { ...at([...issue.path, key]), message: `unknown key; ${suggestion ? `did you mean "${suggestion}"?` : `allowed keys: ${known.join(', ')}`}` };
      });
    }));
  }
  const problems = checkSeed(result.data, options.tiers, options.issuers).map((p) => ({ ...at(p.path), message: p.message }));
  if (problems.length > 0) throw new SeedError(file, problems);
  return result.data;
}

/**
 * What the schema cannot see: the same API key, client id or user id twice (the second record
 * would replace the first: one consumer served as another), allowed_cidrs entries the authorizer
 * cannot match (it would refuse every call, ip_not_allowed), and tiers the config does not define.
 */
export function checkSeed(seed: Seed, tiers?: readonly string[], issuers?: readonly string[]): { path: PropertyKey[]; message: string }[] {
  const problems: { path: PropertyKey[]; message: string }[] = [];
  const duplicates = <T>(list: readonly T[], section: string, field: string, value: (item: T) => string, name: (item: T) => string) => {
    const first = new Map<string, number>();
    list.forEach((item, i) => {
      const seen = first.get(value(item));
      if (seen === undefined) { first.set(value(item), i); return; }
      problems.push({
        path: [section, i, field],
        message: `the same ${field} as ${section}[${seen}] (${name(list[seen])}); each ${field} must be unique, or one record would silently replace the other`,
      });
    });
  };
  duplicates(seed.api_keys, 'api_keys', 'key', (k) => k.key, (k) => `consumer ${k.consumer}`);
  duplicates(seed.oauth_clients, 'oauth_clients', 'client_id', (c) => `${c.issuer}#${c.client_id}`, (c) => `tier ${c.tier}`);
  duplicates(seed.users, 'users', 'id', (u) => u.id, (u) => u.email);
  seed.api_keys.forEach((k, i) => k.allowed_cidrs.forEach((cidr, j) => {
    const problem = cidrProblem(cidr);
    if (problem) problems.push({ path: ['api_keys', i, 'allowed_cidrs', j], message: problem });
  }));
  if (tiers) {
    const known = `known tiers: ${tiers.join(', ')}`;
    seed.api_keys.forEach((k, i) => { if (!tiers.includes(k.tier)) problems.push({ path: ['api_keys', i, 'tier'], message: `unknown tier "${k.tier}"; ${known}` }); });
    seed.oauth_clients.forEach((c, i) => { if (!tiers.includes(c.tier)) problems.push({ path: ['oauth_clients', i, 'tier'], message: `unknown tier "${c.tier}"; ${known}` }); });
  }
  if (issuers) {
    const known = [LOCAL_ISSUER_NAME, ...issuers];
    seed.oauth_clients.forEach((c, i) => {
      if (!known.includes(c.issuer)) problems.push({ path: ['oauth_clients', i, 'issuer'], message: `unknown issuer "${c.issuer}"; known: ${known.join(', ')} (${LOCAL_ISSUER_NAME} stands in for Cognito, the others are identity.issuers[].name)` });
    });
  }
  return problems;
}

/**
 * Why the authorizer (lambdas/authorizer/client-ip.ts) would match nothing with `cidr`, or
 * undefined: an IPv4 or IPv6 address with an optional prefix length up to 32 or 128.
 */
export function cidrProblem(cidr: string): string | undefined {
  const [addr, bits, extra] = cidr.trim().split('/');
  const family = isIP(addr);
  const example = 'e.g. 203.0.113.0/24, 127.0.0.1/32 or ::1/128';
  if (!family || extra !== undefined) return `"${cidr}" is not an IPv4 or IPv6 CIDR (${example}); the authorizer would refuse every call of this key (ip_not_allowed)`;
  const max = family === 4 ? 32 : 128;
  if (bits !== undefined && (!/^\d{1,3}$/.test(bits) || Number(bits) > max)) {
    return `"${cidr}": the prefix length must be 0-${max} for an IPv${family} address (${example})`;
  }
  return undefined;
}

/**
 * Consumer records by table id, as the consumers table would hold them: API keys by hash, OAuth
 * clients as clients of the local issuer ({@link LOCAL_ISSUER_NAME}).
 */
export function seedRecords(seed: Seed): Record<string, ConsumerRecord> {
  const records: Record<string, ConsumerRecord> = {};
  for (const k of seed.api_keys) {
    records[apiKeyId(k.key)] = {
      consumer: k.consumer, tier: k.tier, tenant: k.tenant, status: k.status, allowedCidrs: k.allowed_cidrs, canary: k.canary,
      // Was dropped: the gateway registered the key in the plan, the authorizer never returned it.
      ...(k.usage_key ? { usageKey: k.usage_key } : {}),
    };
  }
  for (const c of seed.oauth_clients) {
    records[clientRecordId(c.issuer, c.client_id)] = { consumer: c.client_id, tier: c.tier, tenant: c.tenant, status: 'active', allowedCidrs: [], canary: c.canary };
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
