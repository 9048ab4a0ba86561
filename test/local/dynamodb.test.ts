import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { apiKeyId, consumerItem } from '../../lib/contract/consumer-record';
import { localDynamoClient, seedConsumersTable } from '../../local/dynamodb-seed';
import { loadSeed } from '../../local/seed';
import { apiKey, startTestGateway, type TestGateway } from './support/harness';

// dynalite ships no type declarations; this is the part used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (opts: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

const TABLE = 'gatehouse-dev-consumers';
const TABLE_ONLY_KEY = 'ghk_local_table_only_000000000';

describe('DYNAMODB_ENDPOINT: consumers from a DynamoDB table (dynalite in this process)', () => {
  let db: Server;
  let client: DynamoDBClient;
  let gw: TestGateway;
  const get = (key: string) => fetch(`${gw.url}/v1/users`, { headers: { 'x-api-key': key } });

  beforeAll(async () => {
    db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => db.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(db.address() as AddressInfo).port}`;
    client = localDynamoClient(endpoint);
    await seedConsumersTable({ client, tableName: TABLE, seed: loadSeed(join(__dirname, '../../local/seed.yaml')) });
    // A record only the table has: answering it proves the gateway reads the table, not the seed.
    await client.send(new PutItemCommand({
      TableName: TABLE,
      Item: consumerItem(apiKeyId(TABLE_ONLY_KEY), { consumer: 'table-only', tier: 'pro', status: 'active', allowedCidrs: [], canary: false }),
    }));
    gw = await startTestGateway({ dynamodb: { endpoint, tableName: TABLE } });
  });
  afterAll(async () => {
    await gw?.close();
    client?.destroy();
    db?.closeAllConnections();
    await new Promise((resolve) => db?.close(resolve));
  });

  it('admits a demo API key seeded into the table from local/seed.yaml', async () => {
    const res = await get(apiKey(gw.credentials, 'demo-free'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ headers: { 'x-gatehouse-consumer': 'demo-free', 'x-gatehouse-tier': 'free' } });
  });

  it('admits a key that exists only in the table', async () => {
    const res = await get(TABLE_ONLY_KEY);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ headers: { 'x-gatehouse-consumer': 'table-only', 'x-gatehouse-tier': 'pro' } });
  });

  it('refuses a key revoked in the table and an unknown key alike (401), told apart in the log only (decision 0018)', async () => {
    await gw.logs();
    const revoked = await get(apiKey(gw.credentials, 'demo-revoked'));
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ message: 'Unauthorized', code: 'unauthorized' });
    expect((await get('ghk_local_in_no_table_00000000')).status).toBe(401);
    expect((await gw.logs()).map((l) => l.reason)).toEqual(['api_key_revoked', 'api_key_unknown']);
  });

  it('answers 503 (AUTHORIZER_FAILURE) with Retry-After, never admits, when the table cannot be read', async () => {
    db.closeAllConnections();
    await new Promise((resolve) => db.close(resolve));
    await gw.logs();
    const res = await get('ghk_local_never_looked_up_0000');
    expect({ status: res.status, retryAfter: res.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: '1' });
    expect((await gw.logs()).pop()).toMatchObject({ status: 503, error: 'AUTHORIZER_FAILURE' });
  });
});
