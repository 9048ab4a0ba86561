import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { apiKeyId, CachingConsumerStore, DynamoConsumerStore, InMemoryConsumerStore } from '../../lambdas/authorizer/consumer-store';
import { ConsumerStoreError } from '../../lambdas/authorizer/errors';
import { ipAllowed } from '../../lambdas/authorizer/client-ip';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (o: object) => import('node:http').Server;

describe('DynamoConsumerStore against dynalite', () => {
  const server = dynalite({ createTableMs: 0 });
  let client: DynamoDBClient;
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    await client.send(new CreateTableCommand({ TableName: 'consumers', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
    await client.send(new PutItemCommand({ TableName: 'consumers', Item: {
      pk: { S: apiKeyId('gh_live_secret') }, consumer: { S: 'acme' }, tier: { S: 'pro' }, tenant: { S: 'acme' }, status: { S: 'active' },
      allowed_cidrs: { L: [{ S: '10.0.0.0/8' }, { S: '2001:db8::/32' }] }, canary: { BOOL: true },
    } }));
    await client.send(new PutItemCommand({ TableName: 'consumers', Item: { pk: { S: 'cert#CN=x' }, consumer: { S: 'x' }, status: { S: 'suspended' } } }));
  });
  afterAll(async () => { client.destroy(); await new Promise((r) => server.close(r)); });

  it('reads a record by the key hash, never the raw key', async () => {
    const store = new DynamoConsumerStore({ tableName: 'consumers', client });
    expect(apiKeyId('gh_live_secret')).toMatch(/^key#[0-9a-f]{64}$/);
    expect(await store.get(apiKeyId('gh_live_secret'))).toEqual({ consumer: 'acme', tier: 'pro', tenant: 'acme', status: 'active', allowedCidrs: ['10.0.0.0/8', '2001:db8::/32'], canary: true });
    expect(await store.get(apiKeyId('gh_live_other'))).toBeUndefined();
  });

  it('treats any status but active as revoked', async () => {
    const store = new DynamoConsumerStore({ tableName: 'consumers', client });
    expect((await store.get('cert#CN=x'))?.status).toBe('revoked');
  });

  it('raises ConsumerStoreError when the table cannot be read', async () => {
    const store = new DynamoConsumerStore({ tableName: 'missing', client });
    await expect(store.get('key#1')).rejects.toThrow(ConsumerStoreError);
  });
});

describe('CachingConsumerStore', () => {
  it('caches found and missing records for ttl seconds and reports hits', async () => {
    let now = 0;
    const lookups: boolean[] = [];
    const inner = new InMemoryConsumerStore({ a: { consumer: 'a', status: 'active', allowedCidrs: [], canary: false } });
    const calls = jest.spyOn(inner, 'get');
    const store = new CachingConsumerStore(inner, { ttlSeconds: 60, clock: () => now, onLookup: (h) => lookups.push(h) });
    await store.get('a'); await store.get('a'); await store.get('nope'); await store.get('nope');
    now = 60_001;
    await store.get('a');
    expect(calls).toHaveBeenCalledTimes(3);
    expect(lookups).toEqual([false, true, false, true, false]);
  });
});

describe('IP allowlists', () => {
  it('matches IPv4, IPv6 and IPv4-mapped IPv6 and fails closed on bad entries', () => {
    const cidrs = ['192.0.2.0/24', '2001:db8:1::/48', 'not-a-cidr', '10.0.0.1'];
    expect(ipAllowed('192.0.2.200', cidrs)).toBe(true);
    expect(ipAllowed('::ffff:192.0.2.1', cidrs)).toBe(true);
    expect(ipAllowed('2001:db8:1:ffff::1', cidrs)).toBe(true);
    expect(ipAllowed('10.0.0.1', cidrs)).toBe(true);
    expect(ipAllowed('10.0.0.2', cidrs)).toBe(false);
    expect(ipAllowed('2001:db8:2::1', cidrs)).toBe(false);
    expect(ipAllowed('garbage', cidrs)).toBe(false);
    expect(ipAllowed('192.0.2.1', ['bad/99'])).toBe(false);
  });
});
