/**
 * The rules of one environment: certificates and domains that fit together (region, account,
 * what each domain needs), availability zones and NAT gateways of a new VPC, and resource names
 * that stay within AWS's lengths. Checked for each environment's merged config.
 */
import { MAX_FUNCTION_NAME } from '../config/aws-limits';
import type { AddProblem } from '../config/errors';
import { vpcZoneCount } from '../config/profile';
import { environmentInRegion, environmentRegions } from '../config/regions';
import type { EnvironmentConfig, EnvironmentSettings, GatewayConfig } from '../config/schema';
import { checkRegions } from './region-rules';
import { resourcePrefix } from '../contract/resource-names';

/** Longest name suffix added to `<name>-<environment>`: the audit transformer's Lambda function name. */
export const LONGEST_NAME_SUFFIX = '-audit-transformer';

export function checkEnvironment(config: GatewayConfig, envName: string, env: EnvironmentSettings, add: AddProblem): void {
  const at = ['environments', envName];
  checkRegions(config, envName, env, add);
  for (const region of environmentRegions(env)) checkRegionSettings(config, envName, environmentInRegion(env, region), env.region === region, add);
  if (env.domains.mtls && !config.identity.mtls) add([...at, 'domains', 'mtls'], 'needs identity.mtls (the truststore)');
  const longest = `${resourcePrefix({ config, name: envName })}${LONGEST_NAME_SUFFIX}`;
  if (longest.length > MAX_FUNCTION_NAME) {
    add(at, `the gateway name "${config.name}" and the environment name "${envName}" make resource names too long: the Lambda function ${longest} has ${longest.length} characters, AWS allows ${MAX_FUNCTION_NAME}; name and environment together may have at most ${MAX_FUNCTION_NAME - LONGEST_NAME_SUFFIX.length - 1} characters (now ${config.name.length + envName.length}): shorten one of them`);
  }
  if (config.services.some((s) => s.private) && !env.domains.internal) {
    add([...at, 'domains', 'internal'], 'required when any service is private: the host name on certificates.alb that API Gateway uses to reach the internal ALB over TLS (the ALB\'s own DNS name would not match the certificate)');
  }
  if (config.routes.some((r) => r.auth.strategies.includes('mtls')) && !env.domains.mtls) {
    add([...at, 'domains', 'mtls'], 'required because a route uses the mtls strategy (mTLS needs a custom domain)');
  }
}

/**
 * What one region needs of its own: certificates in that region and account, and a VPC whose
 * zones are that region's. A secondary region's keys are under per_region.<region>.
 */
function checkRegionSettings(config: GatewayConfig, envName: string, env: EnvironmentConfig, isPrimary: boolean, add: AddProblem): void {
  const at = ['environments', envName];
  const own = isPrimary ? at : [...at, 'per_region', env.region];
  const certificates = [...own, 'certificates'];
  const where = isPrimary ? `the environment's region ${env.region}` : `region ${env.region}`;
  if (isPrimary && env.domains.edge && !env.certificates.cloudfront) add([...certificates, 'cloudfront'], `required for domains.edge (${env.domains.edge}); CloudFront certificates live in us-east-1`);
  const forRegion = isPrimary ? '' : ` in ${env.region} (ACM certificates are regional: each region needs its own)`;
  if ((env.domains.api || env.domains.tenants) && !env.certificates.regional) add([...certificates, 'regional'], `required for domains.api and domains.tenants${forRegion}`);
  if (env.domains.mtls && !env.certificates.regional) add([...certificates, 'regional'], `required for domains.mtls${forRegion}`);
  if (config.services.some((s) => s.private) && !env.certificates.alb) {
    add([...certificates, 'alb'], `required when any service is private: the internal ALB listens on HTTPS only${forRegion}`);
  }
  const vpcAt = isPrimary || !('per_region' in env && env.per_region[env.region]?.vpc) ? [...at, 'vpc'] : [...own, 'vpc'];
  const inherited = !isPrimary && vpcAt.length === at.length + 1;
  if (inherited && 'id' in env.vpc) {
    add([...own, 'vpc'], `required: the primary uses the existing VPC ${env.vpc.id}, and a VPC belongs to one region; give ${env.region}'s own (an id, or cidr for a new one)`);
  } else if (inherited && 'availability_zones' in env.vpc && env.vpc.availability_zones) {
    add([...own, 'vpc'], `required: the primary's vpc names availability zones of ${config.environments[envName]?.region ?? 'its region'}; give ${env.region}'s own vpc (its zones, or max_azs)`);
  } else {
    if ('availability_zones' in env.vpc && env.vpc.availability_zones) {
      const zones = env.vpc.availability_zones;
      zones.forEach((zone, i) => {
        if (!zone.startsWith(env.region)) add([...vpcAt, 'availability_zones', i], `${zone} is not in ${where}`);
        const first = zones.indexOf(zone);
        if (first !== i) add([...vpcAt, 'availability_zones', i], `${zone} is listed twice (first at availability_zones[${first}]); the internal ALB needs subnets in at least two different zones`);
      });
    }
    if ('cidr' in env.vpc && env.vpc.nat_gateways > vpcZoneCount(env.vpc)) {
      add([...vpcAt, 'nat_gateways'], `${env.vpc.nat_gateways} NAT gateways, but the VPC has ${vpcZoneCount(env.vpc)} availability zones and gets at most one NAT gateway per zone: set nat_gateways to ${vpcZoneCount(env.vpc)} or less`);
    }
  }
  for (const kind of ['regional', 'alb'] as const) {
    const arn = env.certificates[kind];
    if (arn && !arn.startsWith(`arn:aws:acm:${env.region}:`)) add([...certificates, kind], `must be in ${where} (this ARN is in ${arn.split(':')[3]})`);
  }
  // ACM certificates cannot be shared across accounts.
  for (const [kind, arn] of Object.entries(env.certificates)) {
    if (!isPrimary && kind === 'cloudfront') continue;
    const account = arn?.split(':')[4];
    if (account && account !== env.account) {
      add([...certificates, kind], `belongs to account ${account}, but the environment deploys to account ${env.account}; ACM certificates cannot be shared across accounts`);
    }
  }
}
