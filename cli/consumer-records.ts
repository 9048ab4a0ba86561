import { randomBytes } from 'node:crypto';
import {
  ConditionalCheckFailedException, PutItemCommand, ScanCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  apiKeyId, clientRecordId, consumerFromItem, consumerIdOf, consumerRecordKind, newConsumerItem, revokeConsumer,
  type ConsumerRecord, type ConsumerRecordKind,
} from '../lib/contract/consumer-record';
import { InputError } from './errors';

/**
 * The consumers table as an operator edits it: API keys and OAuth client records in the one item
 * format of lib/contract/consumer-record.ts, which the authorizer reads and the seeder writes. A
 * key exists in clear only in the answer to create and rotate; the table holds its SHA-256
 * (`apiKeyId`).
 */

export interface ConsumerEntry {
  /** The table's pk: `key#<sha256>`, `client#<issuer>#<client id>`, `cert#...`. */
  readonly id: string;
  readonly kind: ConsumerRecordKind;
  readonly record: ConsumerRecord;
}

/** A new consumer record's fields (the authorizer's record without status). */
export type NewRecord = Omit<ConsumerRecord, 'status'>;

/** Prefix of every generated key: recognisable in logs and by secret scanners. */
const KEY_PREFIX = 'ghk_';
/** 32 random bytes: 256 bits, base64url (43 characters). */
const KEY_BYTES = 32;

export class ConsumerRecords {
  constructor(private readonly client: DynamoDBClient, private readonly tableName: string) {}

  /** Stores a new API key's hash; returns the key, which is not stored anywhere. */
  async createApiKey(record: NewRecord): Promise<{ key: string; id: string }> {
    const key = `${KEY_PREFIX}${randomBytes(KEY_BYTES).toString('base64url')}`;
    const id = apiKeyId(key);
    await this.putNew(id, { ...record, status: 'active' });
    return { key, id };
  }

  /** Stores the record of an OAuth client of `issuer` (its secret lives in the issuer, not here). */
  async createClient(issuer: string, clientId: string, record: NewRecord): Promise<{ id: string }> {
    const id = clientRecordId(issuer, clientId);
    await this.putNew(id, { ...record, status: 'active' });
    return { id };
  }

  /** Every record, read with a paginated Scan (an ops task; the authorizer only ever reads by pk). */
  async list(): Promise<ConsumerEntry[]> {
    const entries: ConsumerEntry[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.call('Scan', () => this.client.send(new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: start })));
      for (const item of page.Items ?? []) {
        const id = consumerIdOf(item);
        const record = consumerFromItem(item);
        if (id && record) entries.push({ id, kind: consumerRecordKind(id), record });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return entries.sort((a, b) => a.record.consumer.localeCompare(b.record.consumer) || a.id.localeCompare(b.id));
  }

  /**
   * Replaces an API key: a new key with the old record's fields (tier, tenant, CIDRs, canary, usage
   * key) is written first, then the old one revoked, so the consumer is never without a key.
   */
  async rotateApiKey(old: ConsumerEntry): Promise<{ key: string; id: string }> {
    const { status: _status, ...fields } = old.record;
    const created = await this.createApiKey(fields);
    await this.revoke(old.id);
    return created;
  }

  /** Sets status `revoked`; the record stays, so the authorizer answers "revoked" rather than "unknown key". */
  async revoke(id: string): Promise<void> {
    await this.call('UpdateItem', () => this.client.send(new UpdateItemCommand({
      TableName: this.tableName,
      ...revokeConsumer(id),
    })), `no record ${id} in ${this.tableName}`);
  }

  private async putNew(id: string, record: ConsumerRecord): Promise<void> {
    await this.call('PutItem', () => this.client.send(new PutItemCommand({
      TableName: this.tableName,
      ...newConsumerItem(id, record),
    })), `${id} already exists in ${this.tableName}; revoke it or choose another client id`);
  }

  /** One DynamoDB call; a failure becomes one line naming the table and the operation. */
  private async call<T>(operation: string, send: () => Promise<T>, conditionFailed?: string): Promise<T> {
    try {
      return await send();
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException && conditionFailed) throw new InputError(conditionFailed);
      const e = err as Error;
      throw new InputError(`${operation} on ${this.tableName} failed: ${e.name}: ${e.message.split('\n')[0]}`, { cause: err });
    }
  }
}
