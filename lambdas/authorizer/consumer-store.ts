import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { CONSUMER_PROJECTION, consumerFromItem, consumerKey, type ConsumerRecord } from '../../lib/contract/consumer-record';
import { ConsumerStoreError } from './errors';

// The record and its ids are the contract's (lib/contract/consumer-record.ts); re-exported for the authorizer.
export { apiKeyId, certRecordId, clientRecordId, type ConsumerRecord } from '../../lib/contract/consumer-record';

export interface ConsumerStore {
  /** The record under `id` (a table pk), or undefined when there is none. */
  get(id: string): Promise<ConsumerRecord | undefined>;
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
        Key: consumerKey(id),
        ...CONSUMER_PROJECTION,
      })));
    } catch (cause) {
      throw new ConsumerStoreError('consumer_store_unavailable', `consumer lookup failed: ${(cause as Error).name}`, { cause });
    }
    return item ? consumerFromItem(item) : undefined;
  }
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
