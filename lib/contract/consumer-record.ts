/**
 * Owns: the consumer record and its item in the consumers table (see below).
 */
import { createHash } from 'node:crypto';
import type { AttributeValue, PutItemCommandInput, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * Owns the consumer record and its item in the consumers table: the record's ids (the partition
 * key `pk`), the attribute names and the item <-> record mapping. The one read/write format of
 * the table (lib/constructs/data-consumers-table.ts), the authorizer's DynamoConsumerStore, the
 * local seeder and `gatehouse consumers`.
 */

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

/**
 * Partition key of the consumers table (string, no sort key): `key#<sha256>`,
 * `client#<issuer name>#<client id>`, `cert#<issuer DN>#<subject DN or serial>`
 * (docs/decisions/0013-consumer-records-bound-to-issuer.md).
 */
export const CONSUMERS_PARTITION_KEY = 'pk';
/** Epoch-seconds attribute after which DynamoDB deletes a record (revoked or expiring keys). */
export const CONSUMERS_TTL_ATTRIBUTE = 'expires_at';

/** What kind of credential a record belongs to, from the start of its id. */
export type ConsumerRecordKind = 'api-key' | 'client' | 'certificate';
const ID_PREFIX = { 'api-key': 'key#', client: 'client#', certificate: 'cert#' } as const satisfies Record<ConsumerRecordKind, string>;

/** pk of an API key: only the SHA-256 of the key is ever stored or looked up. */
export function apiKeyId(rawKey: string): string {
  return `${ID_PREFIX['api-key']}${createHash('sha256').update(rawKey, 'utf8').digest('hex')}`;
}

/**
 * pk of an OAuth client: bound to the issuer that verified the token (its config name, `cognito`
 * for the user pool), because client ids are only unique per issuer and are not secret: a token
 * from another issuer carrying the same `client_id` / `azp` must not find this record
 * (docs/decisions/0013-consumer-records-bound-to-issuer.md).
 */
export function clientRecordId(issuer: string, clientId: string): string {
  return `${ID_PREFIX.client}${idPart(issuer)}#${idPart(clientId)}`;
}

/**
 * pk of a client certificate: bound to the CA that issued it (its issuer DN, as API Gateway
 * reports it), because serial numbers are only unique per CA and any CA in the truststore can
 * sign any subject. `value` is the subject DN or the serial number (`identity.mtls.identity_from`).
 */
export function certRecordId(issuerDN: string, value: string): string {
  return `${ID_PREFIX.certificate}${idPart(issuerDN)}#${idPart(value)}`;
}

/**
 * One part of a pk, with `%` and `#` percent-encoded so the parts cannot run into each other
 * (a DN or a client id may contain `#`): two different (issuer, value) pairs never share an id.
 * Values without `%` or `#`, the usual case, are stored as they are.
 */
function idPart(value: string): string {
  return value.replace(/[%#]/g, (c) => (c === '%' ? '%25' : '%23'));
}

/** The kind of the record under `id`. */
export function consumerRecordKind(id: string): ConsumerRecordKind {
  if (id.startsWith(ID_PREFIX['api-key'])) return 'api-key';
  if (id.startsWith(ID_PREFIX.client)) return 'client';
  return 'certificate';
}

/** The DynamoDB key of the record under `id`. */
export function consumerKey(id: string): Record<string, AttributeValue> {
  return { [CONSUMERS_PARTITION_KEY]: { S: id } };
}

/** The record's id in an item read from the table, or undefined when it has none. */
export function consumerIdOf(item: Record<string, AttributeValue>): string | undefined {
  return item[CONSUMERS_PARTITION_KEY]?.S;
}

/**
 * What a lookup reads: every attribute {@link consumerFromItem} maps (`status` is a reserved
 * word in DynamoDB expressions, hence the name placeholder).
 */
export const CONSUMER_PROJECTION = {
  ProjectionExpression: 'consumer, tier, tenant, #s, allowed_cidrs, canary, usage_key',
  ExpressionAttributeNames: { '#s': 'status' },
} as const;

/** The item that stores `record` under `id`. */
export function consumerItem(id: string, record: ConsumerRecord): Record<string, AttributeValue> {
  return {
    ...consumerKey(id),
    consumer: { S: record.consumer },
    ...(record.tier ? { tier: { S: record.tier } } : {}),
    ...(record.tenant ? { tenant: { S: record.tenant } } : {}),
    status: { S: record.status },
    allowed_cidrs: { L: record.allowedCidrs.map((c) => ({ S: c })) },
    canary: { BOOL: record.canary },
    ...(record.usageKey ? { usage_key: { S: record.usageKey } } : {}),
  };
}

/** A new record's item, written only if no record has its id (a PutItem's input, without the table). */
export function newConsumerItem(id: string, record: ConsumerRecord): Omit<PutItemCommandInput, 'TableName'> {
  return { Item: consumerItem(id, record), ConditionExpression: `attribute_not_exists(${CONSUMERS_PARTITION_KEY})` };
}

/**
 * Sets the record under `id` to revoked, only if it exists (an UpdateItem's input, without the
 * table); the record stays, so the authorizer answers "revoked" rather than "unknown key".
 */
export function revokeConsumer(id: string): Omit<UpdateItemCommandInput, 'TableName'> {
  return {
    Key: consumerKey(id),
    UpdateExpression: 'SET #s = :revoked',
    ConditionExpression: `attribute_exists(${CONSUMERS_PARTITION_KEY})`,
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':revoked': { S: 'revoked' } },
  };
}

/** Defensive mapping: anything but status "active" is treated as revoked. */
export function consumerFromItem(item: Record<string, AttributeValue>): ConsumerRecord | undefined {
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
