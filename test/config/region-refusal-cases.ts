/**
 * Bad multi-region settings (issue 15, decision 0026) as data: each refused at load with its line
 * and key, by the schema or by lib/checks/region-rules.ts and lib/checks/environment-rules.ts.
 * Pinned in test/config/refused-before-deploy.test.ts; test/checks/parity.test.ts runs them
 * through synth, the planner and the local twin too. Each case breaks one thing of
 * {@link TWO_REGIONS}, a valid two-region version of the fixture's environment.
 */
import { guardedEdit } from '../support/config-text';
import { at, edit } from './fixtures';
import { bad, type BadConfig } from './bad-config';

/** The fixture's dev environment served from eu-west-1 (primary) and eu-west-2. */
export const TWO_REGIONS = edit([`    region: eu-west-1
    domains:
      internal: services.internal.example.com
    certificates:
      alb: arn:aws:acm:eu-west-1:111111111111:certificate/aaaa-0001
`, `    region: eu-west-1
    regions: [eu-west-1, eu-west-2]
    routing:
      hosted_zone: { id: Z0123456789EXAMPLE, name: example.com }
      policy: latency
    per_region:
      eu-west-2:
        certificates:
          regional: arn:aws:acm:eu-west-2:111111111111:certificate/bbbb-0002
          alb: arn:aws:acm:eu-west-2:111111111111:certificate/bbbb-0003
    domains:
      internal: services.internal.example.com
      api: origin.api.example.com
    certificates:
      alb: arn:aws:acm:eu-west-1:111111111111:certificate/aaaa-0001
      regional: arn:aws:acm:eu-west-1:111111111111:certificate/aaaa-0002
`]);

const twoRegions = (...changes: Array<[find: string, replace: string]>) => guardedEdit(TWO_REGIONS, ...changes);
const regionsAre = (list: string) => twoRegions(['    regions: [eu-west-1, eu-west-2]\n', `    regions: ${list}\n`]);
const policy = (text: string) => twoRegions(['      policy: latency\n', text]);

export const REGIONS: readonly BadConfig[] = [
  bad('refuses a region listed twice', regionsAre('[eu-west-1, eu-west-2, eu-west-2]'),
    (text) => [`${at(text, 'regions:')} environments.dev.regions[2]: eu-west-2 is listed twice (first at regions[1]); each region gets one set of regional stacks`]),
  bad('refuses a region list that does not start with the primary', regionsAre('[eu-west-2, eu-west-1]'),
    (text) => [`${at(text, 'regions:')} environments.dev.regions[0]: the first region is the primary and must be region (eu-west-1), not eu-west-2`]),
  bad('refuses a second region without its own certificate for domains.api',
    twoRegions(['          regional: arn:aws:acm:eu-west-2:111111111111:certificate/bbbb-0002\n', '']),
    (text) => [`${at(text, '        certificates:')} environments.dev.per_region.eu-west-2.certificates.regional: required for domains.api and domains.tenants in eu-west-2 (ACM certificates are regional: each region needs its own)`]),
  bad('refuses a second region\'s certificate issued in another region',
    twoRegions(['arn:aws:acm:eu-west-2:111111111111:certificate/bbbb-0002', 'arn:aws:acm:eu-west-1:111111111111:certificate/bbbb-0002']),
    (text) => [`${at(text, 'bbbb-0002')} environments.dev.per_region.eu-west-2.certificates.regional: must be in region eu-west-2 (this ARN is in eu-west-1)`]),
  bad('refuses two regions without routing',
    twoRegions(['    routing:\n      hosted_zone: { id: Z0123456789EXAMPLE, name: example.com }\n      policy: latency\n', '']),
    (text) => [`${at(text, '  dev:')} environments.dev.routing: required with 2 regions: the Route 53 hosted zone and policy that send each request to a healthy region (docs/multi-region.md)`]),
  bad('refuses two regions without domains.api (CloudFront\'s origin is that name)',
    twoRegions(['      api: origin.api.example.com\n', '']),
    (text) => [`${at(text, '    domains:')} environments.dev.domains.api: required with 2 regions: CloudFront's origin is this name, which Route 53 resolves to a healthy region`]),
  bad('refuses an API name outside the hosted zone', twoRegions(['name: example.com }', 'name: example.org }']),
    (text) => [`${at(text, 'api: origin')} environments.dev.domains.api: origin.api.example.com is not in routing.hosted_zone example.org: Route 53 can only route names of its zone`]),
  bad('refuses failover routing across three regions',
    guardedEdit(regionsAre('[eu-west-1, eu-west-2, eu-central-1]'), ['      policy: latency\n', '      policy: failover\n'], ['    per_region:\n', `    per_region:
      eu-central-1:
        certificates:
          regional: arn:aws:acm:eu-central-1:111111111111:certificate/cccc-0002
          alb: arn:aws:acm:eu-central-1:111111111111:certificate/cccc-0003
`]),
    (text) => [`${at(text, 'policy: failover')} environments.dev.routing.policy: failover routes to a primary and one secondary: exactly 2 regions, not 3; use latency or geolocation`]),
  bad('refuses geolocation routing without a default location',
    policy('      policy: geolocation\n      geolocation: { GB: eu-west-2, IE: eu-west-1 }\n'),
    (text) => [`${at(text, 'geolocation: {')} environments.dev.routing.geolocation: needs a default entry: resolvers whose location matches no entry get no answer otherwise`]),
  bad('refuses geolocation routing to a region the environment does not have',
    policy('      policy: geolocation\n      geolocation: { GB: eu-west-2, default: eu-west-1, FR: eu-west-3 }\n'),
    (text) => [`${at(text, 'geolocation: {')} environments.dev.routing.geolocation.FR: eu-west-3 is not in regions (eu-west-1, eu-west-2)`]),
  bad('refuses settings for a region that is not listed',
    twoRegions(['    per_region:\n', '    per_region:\n      us-east-2:\n        certificates: {}\n']),
    (text) => [`${at(text, 'us-east-2:')} environments.dev.per_region.us-east-2: us-east-2 is not in regions (eu-west-1, eu-west-2); list it there or remove these settings`]),
  bad('refuses per-region settings for the primary',
    twoRegions(['    per_region:\n', '    per_region:\n      eu-west-1:\n        certificates: {}\n']),
    (text) => [`${at(text, '      eu-west-1:')} environments.dev.per_region.eu-west-1: eu-west-1 is the primary region: its settings are the environment's own certificates and vpc`]),
  bad('refuses a primary\'s existing VPC for a region that has no VPC of its own',
    twoRegions(['    routing:\n', '    vpc: { id: vpc-0abc12345678def01 }\n    routing:\n']),
    (text) => [`${at(text, '      eu-west-2:')} environments.dev.per_region.eu-west-2.vpc: required: the primary uses the existing VPC vpc-0abc12345678def01, and a VPC belongs to one region; give eu-west-2's own (an id, or cidr for a new one)`]),
  bad('refuses routing for an environment of one region',
    edit(['    region: eu-west-1\n', '    region: eu-west-1\n    routing:\n      hosted_zone: { id: Z0123456789EXAMPLE, name: example.com }\n']),
    (text) => [`${at(text, '    routing:')} environments.dev.routing: routing spreads requests across regions, but this environment has one (eu-west-1); list the others in regions, or remove routing`]),
  bad('refuses a region of another AWS partition', regionsAre('[eu-west-1, cn-north-1]'),
    (text) => [
      `${at(text, 'regions:')} environments.dev.regions[1]: cn-north-1 is in another AWS partition (China or GovCloud): Gatehouse deploys to the aws partition only, whose us-east-1 holds its CloudFront edge, and whose ARNs (arn:aws:...) its config and stacks use`,
      `${at(text, '      eu-west-2:')} environments.dev.per_region.eu-west-2: eu-west-2 is not in regions (eu-west-1, cn-north-1); list it there or remove these settings`,
      `${at(text, '    per_region:')} environments.dev.per_region.cn-north-1.certificates.regional: required for domains.api and domains.tenants in cn-north-1 (ACM certificates are regional: each region needs its own)`,
      `${at(text, '    per_region:')} environments.dev.per_region.cn-north-1.certificates.alb: required when any service is private: the internal ALB listens on HTTPS only in cn-north-1 (ACM certificates are regional: each region needs its own)`,
    ]),
  bad('refuses traffic shares that do not add up to 1', policy('      policy: latency\n      traffic_share: { eu-west-1: 0.7, eu-west-2: 0.4 }\n'),
    (text) => [`${at(text, 'traffic_share')} environments.dev.routing.traffic_share: shares sum to 1.1, not 1`]),
  bad('refuses more failed probes than probes in a period', policy('      policy: latency\n      health_check: { probes_per_period: 2, failed_probes: 3 }\n'),
    (text) => [`${at(text, 'health_check')} environments.dev.routing.health_check.failed_probes: 3 failed probes can never happen in a period of 2 probes: at most probes_per_period`]),
  bad('refuses more than four regions', regionsAre('[eu-west-1, eu-west-2, eu-west-3, eu-central-1, eu-north-1]'),
    (text) => [`${at(text, 'regions:')} environments.dev.regions: must have <= 4 items (has 5)`]),
];
