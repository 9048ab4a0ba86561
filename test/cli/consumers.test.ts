import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { apiKeyId, consumerFromItem } from '../../lib/contract/consumer-record';
import { localDynamoClient, seedConsumersTable } from '../../local/dynamodb-seed';
import { freePort } from '../rate-limit/redis-server';
import { cleanEnv, descendants, alive, eventually, gatehouseAsync, ROOT, STACK_TRACE } from './support';

// dynalite ships no type declarations; this is the part used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (opts: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

const TABLE = 'gatehouse-dev-consumers';
let server: Server;
let endpoint: string;
let client: DynamoDBClient;

beforeAll(async () => {
  server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = localDynamoClient(endpoint);
  await seedConsumersTable({ client, tableName: TABLE, seed: { api_keys: [], oauth_clients: [], users: [] } as never });
});
afterAll(async () => {
  client.destroy();
  await new Promise((r) => server.close(r));
});

const consumers = (args: string[], env: Record<string, string | undefined> = {}) => gatehouseAsync(['consumers', ...args], { DYNAMODB_ENDPOINT: endpoint, ...env });

async function items(): Promise<Record<string, unknown>[]> {
  return (await client.send(new ScanCommand({ TableName: TABLE }))).Items ?? [];
}

describe('gatehouse consumers against a local table (dynalite)', () => {
  it('creates an API key: shown once on stdout, stored only as its SHA-256, in the authorizer\'s format', async () => {
    const run = await consumers(['create', 'acme', '--tier', 'pro', '--tenant', 'acme', '--allowed-cidr', '10.0.0.0/8']);
    expect(run.status).toBe(0);
    const key = run.stdout.trim();
    expect(key).toMatch(/^ghk_[A-Za-z0-9_-]{43}$/);
    expect(run.stderr).toBe([
      'gatehouse consumers create: config gateway.config.yaml (default)',
      `created API key ${apiKeyId(key)} for consumer acme (tier pro) in table ${TABLE} at ${endpoint}`,
      'The key is shown once, on stdout: only its SHA-256 is stored.',
      '',
    ].join('\n'));
    const stored = (await items()).find((i) => (i as { pk: { S: string } }).pk.S === apiKeyId(key))!;
    expect(JSON.stringify(await items())).not.toContain(key);
    expect(consumerFromItem(stored as never)).toEqual({ consumer: 'acme', tier: 'pro', tenant: 'acme', status: 'active', allowedCidrs: ['10.0.0.0/8'], canary: false });
  });

  it('lists the records as a table and as JSON', async () => {
    const text = await consumers(['list', '--consumer', 'acme']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^KIND +ID +CONSUMER +TIER +TENANT +STATUS +CANARY +ALLOWED CIDRS\napi-key +key#[0-9a-f]{64} +acme +pro +acme +active +no +10\.0\.0\.0\/8\n$/);
    const json = await consumers(['list', '--consumer', 'acme', '--json']);
    expect(JSON.parse(json.stdout)).toEqual([{ id: expect.stringMatching(/^key#/), kind: 'api-key', consumer: 'acme', status: 'active', tier: 'pro', tenant: 'acme', allowedCidrs: ['10.0.0.0/8'], canary: false }]);
  });

  it('rotates a key: a new one with the same fields, the old one revoked', async () => {
    const [old] = JSON.parse((await consumers(['list', '--consumer', 'acme', '--json'])).stdout) as { id: string }[];
    const run = await consumers(['rotate', 'acme', '--json']);
    expect(run.status).toBe(0);
    const rotated = JSON.parse(run.stdout) as { key: string; id: string; revoked: string };
    expect(rotated).toEqual({ key: expect.stringMatching(/^ghk_/), id: apiKeyId(rotated.key), consumer: 'acme', revoked: old.id });
    expect(run.stderr).toContain('Authorizers that read the old record keep it for up to identity.api_keys.cache_seconds (60 s)');
    const records = JSON.parse((await consumers(['list', '--consumer', 'acme', '--json'])).stdout) as { id: string; status: string; tenant: string }[];
    expect(records.map((r) => [r.id, r.status, r.tenant]).sort()).toEqual([[old.id, 'revoked', 'acme'], [rotated.id, 'active', 'acme']].sort());
  });

  it('creates an OAuth client record bound to the issuer (locally, the Cognito stand-in is "local")', async () => {
    const run = await consumers(['create', 'partner-app', '--tier', 'enterprise', '--client-id', 'partner-app', '--canary']);
    expect(run).toMatchObject({ status: 0, stdout: 'client#local#partner-app\n' });
    const again = await consumers(['create', 'partner-app', '--tier', 'enterprise', '--client-id', 'partner-app']);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`client#local#partner-app already exists in ${TABLE}; revoke it or choose another client id\n`);
  });

  it('revokes every active record of a consumer', async () => {
    const run = await consumers(['revoke', 'partner-app']);
    expect(run).toMatchObject({ status: 0, stdout: 'client#local#partner-app\n' });
    const [record] = JSON.parse((await consumers(['list', '--consumer', 'partner-app', '--json'])).stdout) as { status: string }[];
    expect(record.status).toBe('revoked');
  });

  it('refuses a consumer that has no active record, with the name meant, exit 1', async () => {
    const run = await consumers(['revoke', 'acmee']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`no active record of consumer acmee in table ${TABLE} at ${endpoint}; did you mean acme?\n`);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    expect((await consumers(['rotate', 'partner-app'])).stderr).toContain('no active API key of consumer partner-app');
  });

  it('refuses a tier or issuer the config does not define (exit 1) and malformed values (exit 2)', async () => {
    expect((await consumers(['create', 'x', '--tier', 'pr'])).stderr).toContain('--tier pr: no such tier in gateway.config.yaml; did you mean pro? (tiers: free, pro, enterprise)\n');
    expect((await consumers(['create', 'x', '--tier', 'pro', '--client-id', 'x', '--issuer', 'okta'])).status).toBe(1);
    const cidr = await consumers(['create', 'x', '--tier', 'pro', '--allowed-cidr', '10.0.0.1/33']);
    expect(cidr.status).toBe(2);
    expect(cidr.stderr).toMatch(/^error: --allowed-cidr: "10\.0\.0\.1\/33": the prefix length must be 0-32/);
    expect((await consumers(['create', 'x', '--tier', 'pro', '--tenant', 'Acme'])).status).toBe(2);
    expect((await consumers(['list'], { DYNAMODB_ENDPOINT: 'localhost:4567' })).status).toBe(2);
  });

  it('names a missing table and how to create it, exit 1', async () => {
    const run = await consumers(['list', '--table', 'no-such-table']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`CONSUMERS_TABLE_NAME=no-such-table: no such table at DYNAMODB_ENDPOINT=${endpoint}`);
  });

  it('writes keys the local gateway serves (one record format)', async () => {
    const key = (await consumers(['create', 'served', '--tier', 'free'])).stdout.trim();
    const port = await freePort();
    const child = spawn(process.execPath, ['bin/gatehouse-cli.cjs', 'start'], {
      cwd: ROOT, env: cleanEnv({ PORT: String(port), ISSUER_PORT: '0', LOG: 'off', DYNAMODB_ENDPOINT: endpoint, CONSUMERS_TABLE_NAME: TABLE }), stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => { stderr += String(d); });
    try {
      expect(await eventually(() => stderr.includes('curl -sS'), 60_000)).toBe(true);
      const res = await fetch(`http://127.0.0.1:${port}/v1/users`, { headers: { 'x-api-key': key } });
      expect(res.status).toBe(200);
      expect((JSON.parse(await res.text()) as { headers: Record<string, string> }).headers['x-gatehouse-consumer']).toBe('served');
    } finally {
      const below = descendants(child.pid!);
      child.kill('SIGTERM');
      await eventually(() => child.exitCode !== null && below.every((p) => !alive(p)), 15_000);
    }
  }, 90_000);
});

describe('gatehouse consumers against a deployed table', () => {
  // A stand-in for CloudFormation (DescribeStacks, query protocol); DynamoDB is the dynalite above.
  let cloudformation: Server;
  let cfnEndpoint: string;
  const deployedTable = 'gatehouse-dev-data-ConsumersTable1234-ABCDEF';
  const asked: string[] = [];
  beforeAll(async () => {
    await seedConsumersTable({ client, tableName: deployedTable, seed: { api_keys: [], oauth_clients: [], users: [] } as never });
    cloudformation = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => { body += String(d); });
      req.on('end', () => {
        const params = new URLSearchParams(body);
        asked.push(`${params.get('Action')} ${params.get('StackName')} ${/eu-west-1/.test(String(req.headers.authorization)) ? 'eu-west-1' : 'other region'}`);
        if (params.get('StackName') !== 'gatehouse-dev-data') {
          res.writeHead(400, { 'content-type': 'text/xml' });
          res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${params.get('StackName')} does not exist</Message></Error><RequestId>1</RequestId></ErrorResponse>`);
          return;
        }
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(`<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>gatehouse-dev-data</StackName><StackStatus>CREATE_COMPLETE</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime><Outputs><member><OutputKey>ConsumersTableName</OutputKey><OutputValue>${deployedTable}</OutputValue></member></Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>`);
      });
    });
    await new Promise<void>((r) => cloudformation.listen(0, '127.0.0.1', r));
    cfnEndpoint = `http://127.0.0.1:${(cloudformation.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => cloudformation.close(r)));

  const aws = () => ({
    DYNAMODB_ENDPOINT: undefined, AWS_ENDPOINT_URL_CLOUDFORMATION: cfnEndpoint, AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-west-2', AWS_PROFILE: undefined,
  });

  it('finds the table from the Data stack output in the environment\'s region and writes there', async () => {
    const run = await consumers(['create', 'deployed-consumer', '--tier', 'pro'], aws());
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`created API key ${apiKeyId(run.stdout.trim())} for consumer deployed-consumer (tier pro) in table ${deployedTable} in eu-west-1 (stack gatehouse-dev-data)\n`);
    expect(asked).toContain('DescribeStacks gatehouse-dev-data eu-west-1');
    const stored = (await client.send(new ScanCommand({ TableName: deployedTable }))).Items!;
    expect(stored.map((i) => i.pk.S)).toEqual([apiKeyId(run.stdout.trim())]);
  });

  it('names a stack that is not deployed and the way around it, exit 1', async () => {
    const run = await consumers(['list', '--env', 'prod'], aws());
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('stack gatehouse-prod-data does not exist in eu-west-1 (account 222222222222): deploy environment prod first, use the credentials of its account, or pass --table NAME (--endpoint URL for a local table)\n');
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });
});
