import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { GRPC_TRANSCODER_BUNDLING, GRPC_TRANSCODER_ENTRY } from '../../lambdas/grpc-transcoder/bundling';
import { GRPC_TRANSCODER_ENV, GRPC_TRANSCODER_SERVICE, transcoderDefine, type TranscoderConfig } from '../../lambdas/grpc-transcoder/config';
import { acknowledge, inEveryCompliancePack } from '../compliance/nag';
import type { GatewayEnvironment } from '../config/environments';
import type { ServiceConfig } from '../config/schema';
import { grpcSourcesOf, type GrpcSources } from '../grpc';
import { METRICS_NAMESPACE } from '../observability/metric-names';
import { GRPC_TRANSCODER_MEMORY_MB } from '../plan/grpc-transcoder';
import { nodejsBundling, vpcFunctionBase, vpcFunctionRoleAcknowledgements } from './lambda-in-vpc';

/** API Gateway's integration timeout ends a call at 29 s; the function may run a second longer, so API Gateway always answers first. */
const TRANSCODER_TIMEOUT = Duration.seconds(30);

export interface GrpcTranscoderProps {
  /** `<gateway>-<environment>`: the function is `<prefix>-grpc-transcoder`. */
  readonly prefix: string;
  /** Baked into the bundle (toTranscoderConfig). */
  readonly config: TranscoderConfig;
  /** Private subnets with egress; the transcoder's own security group (HTTPS to the internal ALB). */
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  /** DNS name of the internal ALB; undefined when every gRPC service is public. */
  readonly albHost?: string;
  readonly reservedConcurrency: number;
  readonly logGroup: logs.ILogGroup;
}

/** `<prefix>-grpc-transcoder`: the dashboard and the docs name it without a reference. */
export function grpcTranscoderFunctionName(prefix: string): string {
  return `${prefix}-grpc-transcoder`;
}

/**
 * The REST -> gRPC transcoder (lambdas/grpc-transcoder/, docs/decisions/0027): the AWS_PROXY
 * integration of every method whose routes go to a gRPC service, after the same REQUEST authorizer
 * as any route. In the VPC, because it calls the services through the internal ALB's gRPC target
 * groups; its security group allows HTTPS to the ALB only (and to public gRPC upstreams if any).
 */
export class GrpcTranscoder extends Construct {
  public readonly function: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: GrpcTranscoderProps) {
    super(scope, id);
    if (!existsSync(GRPC_TRANSCODER_ENTRY)) throw new Error(`The transcoder entry ${GRPC_TRANSCODER_ENTRY} does not exist`);
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      functionName: grpcTranscoderFunctionName(props.prefix),
      description: 'Gatehouse REST -> gRPC transcoder (google.api.http mappings, unary calls through the internal ALB)',
      entry: GRPC_TRANSCODER_ENTRY,
      ...vpcFunctionBase(props),
      memorySize: GRPC_TRANSCODER_MEMORY_MB,
      timeout: TRANSCODER_TIMEOUT,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        ...(props.albHost ? { [GRPC_TRANSCODER_ENV.albHost]: props.albHost } : {}),
        POWERTOOLS_SERVICE_NAME: GRPC_TRANSCODER_SERVICE,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: nodejsBundling(GRPC_TRANSCODER_BUNDLING, transcoderDefine(props.config)),
    });

    acknowledge(this.function,
      ...vpcFunctionRoleAcknowledgements(),
      ...inEveryCompliancePack('IAMNoInlinePolicy', 'CDK-generated default policy of the transcoder role (X-Ray writes only), scoped to this one role; it is versioned with the stack.'),
      ...inEveryCompliancePack('LambdaDLQ', 'Invoked synchronously by API Gateway (AWS_PROXY): a failed invocation is answered to the caller at once, there is no asynchronous event to dead-letter.'),
    );
  }
}

/**
 * What a gRPC service's definitions were compiled from, read from the repository at synth (below
 * the config file's directory): the Lambda compiles the same sources again at init. The loader has
 * already refused definitions that do not compile.
 */
export function grpcSourcesOfService(gateway: Pick<GatewayEnvironment, 'file'>, service: ServiceConfig): GrpcSources {
  if (!service.grpc) throw new Error(`service ${service.name} has no grpc block`);
  return grpcSourcesOf(service.grpc, dirname(resolve(gateway.file)));
}
