/**
 * The bad configs of test/config/refused-before-deploy.test.ts as data: inputs that used to crash
 * with a stack trace, change meaning silently, or pass validation only for AWS to refuse them at
 * deploy time. The test pins each message at load; test/checks/parity.test.ts runs every case
 * through synth, the planner and the local twin.
 */
import { at, BASE, edit } from './fixtures';
import { bad, type BadConfig } from './bad-config';

const withEnvVpc = (vpc: string) => edit(['    domains:\n      internal:', `    vpc: ${vpc}\n    domains:\n      internal:`]);
const withHealthCheck = (check: string) => edit(['      port: 8080\n', `      port: 8080\n      health_check: ${check}\n`]);
const withCors = (cors: string) => edit(['tiers:\n', `cors:\n${cors}tiers:\n`]);
const withUsersSchema = (schema: string) => edit(['      scopes: [users/read]\n  - name: catalog', `      scopes: [users/read]\n    request_schema:\n${schema}  - name: catalog`]);
/** Five levels of ten aliases each: 10^5 copies from a few lines. */
const ALIAS_BOMB = ['        l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n',
  ...Array.from({ length: 4 }, (_, i) => `        l${i + 1}: &l${i + 1} [*l${i}, *l${i}, *l${i}, *l${i}, *l${i}, *l${i}, *l${i}, *l${i}, *l${i}, *l${i}]\n`)].join('');
const ROUTES_160 = Array.from({ length: 160 }, (_, i) => `  - { name: r${i}, paths: [/x${i}], service: catalog, auth: { strategies: [api_key] } }\n`).join('');

/** YAML aliases */
export const YAML_ALIASES: readonly BadConfig[] = [
  bad('refuses an expansion bomb as a problem of the file, not a crash',
    withUsersSchema(`      type: object\n      definitions:\n${ALIAS_BOMB}`),
    (text) => [`${at(text, 'l1: &l1')}: YAML aliases expand to more than 10,000 copies (aliases of anchors that themselves contain aliases multiply); write the repeated values out or nest fewer aliases`]),
  bad('reports an alias without an anchor at its line',
    edit(['name: shop\n', 'name: *gateway\n']),
    (text) => [`${at(text, '*gateway')}: YAML alias *gateway has no anchor &gateway before it; define the anchor first (e.g. key: &gateway value) or write the value out`]),
];

/** limits AWS would refuse at synth or deploy time */
export const AWS_LIMITS: readonly BadConfig[] = [
  bad('refuses more routes than one REST API and one stack can hold',
    edit(['tiers:\n', `${ROUTES_160}tiers:\n`]),
    (text) => [`${at(text, 'routes:')} routes: 162 routes need 328 API Gateway resources (route paths, their {proxy+} children and parent paths), above the 300 a REST API allows by default, and at least 697 CloudFormation resources in the API stack (327 methods, 327 resources, usage plans, authorizers ...), above the 500 a stack allows: serve sub-paths with one route (a route path already serves everything below it), share paths between methods, or split the API into several gateway configs`]),
  bad('refuses a gateway and environment name that make a Lambda function name too long',
    edit(['name: shop\n', 'name: acme-payments-gateway-platform\n'], ['  dev:\n', '  production-eu-west:\n']),
    (text) => [`${at(text, 'production-eu-west:')} environments.production-eu-west: the gateway name "acme-payments-gateway-platform" and the environment name "production-eu-west" make resource names too long: the Lambda function acme-payments-gateway-platform-production-eu-west-audit-transformer has 67 characters, AWS allows 64; name and environment together may have at most 45 characters (now 48): shorten one of them`]),
  bad('refuses a health check timeout that is not shorter than the interval',
    withHealthCheck('{ interval_seconds: 5, timeout_seconds: 120 }'),
    (text) => [`${at(text, 'health_check')} services[0].private.health_check.timeout_seconds: 120 s must be less than interval_seconds (5 s): the load balancer refuses a probe timeout that is not shorter than the time between probes`]),
  bad('refuses a health check matcher outside 200-499',
    withHealthCheck('{ matcher: "999" }'),
    (text) => [`${at(text, 'health_check')} services[0].private.health_check.matcher: "999" is outside 200-499, the HTTP codes an Application Load Balancer accepts as a health check matcher`]),
  bad('refuses a VPC CIDR that is not an IPv4 address',
    withEnvVpc('{ cidr: 999.999.0.0/16 }'),
    (text) => [`${at(text, 'cidr:')} environments.dev.vpc.cidr: "999.999.0.0/16" is not an IPv4 address: 999 is above 255 (each of the four numbers is 0-255)`]),
  bad('refuses a VPC CIDR with host bits instead of moving the network',
    withEnvVpc('{ cidr: 10.40.5.7/16 }'),
    (text) => [`${at(text, 'cidr:')} environments.dev.vpc.cidr: "10.40.5.7/16" has host bits set: the /16 network that contains it is 10.40.0.0/16; write that (or the network you meant)`]),
  bad('refuses an availability zone listed twice',
    withEnvVpc('{ availability_zones: [eu-west-1a, eu-west-1a] }'),
    (text) => [`${at(text, 'availability_zones')} environments.dev.vpc.availability_zones[1]: eu-west-1a is listed twice (first at availability_zones[0]); the internal ALB needs subnets in at least two different zones`]),
  bad('refuses max_azs that contradicts availability_zones, and more NAT gateways than zones',
    withEnvVpc('{ max_azs: 2, availability_zones: [eu-west-1a, eu-west-1b, eu-west-1c], nat_gateways: 6 }'),
    (text) => [
    `${at(text, 'max_azs')} environments.dev.vpc.max_azs: 2 contradicts availability_zones, which names 3 zones; the VPC uses the listed zones: remove max_azs or make it 3`,
    `${at(text, 'max_azs')} environments.dev.vpc.nat_gateways: 6 NAT gateways, but the VPC has 3 availability zones and gets at most one NAT gateway per zone: set nat_gateways to 3 or less`,
  ]),
  bad('refuses a WAF rate limit above what AWS WAF accepts',
    `${BASE}security:\n  waf:\n    ip_rate_limit: 3000000000\n`,
    (text) => [`${at(text, 'ip_rate_limit')} security.waf.ip_rate_limit: must be <= 2000000000 (got 3000000000)`]),
  bad('refuses a Cognito domain prefix that contains "aws"',
    edit(['domain_prefix: shop-dev', 'domain_prefix: aws-shop']),
    (text) => [`${at(text, 'domain_prefix')} identity.cognito.domain_prefix: "aws-shop" contains "aws"; Cognito refuses domain prefixes that contain aws, amazon, cognito: choose another prefix, e.g. your company and environment`]),
  bad('refuses a javascript: callback URL',
    edit(['callback_urls: [https://app.example.com/cb]', 'callback_urls: [https://app.example.com/cb, "javascript:alert(1)", "com.example.app://cb"]']),
    (text) => [`${at(text, 'callback_urls')} identity.cognito.public_clients[0].callback_urls[1]: "javascript:alert(1)" cannot be a redirect target: use an https:// URL (http:// only for localhost) or a mobile app's own scheme like com.example.app://callback`]),
  bad('refuses an http issuer whose keys the authorizer could not fetch',
    edit(['identity:\n', 'identity:\n  issuers:\n    - { name: corp, issuer: "http://idp.example.com", audiences: [api] }\n']),
    (text) => [`${at(text, 'name: corp')} identity.issuers[0].issuer: "http://idp.example.com" is http, so its keys would be fetched from http://idp.example.com/.well-known/jwks.json; the authorizer fetches signing keys over https only: use the https issuer URL, or set jwks_uri to an https:// URL (http only for localhost in local development)`]),
  bad('refuses a local_url the local gateway cannot forward to',
    edit(['      port: 8080\n', '      port: 8080\n    local_url: "mailto:a@b.c"\n']),
    (text) => [`${at(text, 'local_url')} services[0].local_url: the local gateway forwards to an http:// or https:// URL, e.g. http://localhost:3000`]),
  bad('bounds the traffic figures (no $NaN in the plan)',
    edit(['steady_rps: 100', 'steady_rps: 1e300'], ['peak_rps: 400', 'peak_rps: 1.7e308']),
    (text) => [
    `${at(text, 'steady_rps')} traffic.steady_rps: must be <= 1000000 (got 1e+300)`,
    `${at(text, 'peak_rps')} traffic.peak_rps: must be <= 1000000 (got 1.7e+308)`,
  ]),
  bad('names the response headers CloudFront cannot remove instead of dropping them',
    `${BASE.replace('transformations:\n', 'transformations:\n  response:\n    remove_headers: [X-Powered-By, Server, Via]\n')}`,
    (text) => [`${at(text, 'remove_headers')} transformations.response.remove_headers[2]: CloudFront cannot remove Via (it cannot remove content-encoding, content-length, transfer-encoding, warning, via); drop the entry, or stop the upstream from sending it`]),
];

/** silent changes of meaning */
export const SILENT_CHANGES: readonly BadConfig[] = [
  bad('refuses a route path with a trailing slash (it would take over the path without it)',
    edit(['paths: [/v1/catalog]', 'paths: [/v1/users/]'], ['    cache:\n      ttl: 60\n', '']),
    (text) => [`${at(text, '/v1/users/')} routes[1].paths[0]: /v1/users/ ends with /; write /v1/users (a route path already serves everything below it, and API Gateway treats both as the same resource)`]),
  bad('refuses an override entry whose name matches no entry, suggesting the nearest',
    edit(['          bot_control: "off"\n', '          bot_control: "off"\n      services:\n        - name: catalogue\n          url: https://catalog.dev.example.com\n']),
    (text) => [`${at(text, 'name: catalogue')} environments.dev.overrides.services[0].name: no entry named "catalogue" in services to override; did you mean "catalog"? (an override changes existing entries; add new ones to services itself)`]),
];

/** messages */
export const MESSAGES: readonly BadConfig[] = [
  bad('quotes an account id as written, leading zero included',
    edit(['account: "111111111111"', 'account: 011111111111']),
    (text) => [`${at(text, 'account:')} environments.dev.account: expected a string, got the number 11111111111 (written 011111111111); quote it as written: "011111111111"`]),
  bad('says why an environment name is not valid',
    edit(['  dev:\n', '  Dev:\n']),
    (text) => [`${at(text, 'Dev:')} environments.Dev: "Dev" is not a valid name: an environment name must be lowercase letters, digits and dashes, start with a letter, at most 40 characters`]),
  bad('calls a number too large for a number infinite, not "a number Infinity"',
    edit(['peak_rps: 400', 'peak_rps: 1e309']),
    (text) => [`${at(text, 'peak_rps')} traffic.peak_rps: expected a finite number, got 1e309, which is too large for a number (it reads as infinity)`]),
];

/** names AWS or HTTP would not accept */
export const UNACCEPTABLE_NAMES: readonly BadConfig[] = [
  bad('refuses two conditions on the same header spelled in two cases',
    edit(['  - name: catalog\n    paths: [/v1/catalog]\n', '  - name: catalog\n    paths: [/v1/catalog]\n    headers:\n      x-canary: "true"\n      X-Canary: "false"\n']),
    (text) => [`${at(text, 'X-Canary: "false"')} routes[1].headers.X-Canary: the same header as "x-canary" (header names are case-insensitive); keep one condition`]),
];

/** cors */
export const CORS: readonly BadConfig[] = [
  bad('refuses credentials with the "*" origin (browsers reject that combination)',
    withCors('  origins: ["*"]\n  credentials: true\n'),
    (text) => [`${at(text, 'credentials: true')} cors.credentials: browsers refuse credentials with the "*" origin: list the origins`]),
  bad('refuses an origin with a path',
    withCors('  origins: [https://app.example.com/spa]\n'),
    (text) => [`${at(text, 'origins:')} cors.origins[0]: an origin like https://app.example.com (scheme, host and optional port, no path) or *`]),
];

/** what a file must not be */
export const NOT_A_CONFIG: readonly BadConfig[] = [
  bad('refuses a __proto__ key (it would slip past the strict schema)',
    edit(['tiers:\n', '__proto__: { polluted: 1 }\ntiers:\n']),
    (text) => [`${at(text, '__proto__')}: "__proto__" is not a key of this file; remove it`]),
];
