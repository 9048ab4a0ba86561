import { Option, type Command } from 'commander';
import type { GatewayEnvironment } from '../lib/config/environments';
import { COGNITO_ISSUER_NAME as COGNITO, LOCAL_ISSUER_NAME } from '../lib/contract/issuers';
import type { ConsumerEntry, ConsumerRecords, NewRecord } from './consumer-records';
import type { ConsumersTable } from './consumers-table';
import { announceConfig, collect, configOption, SELECTED_WITH } from './config-option';
import { InputError, usageError } from './errors';

/** The options every `consumers` subcommand takes: which config, environment and table. */
interface TableOptions { config: string; env: string; endpoint?: string; table?: string; region?: string; json?: boolean }
interface CreateOptions extends TableOptions { tier: string; tenant?: string; allowedCidr?: string[]; canary?: boolean; clientId?: string; issuer?: string }
interface SelectOptions extends TableOptions { id?: string }

/**
 * `gatehouse consumers create|list|rotate|revoke`: API keys and OAuth client records in the
 * consumers table of an environment, deployed (table from the Data stack's output) or local
 * (`--endpoint`, e.g. dynalite). Records in the authorizer's format; keys shown once, stored hashed.
 */
export function consumersCommand(program: Command): Command {
  const consumers = program.command('consumers')
    .description('create, list, rotate and revoke API keys and OAuth client records in the consumers table')
    .addHelpText('after', `
The table: with --endpoint (or DYNAMODB_ENDPOINT), a local one (dynalite), named <name>-<env>-consumers
as npm start reads it; otherwise the deployed one, whose name is read from the output ConsumersTableName
of the stack <name>-<env>-data in the environment's region, with your AWS credentials.
--table (or CONSUMERS_TABLE_NAME) names it directly.`);

  tableOptions(consumers.command('create'))
    .description('create an API key (shown once, stored as its SHA-256) or, with --client-id, an OAuth client record')
    .argument('<consumer>', 'consumer name (sent upstream as X-Gatehouse-Consumer)')
    .requiredOption('--tier <tier>', 'tier of the config')
    .option('--tenant <tenant>', 'tenant id (a lower-case DNS label)')
    .option('--allowed-cidr <cidr>', 'only calls from this IPv4/IPv6 CIDR (repeatable; default: anywhere)', collect)
    .option('--canary', 'may opt into canaries with the canary header')
    .option('--client-id <id>', 'an OAuth client record instead of an API key: the client id its tokens carry')
    .option('--issuer <name>', 'issuer of the client: cognito (default) or an identity.issuers name')
    .action(async (consumer: string, opts: CreateOptions, command: Command) => {
      const record = newRecord(command, consumer, opts);
      await withTable(command, opts, async ({ gateway, records, table }) => {
        checkTier(gateway, opts.tier);
        if (opts.clientId !== undefined) {
          const issuer = issuerName(gateway, table, opts.issuer);
          const { id } = await records.createClient(issuer, opts.clientId, record);
          process.stderr.write(`created OAuth client record ${id} for consumer ${consumer} (tier ${opts.tier}) in ${table.where}\n`);
          process.stdout.write(opts.json ? `${JSON.stringify({ id, consumer, ...fieldsOf(record) }, null, 2)}\n` : `${id}\n`);
          return;
        }
        if (opts.issuer !== undefined) usageError(command, '--issuer names the issuer of a --client-id; an API key has none');
        const { key, id } = await records.createApiKey(record);
        process.stderr.write(`created API key ${id} for consumer ${consumer} (tier ${opts.tier}) in ${table.where}\n${SHOWN_ONCE}\n`);
        process.stdout.write(opts.json ? `${JSON.stringify({ key, id, consumer, ...fieldsOf(record) }, null, 2)}\n` : `${key}\n`);
      });
    });

  tableOptions(consumers.command('list'))
    .description('list the records (API keys by hash, OAuth clients, certificates)')
    .option('--consumer <name>', 'only the records of this consumer')
    .action(async (opts: TableOptions & { consumer?: string }, command: Command) => {
      await withTable(command, opts, async ({ records, table }) => {
        const entries = (await records.list()).filter((e) => opts.consumer === undefined || e.record.consumer === opts.consumer);
        process.stderr.write(`${entries.length} record(s) in ${table.where}\n`);
        process.stdout.write(opts.json ? `${JSON.stringify(entries.map(entryJson), null, 2)}\n` : renderEntries(entries));
      });
    });

  tableOptions(consumers.command('rotate'))
    .description("replace a consumer's API key: a new key (shown once) with the same tier, tenant and CIDRs, the old one revoked")
    .argument('<consumer>', 'consumer name')
    .option('--id <id>', 'the key to replace (its id as list prints it), when the consumer has several')
    .action(async (consumer: string, opts: SelectOptions, command: Command) => {
      await withTable(command, opts, async ({ gateway, records, table }) => {
        const [old] = await selectRecords(records, table, consumer, opts.id, { kind: 'api-key', one: true });
        const { key, id } = await records.rotateApiKey(old);
        process.stderr.write(`rotated the API key of consumer ${consumer} in ${table.where}: new ${id}, revoked ${old.id}\n${SHOWN_ONCE}\n${cachedFor(gateway)}\n`);
        process.stdout.write(opts.json ? `${JSON.stringify({ key, id, consumer, revoked: old.id }, null, 2)}\n` : `${key}\n`);
      });
    });

  tableOptions(consumers.command('revoke'))
    .description("revoke a consumer's API keys and client records (status revoked: its calls are refused with 403)")
    .argument('<consumer>', 'consumer name')
    .option('--id <id>', 'only this record (its id as list prints it)')
    .action(async (consumer: string, opts: SelectOptions, command: Command) => {
      await withTable(command, opts, async ({ gateway, records, table }) => {
        const revoked = await selectRecords(records, table, consumer, opts.id, { one: false });
        for (const entry of revoked) await records.revoke(entry.id);
        process.stderr.write(`revoked ${revoked.length} record(s) of consumer ${consumer} in ${table.where}\n${cachedFor(gateway)}\n`);
        process.stdout.write(opts.json ? `${JSON.stringify({ consumer, revoked: revoked.map((e) => e.id) }, null, 2)}\n` : revoked.map((e) => `${e.id}\n`).join(''));
      });
    });
  return consumers;
}

const SHOWN_ONCE = 'The key is shown once, on stdout: only its SHA-256 is stored.';

function tableOptions(command: Command): Command {
  return command
    .addOption(configOption())
    .option('-e, --env <name>', 'environment', 'dev')
    .addOption(new Option('--endpoint <url>', 'DynamoDB endpoint of a local table, e.g. http://127.0.0.1:4567 (dynalite)').env('DYNAMODB_ENDPOINT'))
    .addOption(new Option('--table <name>', 'table name (default: local <name>-<env>-consumers; deployed: from the Data stack)').env('CONSUMERS_TABLE_NAME'))
    .option('--region <region>', "AWS region of a deployed table (default: the environment's)")
    .option('--json', 'print the result as JSON');
}

interface TableContext { readonly gateway: GatewayEnvironment; readonly records: ConsumerRecords; readonly table: ConsumersTable }

/** Loads the config, opens the table, runs `work`, closes the client. */
async function withTable(command: Command, opts: TableOptions, work: (context: TableContext) => Promise<void>): Promise<void> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { loadConfigFile } = require('../lib/checks/load') as typeof import('../lib/checks/load');
  const { selectEnvironments } = require('../lib/config/environments') as typeof import('../lib/config/environments');
  const { endpointProblem } = require('../local/env') as typeof import('../local/env');
  const { openConsumersTable } = require('./consumers-table') as typeof import('./consumers-table');
  const { ConsumerRecords: Records } = require('./consumer-records') as typeof import('./consumer-records');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const endpointWrong = opts.endpoint === undefined ? undefined : endpointProblem(opts.endpoint);
  if (endpointWrong) usageError(command, `--endpoint (or DYNAMODB_ENDPOINT): ${endpointWrong}`);
  if (opts.table !== undefined && !/^[A-Za-z0-9_.-]{3,255}$/.test(opts.table)) usageError(command, `--table (or CONSUMERS_TABLE_NAME): ${JSON.stringify(opts.table)} is not a DynamoDB table name (3-255 letters, digits, "_", "-", ".")`);
  announceConfig(command, opts.config);
  const [gateway] = selectEnvironments(loadConfigFile(opts.config, SELECTED_WITH), [opts.env], SELECTED_WITH);
  const table = await openConsumersTable(gateway, { endpoint: opts.endpoint, table: opts.table, region: opts.region });
  try {
    await work({ gateway, records: new Records(table.client, table.tableName), table });
  } finally {
    table.client.destroy();
  }
}

/** The record's fields from the command line, refused (exit 2) when one is malformed. */
function newRecord(command: Command, consumer: string, opts: CreateOptions): NewRecord {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { isHeaderSafe, isTenant } = require('../lambdas/authorizer/context-values') as typeof import('../lambdas/authorizer/context-values');
  const { cidrProblem } = require('../local/seed') as typeof import('../local/seed');
  /* eslint-enable @typescript-eslint/no-require-imports */
  // The authorizer sends these upstream as headers and refuses records it could not send.
  if (!isHeaderSafe(consumer)) usageError(command, `consumer ${JSON.stringify(consumer)}: must be 1-512 printable ASCII characters without leading or trailing spaces`);
  if (opts.clientId !== undefined && !isHeaderSafe(opts.clientId)) usageError(command, `--client-id ${JSON.stringify(opts.clientId)}: must be 1-512 printable ASCII characters without leading or trailing spaces`);
  if (opts.tenant !== undefined && !isTenant(opts.tenant)) usageError(command, `--tenant ${JSON.stringify(opts.tenant)}: must be a lower-case DNS label (letters, digits, inner dashes)`);
  const cidrs = opts.allowedCidr ?? [];
  for (const cidr of cidrs) {
    const problem = cidrProblem(cidr);
    if (problem) usageError(command, `--allowed-cidr: ${problem}`);
  }
  return { consumer, tier: opts.tier, ...(opts.tenant ? { tenant: opts.tenant } : {}), allowedCidrs: cidrs, canary: opts.canary === true };
}

/** A tier the config does not define would be served as the default tier: refused, with the closest name. */
function checkTier(gateway: GatewayEnvironment, tier: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { closestKey } = require('../lib/config/describe-issue') as typeof import('../lib/config/describe-issue');
  const tiers = gateway.config.tiers.map((t) => t.name);
  if (tiers.includes(tier)) return;
  const suggestion = closestKey(tier, tiers);
  throw new InputError(`--tier ${tier}: no such tier in ${gateway.file}${suggestion ? `; did you mean ${suggestion}?` : ''} (tiers: ${tiers.join(', ')})`);
}

/**
 * The issuer part of a client record: the name the authorizer gives the issuer that verified
 * the token. Cognito is `cognito` deployed; locally its stand-in is `local` (lib/contract/issuers.ts).
 */
function issuerName(gateway: GatewayEnvironment, table: ConsumersTable, asked: string | undefined): string {
  const external = gateway.config.identity.issuers.map((i) => i.name);
  const cognito = gateway.config.identity.cognito ? [COGNITO] : [];
  const known = [...cognito, ...external];
  const issuer = asked ?? (cognito.length > 0 ? COGNITO : external.length === 1 ? external[0] : undefined);
  if (issuer === undefined) throw new InputError(`--issuer is needed: ${gateway.file} has no Cognito and several issuers (${external.join(', ')})`);
  if (!known.includes(issuer) && !(table.local && issuer === LOCAL_ISSUER_NAME)) {
    throw new InputError(`--issuer ${issuer}: not an issuer of ${gateway.file}; known: ${known.join(', ') || 'none (the config has no Cognito and no identity.issuers)'}`);
  }
  return table.local && issuer === COGNITO ? LOCAL_ISSUER_NAME : issuer;
}

/**
 * The active records of `consumer` (of `kind`), or the one `id` names. Exit 1 when there is none,
 * naming the consumers the table has; with `one`, when several match and --id does not choose.
 */
async function selectRecords(records: ConsumerRecords, table: ConsumersTable, consumer: string, id: string | undefined, want: { kind?: 'api-key'; one: boolean }): Promise<ConsumerEntry[]> {
  const all = await records.list();
  const what = want.kind === 'api-key' ? 'API key' : 'record';
  const matching = all.filter((e) => e.record.consumer === consumer && e.record.status === 'active' && (want.kind === undefined || e.kind === want.kind) && (id === undefined || e.id === id));
  if (matching.length === 0) {
    const names = [...new Set(all.map((e) => e.record.consumer))];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { closestKey } = require('../lib/config/describe-issue') as typeof import('../lib/config/describe-issue');
    const suggestion = names.includes(consumer) ? undefined : closestKey(consumer, names);
    throw new InputError(`no active ${what}${id ? ` ${id}` : ''} of consumer ${consumer} in ${table.where}${suggestion ? `; did you mean ${suggestion}?` : ''}`);
  }
  if (want.one && matching.length > 1) {
    throw new InputError(`consumer ${consumer} has ${matching.length} active ${what}s; choose one with --id:\n${matching.map((e) => `  ${e.id}`).join('\n')}`);
  }
  return matching;
}

/** When a revocation is seen everywhere: authorizers keep what they read for a while. */
function cachedFor(gateway: GatewayEnvironment): string {
  return `Authorizers that read the old record keep it for up to identity.api_keys.cache_seconds (${gateway.config.identity.api_keys.cache_seconds} s), and API Gateway's authorizer result cache for its TTL.`;
}

function fieldsOf(record: NewRecord): Record<string, unknown> {
  return { tier: record.tier, ...(record.tenant ? { tenant: record.tenant } : {}), allowedCidrs: record.allowedCidrs, canary: record.canary };
}

function entryJson(e: ConsumerEntry): Record<string, unknown> {
  return { id: e.id, kind: e.kind, consumer: e.record.consumer, status: e.record.status, ...fieldsOf(e.record), ...(e.record.usageKey ? { ownUsagePlanKey: true } : {}) };
}

function renderEntries(entries: readonly ConsumerEntry[]): string {
  const rows = [['KIND', 'ID', 'CONSUMER', 'TIER', 'TENANT', 'STATUS', 'CANARY', 'ALLOWED CIDRS'], ...entries.map((e) => [
    e.kind, e.id, e.record.consumer, e.record.tier ?? '-', e.record.tenant ?? '-', e.record.status, e.record.canary ? 'yes' : 'no', e.record.allowedCidrs.join(',') || 'any',
  ])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n').concat('\n');
}
