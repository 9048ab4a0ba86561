import { Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import type { GatewayConfig, ServiceConfig } from '../config/schema';
import { COGNITO_ISSUER_NAME, cognitoIssuerUrl, jwksUriOf, type CognitoIssuerType } from '../contract/issuers';

/** ALB JWT verification quotas (AWS-NOTES, Elastic Load Balancing API reference): extra claims per action, values per claim. */
export { ALB_JWT_LIMITS } from '../config/aws-limits';
import { ALB_JWT_LIMITS } from '../config/aws-limits';

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

/** The Cognito pool as this environment deploys it (ids are deploy-time tokens). */
export interface CognitoPoolRef {
  readonly userPoolId: string;
  /** The pool's (primary) region: the id is a deploy-time token, so its region prefix cannot be read from it. */
  readonly region: string;
  readonly issuerType: CognitoIssuerType;
  /** App client ids by client name. */
  readonly clientIds: Readonly<Record<string, string>>;
}

/**
 * The ALB's check for a service's `grpc.native.issuer`, binding the token to the gateway's
 * audience as the authorizer does: an external issuer's token must carry one of its `audiences`
 * in `aud`; a Cognito token must be an access token (`token_use`) of one of the pool's app clients
 * (`client_id`; Cognito access tokens carry no `aud`). Scopes, groups and consumer records are not
 * checked: the ALB has no equivalent (docs/grpc.md, "Which gateway features apply where").
 */
export function nativeJwtCheck(config: Pick<GatewayConfig, 'identity'>, service: Pick<ServiceConfig, 'name' | 'grpc'>, cognito?: CognitoPoolRef): NativeJwtCheck {
  const issuerName = service.grpc?.native.issuer;
  if (!issuerName) throw new Error(`service ${service.name}: grpc.native.enabled needs grpc.native.issuer (the loader refuses this config)`);
  if (issuerName === COGNITO_ISSUER_NAME) {
    if (!cognito) throw new Error(`service ${service.name}: grpc.native.issuer is cognito, but identity.cognito is not configured`);
    const issuer = cognitoIssuerOf(cognito);
    const clientIds = Object.values(cognito.clientIds);
    if (clientIds.length === 0 || clientIds.length > ALB_JWT_LIMITS.valuesPerClaim) {
      throw new Error(`service ${service.name}: the ALB checks client_id against 1 to ${ALB_JWT_LIMITS.valuesPerClaim} app clients; the pool has ${clientIds.length}`);
    }
    return {
      issuerName, issuer, jwksEndpoint: `${issuer}/.well-known/jwks.json`,
      claims: [
        { name: 'token_use', format: 'single-string', values: ['access'] },
        { name: 'client_id', format: 'single-string', values: clientIds },
      ],
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
 * lib/contract/issuers.ts cognitoIssuerUrl for a pool whose id is a token: the same URL with the
 * region given (test/stacks/grpc.test.ts pins the two to each other).
 */
export function cognitoIssuerOf(pool: Pick<CognitoPoolRef, 'userPoolId' | 'region' | 'issuerType'>): string {
  if (!Token.isUnresolved(pool.userPoolId)) return cognitoIssuerUrl(pool.userPoolId, pool.issuerType);
  return `https://${pool.issuerType === 'UPDATED' ? 'issuer-' : ''}cognito-idp.${pool.region}.amazonaws.com/${pool.userPoolId}`;
}

/** ALB path pattern of a gRPC service's methods: gRPC calls are `POST /<package.Service>/<Method>`. */
export function grpcPathPattern(grpcService: string): string {
  return `/${grpcService}/*`;
}

/** One native service: its gRPC name, its target group and the JWT check. */
export interface NativeGrpcService {
  readonly service: string;
  readonly grpcService: string;
  readonly targetGroupArn: string;
  readonly jwt: NativeJwtCheck;
}

export interface GrpcNativeRulesProps {
  /** The internal ALB's native gRPC listener (network stack). */
  readonly listener: elbv2.IApplicationListener;
  /** In config order: the rule priority is the index + 1. */
  readonly services: readonly NativeGrpcService[];
}

/**
 * One rule per native gRPC service on the native listener: `POST /<package.Service>/*` ->
 * jwt-validation (order 1) -> forward to the service's gRPC target group (order 2). L1, because the
 * L2 `ListenerAction.authenticateJwt` of aws-cdk-lib 2.276 cannot set additional claims. The ALB
 * answers a missing or invalid token itself (401, which gRPC clients read as UNAUTHENTICATED).
 */
export class GrpcNativeRules extends Construct {
  public readonly rules: readonly elbv2.CfnListenerRule[];

  constructor(scope: Construct, id: string, props: GrpcNativeRulesProps) {
    super(scope, id);
    this.rules = props.services.map((s, index) => new elbv2.CfnListenerRule(this, `Service-${s.service}`, {
      listenerArn: props.listener.listenerArn,
      priority: index + 1,
      conditions: [{ field: 'path-pattern', pathPatternConfig: { values: [grpcPathPattern(s.grpcService)] } }],
      actions: [
        {
          type: 'jwt-validation',
          order: 1,
          jwtValidationConfig: {
            issuer: s.jwt.issuer,
            jwksEndpoint: s.jwt.jwksEndpoint,
            additionalClaims: s.jwt.claims.map((c) => ({ name: c.name, format: c.format, values: [...c.values] })),
          },
        },
        { type: 'forward', order: 2, targetGroupArn: s.targetGroupArn },
      ],
    }));
  }
}

/** The services native gRPC clients may call: private gRPC services with `grpc.native.enabled`, in config order. */
export function nativeGrpcServiceConfigs(config: Pick<GatewayConfig, 'services'>): ServiceConfig[] {
  return config.services.filter((s) => s.protocol === 'grpc' && s.private && s.grpc?.native.enabled);
}
