import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../lib/config/errors';
import { loadConfigFile, parseConfig, selectEnvironments } from '../../lib/config/load';
import { RESERVED_ISSUER_NAMES } from '../../lib/config/references';
import { LOCAL_ISSUER_NAME } from '../../local/seed';
import { at, BASE, edit, FILE, message, rejection } from './fixtures';

/**
 * Inputs that used to crash with a stack trace, change meaning silently, or pass validation only
 * for AWS to refuse them at deploy time (review of bad input). Each pins the exact message.
 */
const withEnvVpc = (vpc: string) => edit(['    domains:\n      internal:', `    vpc: ${vpc}\n    domains:\n      internal:`]);
const withHealthCheck = (check: string) => edit(['      port: 8080\n', `      port: 8080\n      health_check: ${check}\n`]);
const withUsersSchema = (schema: string) => edit(['      scopes: [users/read]\n  - name: catalog', `      scopes: [users/read]\n    request_schema:\n${schema}  - name: catalog`]);

describe('YAML aliases', () => {
  it('reports an alias without an anchor at its line', () => {
    const text = edit(['name: shop\n', 'name: *gateway\n']);
    expect(rejection(text)).toBe(message(`${at(text, '*gateway')}: YAML alias *gateway has no anchor &gateway before it; define the anchor first (e.g. key: &gateway value) or write the value out`));
  });

  it('accepts one anchor reused far more than 100 times', () => {
    const properties = Array.from({ length: 150 }, (_, i) => `        p${i}: *text\n`).join('');
    const text = withUsersSchema(`      type: object\n      definitions:\n        text: &text { type: string }\n      properties:\n${properties}`);
    expect(() => parseConfig(text, FILE)).not.toThrow();
  });

  it('refuses an expansion bomb as a problem of the file, not a crash', () => {
    const levels = ['        l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n',
      ...Array.from({ length: 4 }, (_, i) => `        l${i + 1}: &l${i + 1} [*l${i}, *l${i}, *l${i}, *l${i}, *l${i}, *l${i}, *l${i}, *l${i}, *l${i}, *l${i}]\n`)].join('');
    const text = withUsersSchema(`      type: object\n      definitions:\n${levels}`);
    expect(rejection(text)).toBe(message(`${at(text, 'l1: &l1')}: YAML aliases expand to more than 10,000 copies (aliases of anchors that themselves contain aliases multiply); write the repeated values out or nest fewer aliases`));
  });
});

describe('YAML merge keys', () => {
  it('shares a block between entries with <<: *anchor, the entry keys winning', () => {
    const text = edit(['tiers:\n', '  - <<: &shared { service: catalog, auth: { strategies: [api_key] } }\n    name: catalog-v2\n    paths: [/v2/catalog]\n  - <<: *shared\n    name: catalog-v3\n    paths: [/v3/catalog]\ntiers:\n']);
    const routes = parseConfig(text, FILE).base.routes;
    expect(routes.filter((r) => r.name.startsWith('catalog-')).map((r) => [r.name, r.service, r.auth.strategies])).toEqual([
      ['catalog-v2', 'catalog', ['api_key']], ['catalog-v3', 'catalog', ['api_key']],
    ]);
  });
});

describe('limits AWS would refuse at synth or deploy time', () => {
  it('refuses more routes than one REST API and one stack can hold', () => {
    const routes = Array.from({ length: 160 }, (_, i) => `  - { name: r${i}, paths: [/x${i}], service: catalog, auth: { strategies: [api_key] } }\n`).join('');
    const text = edit(['tiers:\n', `${routes}tiers:\n`]);
    expect(rejection(text)).toBe(message(
      `${at(text, 'routes:')} routes: 162 routes need 326 API Gateway resources (route paths, their {proxy+} children and parent paths), above the 300 a REST API allows by default, and at least 692 CloudFormation resources in the API stack (326 methods, 325 resources, usage plans, authorizers ...), above the 500 a stack allows: serve sub-paths with one route (a route path already serves everything below it), share paths between methods, or split the API into several gateway configs`,
    ));
  });

  it('refuses a gateway and environment name that make a Lambda function name too long', () => {
    const text = edit(['name: shop\n', 'name: acme-payments-gateway-platform\n'], ['  dev:\n', '  production-eu-west:\n']);
    expect(rejection(text)).toBe(message(
      `${at(text, 'production-eu-west:')} environments.production-eu-west: the gateway name "acme-payments-gateway-platform" and the environment name "production-eu-west" make resource names too long: the Lambda function acme-payments-gateway-platform-production-eu-west-audit-transformer has 67 characters, AWS allows 64; name and environment together may have at most 45 characters (now 48): shorten one of them`,
    ));
  });

  it('refuses a health check timeout that is not shorter than the interval', () => {
    const text = withHealthCheck('{ interval_seconds: 5, timeout_seconds: 120 }');
    expect(rejection(text)).toBe(message(`${at(text, 'health_check')} services[0].private.health_check.timeout_seconds: 120 s must be less than interval_seconds (5 s): the load balancer refuses a probe timeout that is not shorter than the time between probes`));
  });

  it('refuses a health check matcher outside 200-499', () => {
    const text = withHealthCheck('{ matcher: "999" }');
    expect(rejection(text)).toBe(message(`${at(text, 'health_check')} services[0].private.health_check.matcher: "999" is outside 200-499, the HTTP codes an Application Load Balancer accepts as a health check matcher`));
  });

  it('refuses a VPC CIDR that is not an IPv4 address', () => {
    const text = withEnvVpc('{ cidr: 999.999.0.0/16 }');
    expect(rejection(text)).toBe(message(`${at(text, 'cidr:')} environments.dev.vpc.cidr: "999.999.0.0/16" is not an IPv4 address: 999 is above 255 (each of the four numbers is 0-255)`));
  });

  it('refuses a VPC CIDR with host bits instead of moving the network', () => {
    const text = withEnvVpc('{ cidr: 10.40.5.7/16 }');
    expect(rejection(text)).toBe(message(`${at(text, 'cidr:')} environments.dev.vpc.cidr: "10.40.5.7/16" has host bits set: the /16 network that contains it is 10.40.0.0/16; write that (or the network you meant)`));
  });

  it('refuses an availability zone listed twice', () => {
    const text = withEnvVpc('{ availability_zones: [eu-west-1a, eu-west-1a] }');
    expect(rejection(text)).toBe(message(`${at(text, 'availability_zones')} environments.dev.vpc.availability_zones[1]: eu-west-1a is listed twice (first at availability_zones[0]); the internal ALB needs subnets in at least two different zones`));
  });

  it('refuses max_azs that contradicts availability_zones, and more NAT gateways than zones', () => {
    const text = withEnvVpc('{ max_azs: 2, availability_zones: [eu-west-1a, eu-west-1b, eu-west-1c], nat_gateways: 6 }');
    expect(rejection(text)).toBe(message(
      `${at(text, 'max_azs')} environments.dev.vpc.max_azs: 2 contradicts availability_zones, which names 3 zones; the VPC uses the listed zones: remove max_azs or make it 3`,
      `${at(text, 'max_azs')} environments.dev.vpc.nat_gateways: 6 NAT gateways, but the VPC has 3 availability zones and gets at most one NAT gateway per zone: set nat_gateways to 3 or less`,
    ));
  });

  it('refuses a WAF rate limit above what AWS WAF accepts', () => {
    const text = `${BASE}security:\n  waf:\n    ip_rate_limit: 3000000000\n`;
    expect(rejection(text)).toBe(message(`${at(text, 'ip_rate_limit')} security.waf.ip_rate_limit: must be <= 2000000000 (got 3000000000)`));
  });

  it('refuses a Cognito domain prefix that contains "aws"', () => {
    const text = edit(['domain_prefix: shop-dev', 'domain_prefix: aws-shop']);
    expect(rejection(text)).toBe(message(`${at(text, 'domain_prefix')} identity.cognito.domain_prefix: "aws-shop" contains "aws"; Cognito refuses domain prefixes that contain aws, amazon, cognito: choose another prefix, e.g. your company and environment`));
  });

  it('refuses a javascript: callback URL', () => {
    const text = edit(['callback_urls: [https://app.example.com/cb]', 'callback_urls: [https://app.example.com/cb, "javascript:alert(1)", "com.example.app://cb"]']);
    expect(rejection(text)).toBe(message(`${at(text, 'callback_urls')} identity.cognito.public_clients[0].callback_urls[1]: "javascript:alert(1)" cannot be a redirect target: use an https:// URL (http:// only for localhost) or a mobile app's own scheme like com.example.app://callback`));
  });

  it('refuses an http issuer whose keys the authorizer could not fetch', () => {
    const text = edit(['identity:\n', 'identity:\n  issuers:\n    - { name: corp, issuer: "http://idp.example.com", audiences: [api] }\n']);
    expect(rejection(text)).toBe(message(`${at(text, 'name: corp')} identity.issuers[0].issuer: "http://idp.example.com" is http, so its keys would be fetched from http://idp.example.com/.well-known/jwks.json; the authorizer fetches signing keys over https only: use the https issuer URL, or set jwks_uri to an https:// URL (http only for localhost in local development)`));
  });

  it('refuses a local_url the local gateway cannot forward to', () => {
    const text = edit(['      port: 8080\n', '      port: 8080\n    local_url: "mailto:a@b.c"\n']);
    expect(rejection(text)).toBe(message(`${at(text, 'local_url')} services[0].local_url: the local gateway forwards to an http:// or https:// URL, e.g. http://localhost:3000`));
  });

  it('bounds the traffic figures (no $NaN in the plan)', () => {
    const text = edit(['steady_rps: 100', 'steady_rps: 1e300'], ['peak_rps: 400', 'peak_rps: 1.7e308']);
    expect(rejection(text)).toBe(message(
      `${at(text, 'steady_rps')} traffic.steady_rps: must be <= 1000000 (got 1e+300)`,
      `${at(text, 'peak_rps')} traffic.peak_rps: must be <= 1000000 (got 1.7e+308)`,
    ));
  });

  it('names the response headers CloudFront cannot remove instead of dropping them', () => {
    const text = `${BASE.replace('transformations:\n', 'transformations:\n  response:\n    remove_headers: [X-Powered-By, Server, Via]\n')}`;
    expect(rejection(text)).toBe(message(`${at(text, 'remove_headers')} transformations.response.remove_headers[2]: CloudFront cannot remove Via (it cannot remove content-encoding, content-length, transfer-encoding, warning, via); drop the entry, or stop the upstream from sending it`));
  });
});

describe('silent changes of meaning', () => {
  it('refuses a route path with a trailing slash (it would take over the path without it)', () => {
    const text = edit(['paths: [/v1/catalog]', 'paths: [/v1/users/]'], ['    cache:\n      ttl: 60\n', '']);
    expect(rejection(text)).toBe(message(`${at(text, '/v1/users/')} routes[1].paths[0]: /v1/users/ ends with /; write /v1/users (a route path already serves everything below it, and API Gateway treats both as the same resource)`));
  });

  it('refuses an override entry whose name matches no entry, suggesting the nearest', () => {
    const text = edit(['          bot_control: "off"\n', '          bot_control: "off"\n      services:\n        - name: catalogue\n          url: https://catalog.dev.example.com\n']);
    expect(rejection(text)).toBe(message(`${at(text, 'name: catalogue')} environments.dev.overrides.services[0].name: no entry named "catalogue" in services to override; did you mean "catalog"? (an override changes existing entries; add new ones to services itself)`));
  });

  it('refuses an empty environment selection instead of selecting every environment', () => {
    const loaded = parseConfig(BASE, FILE);
    expect(() => selectEnvironments(loaded, [''], { config: '-c config=FILE', env: '-c env=NAME' })).toThrow(new ConfigError(FILE, [
      { path: 'environments', message: '-c env=NAME is empty (an unset variable?); name one or more of: dev' },
    ]));
    expect(() => selectEnvironments(loaded, ['dev', ' '])).toThrow('the environment selection has an empty name ("dev, ") (an unset variable?); name one or more of: dev');
  });

  it('refuses an empty config file name', () => {
    expect(() => loadConfigFile('', { config: '--config FILE', env: '--env NAME' })).toThrow('Invalid gateway config\n  the config file name is empty (an unset variable?); name the file with --config FILE or GATEHOUSE_CONFIG=FILE');
  });
});

describe('messages', () => {
  it('quotes an account id as written, leading zero included', () => {
    const text = edit(['account: "111111111111"', 'account: 011111111111']);
    expect(rejection(text)).toBe(message(`${at(text, 'account:')} environments.dev.account: expected a string, got the number 11111111111 (written 011111111111); quote it as written: "011111111111"`));
  });

  it('says why an environment name is not valid', () => {
    const text = edit(['  dev:\n', '  Dev:\n']);
    expect(rejection(text)).toBe(message(`${at(text, 'Dev:')} environments.Dev: "Dev" is not a valid name: an environment name must be lowercase letters, digits and dashes, start with a letter, at most 40 characters`));
  });

  it('calls a number too large for a number infinite, not "a number Infinity"', () => {
    const text = edit(['peak_rps: 400', 'peak_rps: 1e309']);
    expect(rejection(text)).toBe(message(`${at(text, 'peak_rps')} traffic.peak_rps: expected a finite number, got 1e309, which is too large for a number (it reads as infinity)`));
  });
});

describe('issuer names', () => {
  // Security review: consumer records are keyed by issuer name (decision 0013); an external issuer
  // called "cognito" (or "local", the local gateway's issuer) would read the user pool's records.
  it.each(['cognito', 'local'])('refuses an external issuer named %s', (name) => {
    const text = edit(['identity:\n', `identity:\n  issuers:\n    - name: ${name}\n      issuer: https://idp.example.com\n      audiences: [api]\n`]);
    expect(rejection(text)).toBe(message(
      `${at(text, `name: ${name}`)} identity.issuers[0].name: "${name}" is reserved ("cognito" and "local" name Gatehouse's own issuers, and consumer records are keyed by issuer name); choose another name`,
    ));
  });

  it('reserves the name the local gateway gives its own issuer', () => {
    expect(RESERVED_ISSUER_NAMES).toContain(LOCAL_ISSUER_NAME);
  });
});

describe('names AWS or HTTP would not accept', () => {
  it('refuses two conditions on the same header spelled in two cases', () => {
    const text = edit(['  - name: catalog\n    paths: [/v1/catalog]\n', '  - name: catalog\n    paths: [/v1/catalog]\n    headers:\n      x-canary: "true"\n      X-Canary: "false"\n']);
    expect(rejection(text)).toBe(message(`${at(text, 'X-Canary: "false"')} routes[1].headers.X-Canary: the same header as "x-canary" (header names are case-insensitive); keep one condition`));
  });

  it('refuses a host label longer than DNS allows (63 characters)', () => {
    const label = 'a'.repeat(64);
    const text = edit(['  - name: catalog\n    paths: [/v1/catalog]\n', `  - name: catalog\n    paths: [/v1/catalog]\n    hosts: ["*.${label}.example.com"]\n`]);
    expect(rejection(text)).toBe(message(`${at(text, 'hosts:')} routes[1].hosts[0]: a host name (labels of at most 63 characters), optionally starting with *.`));
  });

});

describe('cors', () => {
  const withCors = (cors: string) => edit(['tiers:\n', `cors:\n${cors}tiers:\n`]);

  it('refuses credentials with the "*" origin (browsers reject that combination)', () => {
    const text = withCors('  origins: ["*"]\n  credentials: true\n');
    expect(rejection(text)).toBe(message(`${at(text, 'credentials: true')} cors.credentials: browsers refuse credentials with the "*" origin: list the origins`));
  });

  it('refuses an origin with a path', () => {
    const text = withCors('  origins: [https://app.example.com/spa]\n');
    expect(rejection(text)).toBe(message(`${at(text, 'origins:')} cors.origins[0]: an origin like https://app.example.com (scheme, host and optional port, no path) or *`));
  });
});

describe('what a file must not be', () => {
  it('refuses a __proto__ key (it would slip past the strict schema)', () => {
    const text = edit(['tiers:\n', '__proto__: { polluted: 1 }\ntiers:\n']);
    expect(rejection(text)).toBe(message(`${at(text, '__proto__')}: "__proto__" is not a key of this file; remove it`));
  });

  it('refuses text that is not UTF-8, at its first line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-enc-'));
    const latin1 = join(dir, 'latin1.yaml');
    writeFileSync(latin1, Buffer.from(BASE.replace('name: shop', 'name: shop # Caf\u00e9'), 'latin1'));
    const line = BASE.split('\n').findIndex((l) => l.startsWith('name: shop')) + 1;
    expect(() => loadConfigFile(latin1)).toThrow(`Invalid gateway config\n  ${latin1}:${line}: the file is not valid UTF-8 text (saved as Latin-1 or Windows-1252?); save it as UTF-8`);
    const utf16 = join(dir, 'utf16.yaml');
    writeFileSync(utf16, Buffer.from(`\ufeff${BASE}`, 'utf16le'));
    expect(() => loadConfigFile(utf16)).toThrow(/utf16\.yaml:1: the file holds NUL bytes: it is not UTF-8 text \(saved as UTF-16\?\); save it as UTF-8/);
  });

  it('prints the first 10 YAML syntax errors and counts the rest', () => {
    const broken = Array.from({ length: 14 }, (_, i) => `k${i}: [unclosed\n`).join('');
    const lines = rejection(broken).split('\n');
    expect(lines.filter((l) => l.includes('YAML syntax:')).length).toBe(10);
    expect(lines[lines.length - 1]).toMatch(/\.\.\. and \d+ more YAML syntax errors; fix the first ones and run again$/);
  });
});
