import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Template } from 'aws-cdk-lib/assertions';
import { applyCompliancePacks } from '../../lib/compliance/nag';
import type { GatewayEnvironment } from '../../lib/config/environments';
import { environmentRegions, inRegion } from '../../lib/config/regions';
import { resourcePrefix } from '../../lib/contract/resource-names';
import { planRouting } from '../../lib/contract/routing-plan';
import { HealthStack } from '../../lib/stacks/health-stack';
import { regionalDomainNamesOf, RoutingStack } from '../../lib/stacks/routing-stack';
import { CDK_CONTEXT, synthFindings, type NagFinding } from '../support/synth';


/** The edge key's ARN as the us-east-1 HealthStack gets it when the profile asks for customer-managed keys. */
export const EDGE_KEY_ARN = 'arn:aws:kms:us-east-1:210000000003:key/00000000-0000-4000-8000-00000000aaaa';

export interface HealthSynth {
  readonly health: Readonly<Record<string, HealthStack>>;
  readonly routing: RoutingStack;
  readonly findings: NagFinding[];
  template(stack: Stack): Template;
  /** The stand-in Api stack of a region (a REGIONAL custom domain per configured name). */
  readonly apis: Readonly<Record<string, Stack>>;
}

/**
 * The Health stack(s), the Routing stack and, per region, a stand-in for the region's Api stack
 * (its custom domains only: what Routing reads), wired as lib/stage.ts is told to wire them, in
 * one app with the environment's compliance packs; Lambda code is not bundled.
 */
export function synthHealth(gateway: GatewayEnvironment): HealthSynth {
  const outdir = mkdtempSync(join(tmpdir(), 'gatehouse-health-'));
  process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
  const app = new App({ outdir, context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const { account } = gateway.env;
  const prefix = resourcePrefix(gateway);
  const plan = planRouting(gateway);
  const secretName = `${gateway.config.name}/${gateway.name}/origin-verify`;

  const health: Record<string, HealthStack> = {};
  for (const observer of plan.observers) {
    const id = observer.region === 'us-east-1' ? 'Health' : `Health-${observer.region}`;
    health[observer.region] = new HealthStack(app, id, {
      gateway,
      env: { account, region: observer.region },
      stackName: observer.region === 'us-east-1' ? `${prefix}-health` : `${prefix}-health-${observer.region}`,
      originVerifySecretName: secretName,
      originVerifySecretKeyArn: observer.region === 'us-east-1' && gateway.profile.customerManagedKeys ? EDGE_KEY_ARN : undefined,
    });
  }

  const apis: Record<string, Stack> = {};
  const names: Record<string, ReturnType<typeof regionalDomainNamesOf>> = {};
  for (const region of environmentRegions(gateway.config.environments[gateway.name])) {
    const regional = inRegion(gateway, region);
    const stack = new Stack(app, `Api-${region}`, { env: { account, region }, stackName: `${prefix}-api-${region}` });
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', regional.env.certificates.regional!);
    const domain = (id: string, domainName?: string) => (domainName
      ? new apigw.DomainName(stack, id, { domainName, certificate, endpointType: apigw.EndpointType.REGIONAL }) : undefined);
    names[region] = regionalDomainNamesOf({ api: domain('Api', regional.env.domains.api), mtls: domain('Mtls', regional.env.domains.mtls), tenants: domain('Tenants', regional.env.domains.tenants) });
    apis[region] = stack;
  }

  const routing = new RoutingStack(app, 'Routing', {
    gateway,
    env: { account, region: 'us-east-1' },
    stackName: `${prefix}-routing`,
    regionalDomainNames: names,
    healthCheckIds: Object.assign({}, ...Object.values(health).map((h) => h.healthCheckIds)),
  });

  applyCompliancePacks(app, gateway.profile.nagPacks, { apiKeyHeader: gateway.config.identity.api_keys.header, routes: gateway.config.routes });
  const findings: NagFinding[] = synthFindings(app).map((f) => ({ rule: f.rule, path: f.path, message: f.message }));
  return {
    health,
    routing,
    apis,
    findings,
    template: (stack) => Template.fromJSON(JSON.parse(readFileSync(join(outdir, stack.templateFile), 'utf8'))),
  };
}
