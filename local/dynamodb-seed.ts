import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CreateTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand, ResourceNotFoundException,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import type { ConsumerRecord } from '../lambdas/authorizer/consumer-store';
import { formatEnvProblems, readLocalEnv } from './env';
import { loadSeed, seedRecords, type Seed } from './seed';

/**
 * The demo consumers in a DynamoDB consumers table (dynalite or real), shaped as the table of
 * lib/constructs/data-consumers-table.ts holds them and `DynamoConsumerStore` reads them:
 * partition key `pk` (`key#<sha256>`, `client#<issuer name>#<client id>`), `status`, `allowed_cidrs` as a list.
 *
 * CLI: `DYNAMODB_ENDPOINT=http://127.0.0.1:4567 CONSUMERS_TABLE_NAME=gatehouse-dev-consumers npx tsx local/dynamodb-seed.ts [--seed FILE]`
 * creates the table when it is missing and writes the seed, then `npm start` with the same
 * variables serves from it.
 */
export function consumerItem(id: string, record: ConsumerRecord): Record<string, AttributeValue> {
  return {
    pk: { S: id },
    consumer: { S: record.consumer },
    ...(record.tier ? { tier: { S: record.tier } } : {}),
    ...(record.tenant ? { tenant: { S: record.tenant } } : {}),
    status: { S: record.status },
    allowed_cidrs: { L: record.allowedCidrs.map((c) => ({ S: c })) },
    canary: { BOOL: record.canary },
    ...(record.usageKey ? { usage_key: { S: record.usageKey } } : {}),
  };
}

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
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
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
    const pkType = Table?.AttributeDefinitions?.find((a) => a.AttributeName === 'pk')?.AttributeType;
    if (key !== 'pk (HASH)' || pkType !== 'S') {
      return `CONSUMERS_TABLE_NAME=${tableName}: the table at DYNAMODB_ENDPOINT=${endpoint} is keyed by ${key || 'nothing'}; a consumers table has the partition key pk (string) and no sort key (lib/constructs/data-consumers-table.ts)`;
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

/**
 * The table `npm start` reads with DYNAMODB_ENDPOINT and no CONSUMERS_TABLE_NAME, and
 * `gatehouse consumers --endpoint` writes. (A deployed table's name is generated by
 * CloudFormation: `gatehouse consumers` reads it from the Data stack's output.)
 */
export function localConsumersTableName(gatewayName: string, environment: string): string {
  return `${gatewayName}-${environment}-consumers`;
}

/** A client for a local endpoint (dynalite accepts any credentials). */
export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seed: { type: 'string' } } });
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  const tableName = process.env.CONSUMERS_TABLE_NAME ?? 'gatehouse-dev-consumers';
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set (e.g. http://127.0.0.1:4567 for dynalite)');
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
