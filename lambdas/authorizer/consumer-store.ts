import { createHash } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { ConsumerStoreError } from './errors';

/**
 * A consumer as stored in the consumers table, pk `key#<sha256>` ({@link apiKeyId}),
 * `client#<issuer name>#<client id>` ({@link clientRecordId}) or
 * `cert#<issuer DN>#<subject DN or serial>` ({@link certRecordId}).
 */
export interface ConsumerRecord {
  readonly consumer: string;
  readonly tier?: string;
  readonly tenant?: string;
  readonly status: 'active' | 'revoked';
  /** IPv4/IPv6 CIDRs the consumer may call from; empty = anywhere. */
  readonly allowedCidrs: readonly string[];
  /** May opt into canaries with the canary header regardless of tier. */
  readonly canary: boolean;
  /**
   * Value of the consumer's own API Gateway key in its tier's usage plan (decision 0004); the
   * plan's limits then apply per consumer. Without it the tier's shared key is used.
   */
  readonly usageKey?: string;
}

export interface ConsumerStore {
  /** The record under `id` (a table pk), or undefined when there is none. */
  get(id: string): Promise<ConsumerRecord | undefined>;
}

/** pk of an API key: only the SHA-256 of the key is ever stored or looked up. */
export function apiKeyId(rawKey: string): string {
  return `key#${createHash('sha256').update(rawKey, 'utf8').digest('hex')}`;
}

/**
 * pk of an OAuth client: bound to the issuer that verified the token (its config name, `cognito`
 * for the user pool), because client ids are only unique per issuer and are not secret: a token
 * from another issuer carrying the same `client_id` / `azp` must not find this record
 * (docs/decisions/0013-consumer-records-bound-to-issuer.md).
 */
export function clientRecordId(issuer: string, clientId: string): string {
  return `client#${idPart(issuer)}#${idPart(clientId)}`;
}

/**
 * pk of a client certificate: bound to the CA that issued it (its issuer DN, as API Gateway
 * reports it), because serial numbers are only unique per CA and any CA in the truststore can
 * sign any subject. `value` is the subject DN or the serial number (`identity.mtls.identity_from`).
 */
export function certRecordId(issuerDN: string, value: string): string {
  return `cert#${idPart(issuerDN)}#${idPart(value)}`;
}

/**
 * One part of a pk, with `%` and `#` percent-encoded so the parts cannot run into each other
 * (a DN or a client id may contain `#`): two different (issuer, value) pairs never share an id.
 * Values without `%` or `#`, the usual case, are stored as they are.
 */
function idPart(value: string): string {
  return value.replace(/[%#]/g, (c) => (c === '%' ? '%25' : '%23'));
}

export class InMemoryConsumerStore implements ConsumerStore {
  private readonly records: Map<string, ConsumerRecord>;
  constructor(records: Readonly<Record<string, ConsumerRecord>> = {}) {
    this.records = new Map(Object.entries(records));
  }
  async get(id: string): Promise<ConsumerRecord | undefined> {
    return this.records.get(id);
  }
  put(id: string, record: ConsumerRecord): void {
    this.records.set(id, record);
  }
}

export interface DynamoConsumerStoreProps {
  readonly tableName: string;
  /** @default new DynamoDBClient({}) (endpoint from DYNAMODB_ENDPOINT is the caller's business) */
  readonly client?: DynamoDBClient;
}

/** Reads consumer records with one eventually consistent GetItem. */
export class DynamoConsumerStore implements ConsumerStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  constructor(props: DynamoConsumerStoreProps) {
    this.client = props.client ?? new DynamoDBClient({});
    this.tableName = props.tableName;
  }

  async get(id: string): Promise<ConsumerRecord | undefined> {
    let item: Record<string, AttributeValue> | undefined;
    try {
      ({ Item: item } = await this.client.send(new GetItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: id } },
        ProjectionExpression: 'consumer, tier, tenant, #s, allowed_cidrs, canary, usage_key',
        ExpressionAttributeNames: { '#s': 'status' },
      })));
    } catch (cause) {
      throw new ConsumerStoreError('consumer_store_unavailable', `consumer lookup failed: ${(cause as Error).name}`, { cause });
    }
    return item ? fromItem(item) : undefined;
  }
}

/** Defensive mapping: anything but status "active" is treated as revoked. */
export function fromItem(item: Record<string, AttributeValue>): ConsumerRecord | undefined {
  const consumer = item.consumer?.S;
  if (!consumer) return undefined;
  const cidrs = item.allowed_cidrs?.L?.map((v) => v.S).filter((s): s is string => typeof s === 'string') ?? item.allowed_cidrs?.SS ?? [];
  return {
    consumer,
    tier: item.tier?.S,
    tenant: item.tenant?.S,
    status: item.status?.S === 'active' ? 'active' : 'revoked',
    allowedCidrs: cidrs,
    canary: item.canary?.BOOL === true,
    ...(item.usage_key?.S ? { usageKey: item.usage_key.S } : {}),
  };
}

export interface CachingConsumerStoreProps {
  /** Seconds a result (found or not) is reused (config `identity.api_keys.cache_seconds`). */
  readonly ttlSeconds: number;
  /** @default 10_000 */
  readonly maxEntries?: number;
  readonly clock?: () => number;
  readonly onLookup?: (hit: boolean) => void;
}

/**
 * A short in-process cache in front of a store, negative results included, so a flood of
 * invalid keys does not become a flood of GetItems. Keys are table ids (hashes), never raw keys.
 * Store failures are not cached.
 */
export class CachingConsumerStore implements ConsumerStore {
  private readonly cache = new Map<string, { expires: number; record: ConsumerRecord | undefined }>();
  private readonly clock: () => number;
  constructor(private readonly inner: ConsumerStore, private readonly props: CachingConsumerStoreProps) {
    this.clock = props.clock ?? (() => Date.now());
  }

  async get(id: string): Promise<ConsumerRecord | undefined> {
    const now = this.clock();
    const cached = this.cache.get(id);
    if (cached && cached.expires > now) {
      this.props.onLookup?.(true);
      return cached.record;
    }
    this.props.onLookup?.(false);
    const record = await this.inner.get(id);
    if (this.props.ttlSeconds > 0) {
      if (this.cache.size >= (this.props.maxEntries ?? 10_000)) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.delete(id);
      this.cache.set(id, { expires: now + this.props.ttlSeconds * 1000, record });
    }
    return record;
  }
}
