/**
 * Owns: what a native gRPC call must present (docs/grpc.md, "the native path"): which services
 * native clients may call, the path their calls match, and the JWT check the internal ALB's
 * `jwt-validation` action applies (issuer, JWKS, extra claims). Pure: the CDK rules
 * (lib/constructs/grpc-native-rules.ts) and the local twin's native listener (local/grpc-native.ts)
 * both compute the check here, so the twin refuses the tokens the ALB refuses.
 */
import { ALB_JWT_LIMITS } from '../config/aws-limits';
import type { GatewayConfig, ServiceConfig } from '../config/schema';
import { COGNITO_ISSUER_NAME, jwksUriOf } from './issuers';

export { ALB_JWT_LIMITS };

/** One claim the ALB checks besides signature (RS256), `iss` and `exp` (and `nbf`/`iat` when present). */
export interface AlbJwtClaim {
  readonly name: string;
  readonly format: 'single-string' | 'string-array' | 'space-separated-values';
  readonly values: readonly string[];
}

/** What the ALB's `jwt-validation` action verifies for a native gRPC service. */
export interface NativeJwtCheck {
  /** The `iss` the token must carry (and the issuer's name in the config). */
  readonly issuerName: string;
  readonly issuer: string;
  /** Public HTTPS JWKS endpoint (<= 150 KB, <= 10 keys). */
  readonly jwksEndpoint: string;
  readonly claims: readonly AlbJwtClaim[];
}

/**
 * The Cognito pool as the caller knows it: on AWS its issuer URL (a deploy-time token) and its app
 * client ids; in the twin the Cognito stand-in's URL and JWKS and the app clients' names (the
 * stand-in's client ids are the names, local/demo-seed.ts).
 */
export interface NativeCognitoPool {
  readonly issuer: string;
  /** @default `<issuer>/.well-known/jwks.json` (Cognito's) */
  readonly jwksEndpoint?: string;
  readonly clientIds: readonly string[];
}

/** The claim the ALB checks for Cognito access tokens (Cognito's ID tokens say `id`). */
export const COGNITO_ACCESS_TOKEN_CLAIM: AlbJwtClaim = { name: 'token_use', format: 'single-string', values: ['access'] };

/**
 * The ALB's check for a service's `grpc.native.issuer`, binding the token to the gateway's
 * audience as the authorizer does: an external issuer's token must carry one of its `audiences`
 * in `aud`; a Cognito token must be an access token (`token_use`) of one of the pool's app clients
 * (`client_id`; Cognito access tokens carry no `aud`). Scopes, groups and consumer records are not
 * checked: the ALB has no equivalent (docs/grpc.md, "Which gateway features apply where").
 * Throws what the ALB cannot check (an http JWKS, too many values).
 */
export function nativeJwtCheck(config: Pick<GatewayConfig, 'identity'>, service: Pick<ServiceConfig, 'name' | 'grpc'>, cognito?: NativeCognitoPool): NativeJwtCheck {
  const issuerName = service.grpc?.native.issuer;
  if (!issuerName) throw new Error(`service ${service.name}: grpc.native.enabled needs grpc.native.issuer (the loader refuses this config)`);
  if (issuerName === COGNITO_ISSUER_NAME) {
    if (!cognito) throw new Error(`service ${service.name}: grpc.native.issuer is cognito, but identity.cognito is not configured`);
    const { issuer, clientIds } = cognito;
    if (clientIds.length === 0 || clientIds.length > ALB_JWT_LIMITS.valuesPerClaim) {
      throw new Error(`service ${service.name}: the ALB checks client_id against 1 to ${ALB_JWT_LIMITS.valuesPerClaim} app clients; the pool has ${clientIds.length}`);
    }
    return {
      issuerName, issuer, jwksEndpoint: cognito.jwksEndpoint ?? `${issuer}/.well-known/jwks.json`,
      claims: [COGNITO_ACCESS_TOKEN_CLAIM, { name: 'client_id', format: 'single-string', values: [...clientIds] }],
    };
  }
  const external = config.identity.issuers.find((i) => i.name === issuerName);
  if (!external) throw new Error(`service ${service.name}: grpc.native.issuer ${issuerName} is not in identity.issuers`);
  const jwksEndpoint = jwksUriOf(external);
  if (!jwksEndpoint.startsWith('https://')) throw new Error(`service ${service.name}: the ALB fetches JWKS over public HTTPS only; ${issuerName}'s is ${jwksEndpoint}`);
  if (external.audiences.length > ALB_JWT_LIMITS.valuesPerClaim) {
    throw new Error(`service ${service.name}: the ALB checks aud against at most ${ALB_JWT_LIMITS.valuesPerClaim} values; ${issuerName} has ${external.audiences.length} audiences`);
  }
  return { issuerName, issuer: external.issuer, jwksEndpoint, claims: [{ name: 'aud', format: 'single-string', values: [...external.audiences] }] };
}

/**
 * The names of the Cognito pool's app clients (its machine and public clients, as the identity
 * stack creates them): the twin's `client_id` values for a Cognito-issued native call.
 */
export function cognitoAppClientNames(config: Pick<GatewayConfig, 'identity'>): string[] {
  const cognito = config.identity.cognito;
  return cognito ? [...cognito.machine_clients, ...cognito.public_clients].map((c) => c.name) : [];
}

/** ALB path pattern of a gRPC service's methods: gRPC calls are `POST /<package.Service>/<Method>`. */
export function grpcPathPattern(grpcService: string): string {
  return `/${grpcService}/*`;
}

/** The services native gRPC clients may call: private gRPC services with `grpc.native.enabled`, in config order. */
export function nativeGrpcServiceConfigs(config: Pick<GatewayConfig, 'services'>): ServiceConfig[] {
  return config.services.filter((s) => s.protocol === 'grpc' && s.private && s.grpc?.native.enabled);
}

/**
 * The native service a request path is for, as the listener's rules match it (`/<package.Service>/*`,
 * the first rule in config order), or undefined: the listener's default action (404).
 */
export function nativeServiceOfPath<S extends { readonly grpcService: string }>(services: readonly S[], path: string): S | undefined {
  return services.find((s) => path.startsWith(`/${s.grpcService}/`));
}
