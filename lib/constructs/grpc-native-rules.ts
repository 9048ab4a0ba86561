import { Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import type { GatewayConfig, ServiceConfig } from '../config/schema';
import { cognitoIssuerUrl, type CognitoIssuerType } from '../contract/issuers';
import { grpcPathPattern, nativeJwtCheck as contractJwtCheck, type NativeJwtCheck } from '../contract/native-grpc';

/**
 * The check itself, its claims and the ALB's quotas live in lib/contract/native-grpc.ts (the twin's
 * native listener applies the same check); re-exported for the stacks and tests.
 */
export { ALB_JWT_LIMITS, grpcPathPattern, nativeGrpcServiceConfigs, type AlbJwtClaim, type NativeJwtCheck } from '../contract/native-grpc';

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
 * The ALB's check for a service's `grpc.native.issuer` (lib/contract/native-grpc.ts
 * `nativeJwtCheck`), with the deployed pool's issuer (a deploy-time token) and app client ids.
 */
export function nativeJwtCheck(config: Pick<GatewayConfig, 'identity'>, service: Pick<ServiceConfig, 'name' | 'grpc'>, cognito?: CognitoPoolRef): NativeJwtCheck {
  return contractJwtCheck(config, service, cognito && { issuer: cognitoIssuerOf(cognito), clientIds: Object.values(cognito.clientIds) });
}

/**
 * lib/contract/issuers.ts cognitoIssuerUrl for a pool whose id is a token: the same URL with the
 * region given (test/stacks/grpc.test.ts pins the two to each other).
 */
export function cognitoIssuerOf(pool: Pick<CognitoPoolRef, 'userPoolId' | 'region' | 'issuerType'>): string {
  if (!Token.isUnresolved(pool.userPoolId)) return cognitoIssuerUrl(pool.userPoolId, pool.issuerType);
  return `https://${pool.issuerType === 'UPDATED' ? 'issuer-' : ''}cognito-idp.${pool.region}.amazonaws.com/${pool.userPoolId}`;
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

