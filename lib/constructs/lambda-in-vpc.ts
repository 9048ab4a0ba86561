/**
 * What the gateway's two functions in the VPC (the authorizer and the breaker-state function)
 * share: the esbuild options as CDK takes them, and the acknowledgements of the AWS-managed
 * execution-role policies every VPC function of CDK carries.
 */
import type { aws_ec2 as ec2Types, aws_lambda_nodejs as nodejs, aws_logs as logs } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { TRACING } from '../observability/tracing';
import type { Acknowledgement } from '../compliance/nag';
import type { AUTHORIZER_BUNDLING } from '../../lambdas/authorizer/bundling';

/** `options` (lambdas/<fn>/bundling.ts) as NodejsFunction bundling options, with the function's baked config. */
export function nodejsBundling(options: typeof AUTHORIZER_BUNDLING, define: Record<string, string>): nodejs.BundlingOptions {
  return {
    format: options.format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS,
    target: options.target,
    minify: options.minify,
    keepNames: options.keepNames,
    sourceMap: options.sourceMap,
    mainFields: [...options.mainFields],
    banner: options.banner,
    externalModules: [...options.externalModules],
    define,
  };
}

/** The execution role's AWS policies and X-Ray's wildcard, explained; `more` adds to the wildcard's reason. */
export function vpcFunctionRoleAcknowledgements(more = ''): Acknowledgement[] {
  return [
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'CDK-managed execution role: the AWS policy only allows writing the function\'s own CloudWatch logs.',
    },
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      reason: 'CDK-managed execution role of a VPC function: Lambda needs the AWS policy\'s ENI permissions to attach the function to the VPC (to reach ElastiCache).',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions.${more ? ` ${more}` : ''}`,
    },
  ];
}

/** Where and how both functions run: Node.js 24 on arm64, in the VPC's private subnets, JSON logs to their log group, active tracing. */
export function vpcFunctionBase(props: { readonly vpc: ec2Types.IVpc; readonly securityGroup: ec2Types.ISecurityGroup; readonly logGroup: logs.ILogGroup }) {
  return {
    handler: 'handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    // Active tracing only: no X-Ray SDK in these functions (lib/observability/tracing.ts, decision 0012).
    tracing: TRACING.lambdaMode === 'Active' ? lambda.Tracing.ACTIVE : lambda.Tracing.PASS_THROUGH,
    vpc: props.vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    securityGroups: [props.securityGroup],
    logGroup: props.logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
  } satisfies Partial<nodejs.NodejsFunctionProps>;
}
