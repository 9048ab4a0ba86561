import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DEFAULT_CONFIG } from '../cli/config-option';
import { loadConfigFile } from '../lib/checks/load';
import { selectEnvironments } from '../lib/config/environments';
import { CONSUMERS_PARTITION_KEY as PK, consumerItem } from '../lib/contract/consumer-record';
import { localConsumersTableName } from '../lib/contract/resource-names';
import { formatEnvProblems, readLocalEnv } from './env';
import { loadSeed, seedRecords, type Seed } from './seed';

/**
 * The demo consumers in a DynamoDB consumers table (dynalite or real), in the item format of
 * lib/contract/consumer-record.ts, which the table of lib/constructs/data-consumers-table.ts holds
 * and `DynamoConsumerStore` reads.
 *
 * CLI: `DYNAMODB_ENDPOINT=http://127.0.0.1:4567 npx tsx local/dynamodb-seed.ts [--seed FILE] [--config FILE] [--env NAME]`
 * creates the table when it is missing and writes the seed, then `npm start` with the same
 * variables serves from it. The table is CONSUMERS_TABLE_NAME, else the one `npm start` reads
 * by default (`<name>-<env>-consumers` of the config, environment dev).
 */

export interface SeedTableProps {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly seed: Seed;
}

/** Creates the table (pk string, on demand) unless it exists, waits until it is ACTIVE, writes every seed record. */
export async function seedConsumersTable({ client, tableName, seed }: SeedTableProps): Promise<number> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
    await client.send(new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: PK, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: PK, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
  }
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const records = Object.entries(seedRecords(seed));
  for (const [id, record] of records) await client.send(new PutItemCommand({ TableName: tableName, Item: consumerItem(id, record) }));
  return records.length;
}

/** How long the startup check waits for the endpoint (the SDK retries a refused connection meanwhile). */
const CHECK_TIMEOUT_MS = 5000;

/**
 * Why the gateway cannot read consumers from `tableName` at `endpoint`, or undefined: checked
 * once at startup with DescribeTable, so a wrong endpoint or a table never created is one clear
 * line instead of every request failing with 500 (AUTHORIZER_FAILURE) and no cause.
 */
export async function consumersTableProblem(client: DynamoDBClient, endpoint: string, tableName: string): Promise<string | undefined> {
  const seedIt = `create and seed it with: DYNAMODB_ENDPOINT=${endpoint} CONSUMERS_TABLE_NAME=${tableName} npx tsx local/dynamodb-seed.ts`;
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }), { abortSignal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
    const key = (Table?.KeySchema ?? []).map((k) => `${k.AttributeName} (${k.KeyType})`).join(', ');
    const pkType = Table?.AttributeDefinitions?.find((a) => a.AttributeName === PK)?.AttributeType;
    if (key !== `${PK} (HASH)` || pkType !== 'S') {
      return `CONSUMERS_TABLE_NAME=${tableName}: the table at DYNAMODB_ENDPOINT=${endpoint} is keyed by ${key || 'nothing'}; a consumers table has the partition key ${PK} (string) and no sort key (lib/constructs/data-consumers-table.ts)`;
    }
    return undefined;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) {
      return `CONSUMERS_TABLE_NAME=${tableName}: no such table at DYNAMODB_ENDPOINT=${endpoint}; ${seedIt}`;
    }
    const e = err as Error & { code?: string; cause?: { code?: string } };
    if (e.name === 'AbortError' || e.name === 'TimeoutError') {
      return `DYNAMODB_ENDPOINT=${endpoint}: no answer within ${CHECK_TIMEOUT_MS / 1000} s; start dynalite (npx dynalite --port 4567) or fix the URL`;
    }
    const code = e.code ?? e.cause?.code;
    if (code && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPROTO)$/.test(code)) {
      return `DYNAMODB_ENDPOINT=${endpoint}: cannot connect (${e.message || code}); start dynalite (npx dynalite --port 4567) or fix the URL`;
    }
    return `DYNAMODB_ENDPOINT=${endpoint}: DescribeTable of "${tableName}" failed: ${e.name}: ${e.message}`;
  }
}

/** A client for a local endpoint (dynalite accepts any credentials). */
export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

/** What `npm start` serves without --env. */
const DEFAULT_ENVIRONMENT = 'dev';

/** The table `npm start` reads for this config and environment without CONSUMERS_TABLE_NAME. */
function defaultTableName(configFile: string, environment: string): string {
  const [gateway] = selectEnvironments(loadConfigFile(configFile), [environment]);
  return localConsumersTableName(gateway);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seed: { type: 'string' }, config: { type: 'string' }, env: { type: 'string' } } });
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set (e.g. http://127.0.0.1:4567 for dynalite)');
  const tableName = process.env.CONSUMERS_TABLE_NAME ?? defaultTableName(values.config ?? process.env.GATEHOUSE_CONFIG ?? DEFAULT_CONFIG, values.env ?? DEFAULT_ENVIRONMENT);
  const env = readLocalEnv({ DYNAMODB_ENDPOINT: endpoint, CONSUMERS_TABLE_NAME: tableName });
  if (Array.isArray(env)) throw new Error(formatEnvProblems(env));
  // The same checks as npm start (duplicate keys, allowed_cidrs, ...), before anything is written.
  const seed = loadSeed(values.seed ?? resolve(__dirname, 'seed.yaml'));
  const client = localDynamoClient(endpoint);
  try {
    const count = await seedConsumersTable({ client, tableName, seed });
    process.stdout.write(`${count} consumer records written to ${tableName} at ${endpoint}\n`);
  } finally {
    client.destroy();
  }
}

if (require.main === module) {
  main().catch((err: Error) => { process.stderr.write(`${err.message}\n`); process.exit(1); });
}
