import { existsSync } from 'node:fs';
import { Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AUTHORIZER_BUNDLING, AUTHORIZER_ENTRY, authorizerDefine } from '../../lambdas/authorizer/bundling';
import { toAuthorizerConfig } from '../../lambdas/authorizer/config';
import { acknowledge, inEveryCompliancePack } from '../compliance/nag';
import type { GatewayEnvironment } from '../config/environments';
import { AUTHORIZER_ENV, AUTHORIZER_MEMORY_MB } from '../contract/authorizer-env';
import { AUTHORIZER_SERVICE, METRICS_NAMESPACE } from '../observability/metric-names';
import type { AuthorizerSettings } from '../contract/route-table';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import { resourcePrefix } from '../contract/resource-names';
import { nodejsBundling, vpcFunctionBase, vpcFunctionRoleAcknowledgements } from './lambda-in-vpc';

export { AUTHORIZER_ENTRY };

export interface ApiAuthorizerProps {
  readonly gateway: GatewayEnvironment;
  /** The VPC the function runs in (private subnets with egress) and its security group. */
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  /** The consumers table (read access is granted). */
  readonly consumersTable: dynamodb.ITableV2;
  /** The rate-limit cache (ElastiCache, TLS); absent: the in-memory limiter. */
  readonly rateLimitCache?: { readonly endpointAddress: string; readonly port: string };
  /** The Cognito user pool and its app client ids by name; absent: external issuers only. */
  readonly userPool?: cognito.IUserPool;
  readonly cognitoClientIds?: Readonly<Record<string, string>>;
  readonly logGroup: logs.ILogGroup;
}

/**
 * The REQUEST authorizer Lambda and its API Gateway authorizers: one per distinct
 * (identity sources, TTL) of the route table's methods.
 *
 * Bundling: the options in lambdas/authorizer/bundling.ts (shared with `npm run bench:authorizer`,
 * decision 0010): ESM with a `createRequire` banner for CommonJS dependencies (ioredis), minified,
 * `@aws-sdk/*` from the Lambda runtime. The static `AuthorizerConfig` is baked in with esbuild
 * `define`, so the function never reads the config from its environment.
 */
export class ApiAuthorizer extends Construct {
  public readonly function: nodejs.NodejsFunction;
  private readonly authorizers = new Map<string, apigw.RequestAuthorizer>();
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: ApiAuthorizerProps) {
    super(scope, id);
    const { gateway } = props;
    this.prefix = resourcePrefix(gateway);
    if (!existsSync(AUTHORIZER_ENTRY)) {
      throw new Error(`The authorizer entry ${AUTHORIZER_ENTRY} does not exist (lambdas/authorizer/handler.ts must export handler)`);
    }

    const environment: Record<string, string> = {
      [AUTHORIZER_ENV.consumersTable]: props.consumersTable.tableName,
      POWERTOOLS_SERVICE_NAME: AUTHORIZER_SERVICE,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      // Stack traces point at the TypeScript sources (bundling.sourceMap).
      NODE_OPTIONS: '--enable-source-maps',
    };
    if (props.rateLimitCache) {
      environment[AUTHORIZER_ENV.redisUrl] = `rediss://${props.rateLimitCache.endpointAddress}:${props.rateLimitCache.port}`;
    }
    if (props.userPool) {
      environment[AUTHORIZER_ENV.cognitoUserPoolId] = props.userPool.userPoolId;
      environment[AUTHORIZER_ENV.cognitoClientIds] = Stack.of(this).toJsonString(props.cognitoClientIds ?? {});
    }

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      functionName: `${this.prefix}-authorizer`,
      description: 'Gatehouse REQUEST authorizer: credential, tier, rate limits, canary, route',
      entry: AUTHORIZER_ENTRY,
      ...vpcFunctionBase(props),
      memorySize: AUTHORIZER_MEMORY_MB,
      // API Gateway waits at most 30 s for a whole request; an authorizer must answer in milliseconds.
      timeout: Duration.seconds(5),
      reservedConcurrentExecutions: gateway.profile.authorizerConcurrency,
      environment,
      bundling: nodejsBundling(AUTHORIZER_BUNDLING, authorizerDefine(toAuthorizerConfig(gateway))),
    });
    props.consumersTable.grantReadData(this.function);

    acknowledge(this.function,
      ...vpcFunctionRoleAcknowledgements(),
      ...inEveryCompliancePack('IAMNoInlinePolicy', 'CDK-generated default policy of the authorizer role (X-Ray writes, read access to the consumers table and its key), scoped to this one role; it is versioned with the stack.'),
      ...inEveryCompliancePack('LambdaDLQ', 'A REQUEST authorizer is invoked synchronously by API Gateway; a failed invocation is answered to the caller at once (500), there is no asynchronous event to dead-letter.'),
    );
  }

  /** The authorizer for a method's settings; methods with equal settings share one. */
  public authorizerFor(settings: AuthorizerSettings): apigw.RequestAuthorizer {
    const key = `${settings.ttl}|${settings.identitySources.join(',')}`;
    let authorizer = this.authorizers.get(key);
    if (!authorizer) {
      const n = this.authorizers.size + 1;
      authorizer = new apigw.RequestAuthorizer(this, `Authorizer${n}`, {
        authorizerName: `${this.prefix}-${settings.ttl > 0 ? `cached-${settings.ttl}s-${n}` : 'uncached'}`,
        handler: this.function,
        identitySources: [...settings.identitySources],
        resultsCacheTtl: Duration.seconds(settings.ttl),
      });
      // No identity sources (TTL 0): omit the property rather than send an empty string.
      if (settings.identitySources.length === 0) (authorizer.node.defaultChild as apigw.CfnAuthorizer).addPropertyDeletionOverride('IdentitySource');
      this.authorizers.set(key, authorizer);
    }
    return authorizer;
  }
}
