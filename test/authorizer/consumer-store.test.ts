import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { apiKeyId, CachingConsumerStore, certRecordId, clientRecordId, DynamoConsumerStore, InMemoryConsumerStore } from '../../lambdas/authorizer/consumer-store';
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

describe('record ids', () => {
  it('bind OAuth clients to the issuer name and certificates to the issuer DN, readably', () => {
    expect(clientRecordId('cognito', '4lq0c2rj3hks0rsa3pp0u1h9nb')).toBe('client#cognito#4lq0c2rj3hks0rsa3pp0u1h9nb');
    expect(clientRecordId('partners', 'partner-app')).toBe('client#partners#partner-app');
    expect(certRecordId('CN=Gatehouse Internal CA,O=Example Corp', 'CN=billing-service,O=Example Corp'))
      .toBe('cert#CN=Gatehouse Internal CA,O=Example Corp#CN=billing-service,O=Example Corp');
    expect(certRecordId('CN=Gatehouse Internal CA,O=Example Corp', '0a1b2c')).toBe('cert#CN=Gatehouse Internal CA,O=Example Corp#0a1b2c');
  });

  it('never give two different (issuer, value) pairs the same id, whatever `#` and `%` they hold', () => {
    const parts = ['a', 'a#b', 'b', 'b#c', 'a#', '#b', '%23', '#', '%', 'a%23b'];
    const pairs = parts.flatMap((i) => parts.map((v) => [i, v] as const));
    for (const id of [certRecordId, clientRecordId]) {
      expect(new Set(pairs.map(([i, v]) => id(i, v))).size).toBe(pairs.length);
    }
    expect(certRecordId('CN=CA,O=X#CN=svc', '1')).not.toBe(certRecordId('CN=CA,O=X', 'CN=svc#1'));
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
