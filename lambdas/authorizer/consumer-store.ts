import { createHash } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { ConsumerStoreError } from './errors';

/** A consumer as stored in the consumers table (pk `key#<sha256>`, `cert#<dn|serial>`, `client#<id>`). */
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
