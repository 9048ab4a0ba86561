/**
 * The two things the prober reads from AWS, each a {@link RefreshingValue}: every target region's
 * regional domain name (API Gateway GetDomainName of domains.api in that region) and the
 * origin-verify value (Secrets Manager, the prober's region: the primary in us-east-1, a replica
 * elsewhere). Looked up at run time so the Health stack depends on nothing regional (D4): it is
 * deployed before the regions, whose domains may not exist yet.
 */
import { APIGatewayClient, GetDomainNameCommand } from '@aws-sdk/client-api-gateway';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { refreshingValue, type RefreshingValue } from './refreshing';

/**
 * Re-read every 15 minutes: a replaced custom domain (a new d-… name) is followed within that
 * time; 4 GetDomainName calls an hour per region stay far below API Gateway's control-plane rate.
 */
export const DOMAIN_NAME_MAX_AGE_MS = 15 * 60_000;
/** Re-read every 5 minutes: a rotated value (redeploy of Edge, Api and Cdn) is used within that time. */
export const SECRET_MAX_AGE_MS = 5 * 60_000;

/** The minimal client surface, so tests pass a fake `send`. */
export interface Sender { send(command: object): Promise<unknown> }

/** `domainName`'s regional domain name in `region`. */
export function regionalDomainName(client: Sender, domainName: string, region: string): () => Promise<string> {
  return async () => {
    const out = await client.send(new GetDomainNameCommand({ domainName })) as { regionalDomainName?: string };
    if (!out.regionalDomainName) throw new Error(`${domainName} in ${region} has no regional domain name (not a REGIONAL custom domain?)`);
    return out.regionalDomainName;
  };
}

/** The secret's string value. */
export function secretString(client: Sender, secretName: string): () => Promise<string> {
  return async () => {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretName })) as { SecretString?: string };
    if (!out.SecretString) throw new Error(`secret ${secretName} has no string value`);
    return out.SecretString;
  };
}

/** The deployed sources: an API Gateway client per target region, Secrets Manager in the function's region. */
export function awsSources(targets: readonly string[], domainName: string, secretName: string, onStale: (what: string, error: unknown) => void): {
  domainNames: ReadonlyMap<string, RefreshingValue<string>>;
  originVerify: RefreshingValue<string>;
} {
  return {
    domainNames: new Map(targets.map((region) => [region, refreshingValue(
      regionalDomainName(new APIGatewayClient({ region, maxAttempts: 2 }), domainName, region),
      { maxAgeMs: DOMAIN_NAME_MAX_AGE_MS, onStale: (e) => onStale(`regional domain name of ${region}`, e) },
    )])),
    originVerify: refreshingValue(secretString(new SecretsManagerClient({ maxAttempts: 2 }), secretName), { maxAgeMs: SECRET_MAX_AGE_MS, onStale: (e) => onStale('origin-verify secret', e) }),
  };
}
