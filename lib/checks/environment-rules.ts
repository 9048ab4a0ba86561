/**
 * The rules of one environment: certificates and domains that fit together (region, account,
 * what each domain needs), availability zones and NAT gateways of a new VPC, and resource names
 * that stay within AWS's lengths. Checked for each environment's merged config.
 */
import { MAX_FUNCTION_NAME } from '../config/aws-limits';
import type { AddProblem } from '../config/errors';
import { vpcZoneCount } from '../config/profile';
import type { EnvironmentConfig, GatewayConfig } from '../config/schema';
import { resourcePrefix } from '../contract/resource-names';

/** Longest name suffix added to `<name>-<environment>`: the audit transformer's Lambda function name. */
export const LONGEST_NAME_SUFFIX = '-audit-transformer';

export function checkEnvironment(config: GatewayConfig, envName: string, env: EnvironmentConfig, add: AddProblem): void {
  const at = ['environments', envName];
  const certificates = [...at, 'certificates'];
  if (env.domains.edge && !env.certificates.cloudfront) add([...certificates, 'cloudfront'], `required for domains.edge (${env.domains.edge}); CloudFront certificates live in us-east-1`);
  if ((env.domains.api || env.domains.tenants) && !env.certificates.regional) add([...certificates, 'regional'], 'required for domains.api and domains.tenants');
  if (env.domains.mtls && !config.identity.mtls) add([...at, 'domains', 'mtls'], 'needs identity.mtls (the truststore)');
  if (env.domains.mtls && !env.certificates.regional) add([...certificates, 'regional'], 'required for domains.mtls');
  if (config.services.some((s) => s.private) && !env.certificates.alb) {
    add([...certificates, 'alb'], 'required when any service is private: the internal ALB listens on HTTPS only');
  }
  if ('availability_zones' in env.vpc && env.vpc.availability_zones) {
    const zones = env.vpc.availability_zones;
    zones.forEach((zone, i) => {
      if (!zone.startsWith(env.region)) add([...at, 'vpc', 'availability_zones', i], `${zone} is not in the environment's region ${env.region}`);
      const first = zones.indexOf(zone);
      if (first !== i) add([...at, 'vpc', 'availability_zones', i], `${zone} is listed twice (first at availability_zones[${first}]); the internal ALB needs subnets in at least two different zones`);
    });
  }
  if ('cidr' in env.vpc && env.vpc.nat_gateways > vpcZoneCount(env.vpc)) {
    add([...at, 'vpc', 'nat_gateways'], `${env.vpc.nat_gateways} NAT gateways, but the VPC has ${vpcZoneCount(env.vpc)} availability zones and gets at most one NAT gateway per zone: set nat_gateways to ${vpcZoneCount(env.vpc)} or less`);
  }
  const longest = `${resourcePrefix({ config, name: envName })}${LONGEST_NAME_SUFFIX}`;
  if (longest.length > MAX_FUNCTION_NAME) {
    add(at, `the gateway name "${config.name}" and the environment name "${envName}" make resource names too long: the Lambda function ${longest} has ${longest.length} characters, AWS allows ${MAX_FUNCTION_NAME}; name and environment together may have at most ${MAX_FUNCTION_NAME - LONGEST_NAME_SUFFIX.length - 1} characters (now ${config.name.length + envName.length}): shorten one of them`);
  }
  if (config.services.some((s) => s.private) && !env.domains.internal) {
    add([...at, 'domains', 'internal'], 'required when any service is private: the host name on certificates.alb that API Gateway uses to reach the internal ALB over TLS (the ALB\'s own DNS name would not match the certificate)');
  }
  if (env.certificates.regional && !env.certificates.regional.startsWith(`arn:aws:acm:${env.region}:`)) {
    add([...certificates, 'regional'], `must be in the environment's region ${env.region}`);
  }
  if (env.certificates.alb && !env.certificates.alb.startsWith(`arn:aws:acm:${env.region}:`)) {
    add([...certificates, 'alb'], `must be in the environment's region ${env.region}`);
  }
  if (config.routes.some((r) => r.auth.strategies.includes('mtls')) && !env.domains.mtls) {
    add([...at, 'domains', 'mtls'], 'required because a route uses the mtls strategy (mTLS needs a custom domain)');
  }
  // ACM certificates cannot be shared across accounts.
  for (const [kind, arn] of Object.entries(env.certificates)) {
    const account = arn?.split(':')[4];
    if (account && account !== env.account) {
      add([...certificates, kind], `belongs to account ${account}, but the environment deploys to account ${env.account}; ACM certificates cannot be shared across accounts`);
    }
  }
}
