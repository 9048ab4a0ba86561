import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../lib/config/errors';
import { loadConfigFile, parseConfig, selectEnvironments } from '../../lib/config/load';
import { at, BASE, edit, FILE, message, rejection } from './fixtures';

/**
 * Each case is one small mutation of the valid BASE config and pins the exact message a user
 * sees: `file:line key.path: what is wrong (and how to fix it)`. `at(text, needle)` is the
 * line of the key the message must point at.
 */
describe('a bad config is rejected with file, line, key path and a fix', () => {
  it('accepts the unmodified base config', () => {
    expect(() => parseConfig(BASE, FILE)).not.toThrow();
  });

  describe('shape (schema)', () => {
    it('names an unknown key and suggests the closest known one', () => {
      const text = edit(['  peak_rps: 400\n', '  peak_rps: 400\n  peak_rsp: 500\n']);
      expect(rejection(text)).toBe(message(`${at(text, 'peak_rsp')} traffic.peak_rsp: unknown key; did you mean "peak_rps"?`));
    });

    it('lists the allowed keys when nothing is close', () => {
      const text = edit(['  peak_rps: 400\n', '  peak_rps: 400\n  weekend: true\n']);
      expect(rejection(text)).toBe(message(`${at(text, 'weekend')} traffic.weekend: unknown key; allowed keys: steady_rps, peak_rps, burstiness, distinct_consumers`));
    });

    it('reports a wrong type with the value found', () => {
      const text = edit(['steady_rps: 100', 'steady_rps: lots']);
      expect(rejection(text)).toBe(message(`${at(text, 'steady_rps')} traffic.steady_rps: expected a number, got a string "lots"`));
    });

    it('lists the allowed values of an enum', () => {
      const text = edit(['type: ecommerce', 'type: retail']);
      expect(rejection(text)).toBe(message(
        `${at(text, 'type: retail')} organization.type: must be one of: "fintech-startup", "enterprise-saas", "ecommerce", "healthcare", "public-sector", "media", "other" (got "retail")`,
      ));
    });

    it('reports an unknown compliance regime at its list position', () => {
      const text = edit(['compliance: [gdpr]', 'compliance: [gdpr, iso27001]']);
      expect(rejection(text)).toBe(message(`${at(text, 'compliance')} compliance[1]: must be one of: "pci-dss", "hipaa", "soc2", "gdpr" (got "iso27001")`));
    });

    it('reports a missing required key at its parent', () => {
      const text = edit(['  p99_latency_ms: 200\n', '']);
      expect(rejection(text)).toBe(message(`${at(text, 'targets:')} targets.p99_latency_ms: missing required key (expected a number)`));
    });

    it('tells to quote an account id that YAML read as a number', () => {
      const text = edit(['account: "111111111111"', 'account: 111111111111']);
      expect(rejection(text)).toBe(message(`${at(text, 'account:')} environments.dev.account: expected a string, got the number 111111111111; quote it as written: "111111111111"`));
    });

    it('rejects a literal secret for the PagerDuty integration URL', () => {
      const text = edit(['integration_url: { ssm: /shop/pagerduty }', 'integration_url: https://events.pagerduty.com/integration/abc123/enqueue']);
      expect(rejection(text)).toBe(message(
        `${at(text, 'integration_url')} alerting.pagerduty.integration_url: a literal secret is not allowed in the config; reference it as { ssm: /parameter/name } or { secrets_manager: secret-name }`,
      ));
    });

    it('rejects a service with both url and private', () => {
      const text = edit(['    url: https://catalog.example.com\n', '    url: https://catalog.example.com\n    private: { port: 8080 }\n']);
      expect(rejection(text)).toBe(message(`${FILE}:${lineNo(text, '  - name: catalog\n    url:', 1)} services[1]: set exactly one of url (public HTTPS upstream) and private (internal ALB target group)`));
    });

    it('rejects a domains.tenants that is not a wildcard', () => {
      const text = edit(['    domains:\n', '    domains:\n      tenants: api.example.com\n']);
      expect(rejection(text)).toBe(message(`${at(text, 'tenants:')} environments.dev.domains.tenants: a wildcard host name like *.api.example.com`));
    });
  });

  describe('references and combinations', () => {
    it('names the known services when a route points at an unknown one', () => {
      const text = edit(['    service: catalog\n', '    service: catalogue\n']);
      expect(rejection(text)).toBe(message(`${at(text, 'service: catalogue')} routes[1].service: unknown service "catalogue"; known services: users, catalog`));
    });

    it('names the known tiers when a client uses an unknown one', () => {
      const text = edit(['tier: pro', 'tier: gold']);
      expect(rejection(text)).toBe(message(`${at(text, 'tier: gold')} identity.cognito.machine_clients[0].tier: unknown tier "gold"; known tiers: free, pro`));
    });

    it('names the known issuers when a route uses an unknown one', () => {
      const text = edit(['issuers: [cognito]', 'issuers: [okta]']);
      expect(rejection(text)).toBe(message(`${at(text, 'issuers: [okta]')} routes[0].auth.issuers[0]: unknown issuer "okta"; known issuers: cognito`));
    });

    it('requires issuers for the jwt strategy', () => {
      const text = edit(['      issuers: [cognito]\n', '']);
      expect(rejection(text)).toBe(message(`${FILE}:${lineNo(text, '    auth:\n      strategies: [jwt]\n', 1)} routes[0].auth.issuers: the jwt strategy needs at least one issuer; known issuers: cognito`));
    });

    it('requires route scopes to be defined by a Cognito resource server', () => {
      const text = edit(['\n      scopes: [users/read]\n', '\n      scopes: [users/delete]\n']);
      expect(rejection(text)).toBe(message(`${at(text, 'users/delete')} routes[0].auth.scopes[0]: scope "users/delete" is not defined by any identity.cognito.resource_servers entry`));
    });

    it('rejects duplicate route names', () => {
      const text = edit(['  - name: catalog\n    paths', '  - name: users\n    paths']);
      expect(rejection(text)).toBe(message(`${FILE}:${lineNo(text, '  - name: users\n    paths: [/v1/catalog]', 1)} routes[1].name: duplicate route name "users" (first defined at routes[0])`));
    });

    it('requires peak_rps >= steady_rps', () => {
      const text = edit(['peak_rps: 400', 'peak_rps: 40']);
      expect(rejection(text)).toBe(message(`${at(text, 'peak_rps')} traffic.peak_rps: must be at least steady_rps (100)`));
    });

    it('requires a tier hour limit >= its minute limit', () => {
      const text = edit(['    hour: 10000\n', '    hour: 100\n']);
      expect(rejection(text)).toBe(message(`${FILE}:${lineNo(text, '    hour: 100\n', 1)} tiers[1].hour: 100 per hour is less than 600 per minute`));
    });

    it('rejects geo allow and deny together', () => {
      const text = `${BASE}security:\n  geo:\n    allow: [DE]\n    deny: [RU]\n`;
      expect(rejection(text)).toBe(message(`${at(text, 'geo:')} security.geo: set either allow or deny, not both`));
    });

    it('requires a Cognito domain_prefix for public and machine clients', () => {
      const text = edit(['    domain_prefix: shop-dev\n', '']);
      expect(rejection(text)).toBe(message(
        `${at(text, 'cognito:')} identity.cognito.domain_prefix: required: public_clients (authorization code flow) and machine_clients (client credentials token endpoint) use the Cognito domain <domain_prefix>.auth.<region>.amazoncognito.com`,
      ));
    });

    it('rejects an http callback URL that is not localhost', () => {
      const text = edit(['callback_urls: [https://app.example.com/cb]', 'callback_urls: [http://app.example.com/cb]']);
      expect(rejection(text)).toBe(message(`${at(text, 'callback_urls')} identity.cognito.public_clients[0].callback_urls[0]: "http://app.example.com/cb": redirect URLs must use https (http only for localhost)`));
    });

    it('rejects a header route to a public service', () => {
      const text = edit(['    service: catalog\n', '    service: catalog\n    headers:\n      x-canary: "true"\n']);
      expect(rejection(text)).toBe(message(
        `${at(text, 'service: catalog')} routes[1].service: service "catalog" has a public url, but routes with headers or hosts are matched by the internal ALB's listener rules: make the service private`,
      ));
    });

    it('refuses an approximate authorizer cache on a route accepting jwt and api_key', () => {
      const text = edit(['strategies: [jwt]', 'strategies: [jwt, api_key]\n      limits: approximate']);
      expect(rejection(text)).toBe(message(
        `${FILE}:${lineNo(text, '    auth:\n      strategies: [jwt, api_key]', 1)} routes[0].auth.cache_ttl: a route that accepts both jwt and api_key cannot cache the authorizer (API Gateway keys the cache on identity sources and answers 401 when any one of them is missing): set cache_ttl: 0 or use limits: exact`,
      ));
    });

    it('refuses an authorizer cache_ttl on a route with exact limits (the default)', () => {
      const text = edit(['strategies: [jwt]', 'strategies: [jwt]\n      cache_ttl: 60']);
      expect(rejection(text)).toBe(message(
        `${at(text, 'cache_ttl: 60')} routes[0].auth.cache_ttl: cache_ttl 60 with limits: exact (the default): a cached authorizer decision lets requests pass the rate limiter uncounted; set limits: approximate to cache for 60 s, or remove cache_ttl`,
      ));
    });

    it('refuses a stage cache on a method another route shares', () => {
      const text = edit(['  - name: catalog\n    paths: [/v1/catalog]\n', '  - name: users-canary\n    paths: [/v1/users]\n    methods: [GET]\n    headers:\n      x-canary: "true"\n    service: users\n    auth:\n      strategies: [jwt]\n      issuers: [cognito]\n      scopes: [users/read]\n    cache:\n      ttl: 30\n  - name: catalog\n    paths: [/v1/catalog]\n']);
      expect(rejection(text)).toBe(message(
        `${FILE}:${lineNo(text, '    cache:\n      ttl: 30', 1)} routes[1].cache: shares GET /v1/users with users; the method's one stage cache would serve one route's responses for the other's: give the cached route a path of its own or remove cache.ttl`,
      ));
    });

    it('rejects two routes matching the same method, path, hosts and headers', () => {
      const text = edit(['paths: [/v1/catalog]', 'paths: [/v1/users]']);
      expect(rejection(text)).toBe(message(`${FILE}:${lineNo(text, '    paths: [/v1/users]\n    service: catalog', 1)} routes[1].paths: GET /v1/users is already matched by routes[0] (users) with the same hosts and headers`));
    });

    it('requires identity.mtls for the mtls strategy', () => {
      const text = edit(['strategies: [api_key]', 'strategies: [mtls]']);
      expect(rejection(text)).toBe(message(`${at(text, 'strategies: [mtls]')} routes[1].auth.strategies: the mtls strategy needs identity.mtls (truststore)`));
    });
  });

  describe('environments', () => {
    it('requires a us-east-1 certificate for domains.edge', () => {
      const text = edit(['    domains:\n', '    domains:\n      edge: api.example.com\n']);
      expect(rejection(text)).toBe(message(`${at(text, 'certificates:')} environments.dev.certificates.cloudfront: required for domains.edge (api.example.com); CloudFront certificates live in us-east-1`));
    });

    it('requires the regional certificate in the environment region', () => {
      const text = edit(['    domains:\n', '    domains:\n      api: origin.example.com\n'], ['    certificates:\n', '    certificates:\n      regional: arn:aws:acm:eu-central-1:111111111111:certificate/bbbb-0002\n']);
      expect(rejection(text)).toBe(message(`${at(text, 'regional:')} environments.dev.certificates.regional: must be in the environment's region eu-west-1`));
    });

    it('requires an ALB certificate when a service is private', () => {
      const text = edit(['    certificates:\n      alb: arn:aws:acm:eu-west-1:111111111111:certificate/aaaa-0001\n', '']);
      expect(rejection(text)).toBe(message(`${at(text, '  dev:')} environments.dev.certificates.alb: required when any service is private: the internal ALB listens on HTTPS only`));
    });

    it('rejects an availability zone of another region', () => {
      const text = edit(['    domains:\n      internal:', '    vpc:\n      availability_zones: [eu-west-1a, eu-central-1b]\n    domains:\n      internal:']);
      expect(rejection(text)).toBe(message(`${at(text, 'availability_zones')} environments.dev.vpc.availability_zones[1]: eu-central-1b is not in the environment's region eu-west-1`));
    });

    it('requires domains.internal when a service is private', () => {
      const text = edit(['    domains:\n      internal: services.internal.example.com\n', '']);
      expect(rejection(text)).toBe(message(`${at(text, '  dev:')} environments.dev.domains.internal: required when any service is private: the host name on certificates.alb that API Gateway uses to reach the internal ALB over TLS (the ALB's own DNS name would not match the certificate)`));
    });

    it('rejects a certificate from another account', () => {
      const text = edit(['alb: arn:aws:acm:eu-west-1:111111111111:', 'alb: arn:aws:acm:eu-west-1:999999999999:']);
      expect(rejection(text)).toBe(message(`${at(text, 'alb:')} environments.dev.certificates.alb: belongs to account 999999999999, but the environment deploys to account 111111111111; ACM certificates cannot be shared across accounts`));
    });

    it('points a bad override value into environments.<env>.overrides', () => {
      const text = edit(['bot_control: "off"', 'bot_control: "maybe"']);
      expect(rejection(text)).toBe(message(`${at(text, 'bot_control')} environments.dev.overrides.security.waf.bot_control: must be one of: "common", "targeted", "off" (got "maybe")`));
    });

    it('suggests the right key for a misspelt override', () => {
      const text = edit(['bot_control: "off"', 'bot_contrl: "off"']);
      expect(rejection(text)).toBe(message(`${at(text, 'bot_contrl')} environments.dev.overrides.security.waf.bot_contrl: unknown key; did you mean "bot_control"?`));
    });

    it('maps a named-list override back to its own index', () => {
      const text = edit(['          bot_control: "off"\n', '          bot_control: "off"\n      tiers:\n        - name: pro\n          hour: 10\n']);
      expect(rejection(text)).toBe(message(`${FILE}:${lineNo(text, '          hour: 10\n', 1)} environments.dev.overrides.tiers[0].hour: 10 per hour is less than 600 per minute`));
    });

    it('points a reference broken by an override at the override', () => {
      const text = edit(['          bot_control: "off"\n', '          bot_control: "off"\n      routes:\n        - name: catalog\n          service: nope\n']);
      expect(rejection(text)).toBe(message(`${at(text, 'service: nope')} environments.dev.overrides.routes[0].service: unknown service "nope"; known services: users, catalog`));
    });

    it('refuses to override the gateway name per environment', () => {
      const text = edit(['    overrides:\n', '    overrides:\n      name: shop-dev\n']);
      expect(rejection(text)).toBe(message(`${at(text, 'name: shop-dev')} environments.dev.overrides.name: cannot be overridden per environment; set it at the top level`));
    });

    it('names the defined environments when asked for an unknown one', () => {
      const loaded = parseConfig(BASE, FILE);
      expect(() => selectEnvironments(loaded, ['dev', 'qa'])).toThrow(new ConfigError(FILE, [
        { path: 'environments', message: 'no environment "qa"; defined environments: dev' },
      ]));
      expect(selectEnvironments(loaded).map((e) => e.name)).toEqual(['dev']);
    });
  });

  describe('rules AWS would only enforce at deploy time', () => {
    it('rejects an unknown header template', () => {
      const text = edit(['X-Request-ID: $(uuid)', 'X-Request-ID: $(request_uuid)']);
      expect(rejection(text)).toBe(message(
        `${at(text, 'X-Request-ID')} transformations.request.add_headers.X-Request-ID: unknown template $(request_uuid); known templates: $(uuid), $(client_ip), $(request_time), $(principal), $(consumer), $(tenant), $(tier), $(scopes), $(canary)`,
      ));
    });

    it('requires plugin header entries to be Name:value', () => {
      const text = edit(['      ttl: 60\n', '      ttl: 60\n    plugins:\n      - name: request-transformer\n        config:\n          add:\n            headers: ["X-Trace $(uuid)"]\n']);
      expect(rejection(text)).toBe(message(`${at(text, 'X-Trace')} routes[1].plugins[0].config.add.headers[0]: "X-Trace $(uuid)" is not a Kong header entry; expected Name:value, e.g. X-Source:gatehouse`));
    });

    it('rejects a request header that mixes a template with text (API Gateway mappings cannot concatenate)', () => {
      const text = edit(['X-Request-ID: $(uuid)', 'X-Request-ID: req-$(uuid)']);
      expect(rejection(text)).toBe(message(
        `${at(text, 'X-Request-ID')} transformations.request.add_headers.X-Request-ID: "req-$(uuid)" mixes a template with text; a header value is either one template like $(uuid) or a literal`,
      ));
    });

    it('rejects an unknown template in a response header', () => {
      const text = edit(['X-Request-ID: $(uuid)\n', 'X-Request-ID: $(uuid)\n  response:\n    add_headers:\n      X-Served-By: $(host)\n']);
      expect(rejection(text)).toBe(message(
        `${at(text, 'X-Served-By')} transformations.response.add_headers.X-Served-By: unknown template $(host); known templates: $(uuid), $(client_ip), $(request_time), $(principal), $(consumer), $(tenant), $(tier), $(scopes), $(canary)`,
      ));
    });

    const withSchema = (schema: string) => edit(['      scopes: [users/read]\n  - name: catalog', `      scopes: [users/read]\n    request_schema:\n${schema}  - name: catalog`]);

    it('rejects a request_schema that is not JSON Schema draft 4, at the bad keyword', () => {
      const text = withSchema('      type: object\n      properties:\n        email:\n          type: text\n');
      expect(rejection(text)).toBe(message(
        `${at(text, 'type: text')} routes[0].request_schema.properties.email.type: not valid JSON Schema (draft 4): must be one of: array, boolean, integer, null, number, object, string`,
      ));
    });

    it('catches a misspelt request_schema keyword that would silently validate nothing', () => {
      const text = withSchema('      type: object\n      requried: [email]\n');
      expect(rejection(text)).toBe(message(`${at(text, 'requried')} routes[0].request_schema.requried: not valid JSON Schema (draft 4): unknown keyword "requried" (a typo? draft 4 keywords only)`));
    });

    it('rejects an unknown string format in a request_schema', () => {
      const text = withSchema('      type: object\n      properties:\n        email: { type: string, format: e-mail }\n');
      expect(rejection(text)).toBe(message(`${at(text, 'email: {')} routes[0].request_schema.properties.email: not valid JSON Schema (draft 4): unknown format "e-mail"`));
    });

    it('rejects a request_schema on a route without a body method', () => {
      const text = edit(['    methods: [GET, POST]\n', '    methods: [GET]\n'], ['      scopes: [users/read]\n  - name: catalog', '      scopes: [users/read]\n    request_schema: { type: object }\n  - name: catalog']);
      expect(rejection(text)).toBe(message(`${at(text, 'request_schema')} routes[0].request_schema: validates request bodies, but the route has no POST, PUT, PATCH method (methods: GET)`));
    });

    it('rejects cache keys on a route that caches nothing', () => {
      const text = edit(['      ttl: 60\n', '      ttl: 0\n      key_query: [page]\n']);
      expect(rejection(text)).toBe(message(`${at(text, 'cache:')} routes[1].cache: key_headers and key_query need ttl or cdn_ttl above 0 (nothing is cached)`));
    });

    it('rejects a cache on a route without GET or HEAD', () => {
      const text = edit(['    paths: [/v1/catalog]\n', '    paths: [/v1/catalog]\n    methods: [POST]\n']);
      expect(rejection(text)).toBe(message(`${at(text, 'cache:')} routes[1].cache: only GET and HEAD responses are cached, but the route's methods are POST`));
    });

    it('rejects more usage plans than an account and region allows', () => {
      const tiers = Array.from({ length: 76 }, (_, i) => `  - { name: t${i}, minute: 60, hour: 1000 }\n`).join('');
      const text = edit(
        ['tiers:\n  - name: free\n    minute: 60\n    hour: 1000\n  - name: pro\n    minute: 600\n    hour: 10000\n', `tiers:\n${tiers}`],
        ['        tier: pro\n', ''],
        ['environments:\n', 'environments:\n  test:\n    account: "111111111111"\n    region: eu-west-1\n    domains:\n      internal: services.internal.example.com\n    certificates:\n      alb: arn:aws:acm:eu-west-1:111111111111:certificate/aaaa-0001\n'],
      );
      expect(rejection(text)).toBe(message(`${at(text, 'tiers:')} tiers: 76 tiers x 2 plans x 2 environments (test, dev) in 111111111111/eu-west-1 need 304 usage plans; API Gateway allows 300 per account and region`));
    });

    it('requires a path parameter to be a whole path part', () => {
      const text = edit(['paths: [/v1/catalog]', 'paths: ["/v1/catalog/item-{id}"]']);
      expect(rejection(text)).toBe(message(`${at(text, 'item-{id}')} routes[1].paths[0]: /v1/catalog/item-{id}: "item-{id}" must be a whole path part like {id} (letters, digits, _)`));
    });

    it('rejects a greedy path parameter (sub-paths are always served)', () => {
      const text = edit(['paths: [/v1/catalog]', 'paths: ["/v1/catalog/{rest+}"]']);
      expect(rejection(text)).toBe(message(`${at(text, '{rest+}')} routes[1].paths[0]: /v1/catalog/{rest+}: greedy {rest+} is not needed, every route path already matches its sub-paths (a {proxy+} child is added)`));
    });

    it('rejects an empty path segment', () => {
      const text = edit(['paths: [/v1/catalog]', 'paths: [/v1//catalog]']);
      expect(rejection(text)).toBe(message(`${at(text, '/v1//catalog')} routes[1].paths[0]: /v1//catalog has an empty segment (//)`));
    });

    it('rejects two variable path parts on one level (API Gateway allows one)', () => {
      const text = edit(['paths: [/v1/catalog]', 'paths: ["/v1/users/{user_id}"]']);
      expect(rejection(text)).toBe(message(
        `${at(text, '{user_id}')} routes[1].paths[0]: /v1/users/{user_id} needs {user_id} under /v1/users, where /v1/users (routes[0]) already puts {proxy+}; API Gateway allows one variable path part per level. A route path also serves everything below it, so drop the longer path or use the same parameter name`,
      ));
    });
  });

  describe('findings the compliance gate would make (lib/config/compliance-findings.ts)', () => {
    const MFA = 'multi-factor authentication for user pool users (the compliance gate would stop synth: AwsSolutions-COG2, the user pool does not require MFA); set mfa: required';
    const THREAT = 'Cognito threat protection against compromised credentials and account takeover (the compliance gate would stop synth: AwsSolutions-COG8, the user pool is not on the Plus feature plan); set threat_protection: enforced (or audit, which only logs risky sign-ins)';

    it('refuses the default optional MFA under soc2, at the cognito block where mfa belongs', () => {
      const text = edit(['compliance: [gdpr]', 'compliance: [soc2]']);
      expect(rejection(text)).toBe(message(`${at(text, '  cognito:')} identity.cognito.mfa: "optional", but compliance soc2 requires ${MFA}`));
    });

    it('refuses mfa: off under pci-dss and soc2, naming both regimes', () => {
      const text = edit(['compliance: [gdpr]', 'compliance: [pci-dss, soc2, gdpr]'], ['    domain_prefix: shop-dev\n', '    domain_prefix: shop-dev\n    mfa: "off"\n']);
      expect(rejection(text)).toBe(message(`${at(text, 'mfa:')} identity.cognito.mfa: "off", but compliance pci-dss and soc2 require ${MFA}`));
    });

    it('refuses threat protection off under hipaa', () => {
      const text = edit(['compliance: [gdpr]', 'compliance: [hipaa]'], ['    domain_prefix: shop-dev\n', '    domain_prefix: shop-dev\n    mfa: required\n    threat_protection: "off"\n']);
      expect(rejection(text)).toBe(message(`${at(text, 'threat_protection:')} identity.cognito.threat_protection: "off", but compliance hipaa requires ${THREAT}`));
    });

    it('points at the environment override that weakens MFA', () => {
      const text = edit(['compliance: [gdpr]', 'compliance: [soc2]'], ['    domain_prefix: shop-dev\n', '    domain_prefix: shop-dev\n    mfa: required\n'],
        ['          bot_control: "off"\n', '          bot_control: "off"\n      identity:\n        cognito:\n          mfa: optional\n']);
      expect(rejection(text)).toBe(message(`${at(text, 'mfa: optional')} environments.dev.overrides.identity.cognito.mfa: "optional", but compliance soc2 requires ${MFA}`));
    });

    it('accepts optional MFA and no threat protection where no regime demands them (gdpr)', () => {
      const text = edit(['    domain_prefix: shop-dev\n', '    domain_prefix: shop-dev\n    mfa: "off"\n    threat_protection: "off"\n']);
      expect(() => parseConfig(text, FILE)).not.toThrow();
    });
  });

  describe('the file itself', () => {
    it('reports a YAML syntax error with its line', () => {
      const text = edit(['  steady_rps: 100\n', '  steady_rps: [100\n']);
      expect(rejection(text)).toBe(message(`${FILE}:7: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]`));
    });

    it('reports a duplicate key as a YAML error with its line', () => {
      const text = edit(['  peak_rps: 400\n', '  peak_rps: 400\n  peak_rps: 500\n']);
      expect(rejection(text)).toBe(message(`${FILE}:${lineNo(text, '  peak_rps: 500\n', 1)}: YAML syntax: Map keys must be unique`));
    });

    it('rejects an empty file', () => {
      expect(rejection('# nothing yet\n')).toBe(message(`${FILE}: the file is empty; it must hold the gateway config as a YAML mapping (name:, organization:, traffic:, ...)`));
    });

    it('rejects a document that is not a mapping', () => {
      expect(rejection('# routes only\n- name: users\n- name: catalog\n')).toBe(message(`${FILE}:2: the document is a list; the gateway config must be a YAML mapping (key: value pairs)`));
    });

    it('rejects a file that does not exist', () => {
      const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-')), 'missing.yaml');
      expect(() => loadConfigFile(file, { config: '-c config=FILE', env: '-c env=NAME' })).toThrow(`Invalid gateway config\n  ${file}: file not found; check the path, or pass the config file with -c config=FILE or GATEHOUSE_CONFIG=FILE`);
    });

    it('names the real file in messages of a file on disk', () => {
      const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-')), 'gateway.config.yaml');
      writeFileSync(file, edit(['steady_rps: 100', 'steady_rps: lots']));
      expect(() => loadConfigFile(file)).toThrow(`Invalid gateway config\n  ${file}:6 traffic.steady_rps: expected a number, got a string "lots"`);
    });
  });
});

/** 1-based line of the `offset`-th line (1 = first) of `needle`'s first occurrence in `text`. */
function lineNo(text: string, needle: string, offset: number): number {
  const index = text.indexOf(needle);
  if (index < 0 || text.indexOf(needle, index + 1) >= 0) throw new Error(`fixture: ${JSON.stringify(needle)} must occur once`);
  return text.slice(0, index).split('\n').length + offset - 1;
}

/** Issue 10: every bad rate-limit setting names its file, line and key. */
describe('bad rate-limit settings', () => {
  const cases: Array<[title: string, find: string, replace: string, needle: string, expected: RegExp]> = [
    ['a limits mode it does not know', '      strategies: [api_key]\n', '      strategies: [api_key]\n      limits: loose\n', 'limits: loose', /routes\[1\]\.auth\.limits: must be one of: "exact", "approximate" \(got "loose"\)$/],
    ['an authorizer cache TTL over API Gateway\'s 3600 s', '      strategies: [api_key]\n', '      strategies: [api_key]\n      limits: approximate\n      cache_ttl: 7200\n', 'cache_ttl: 7200', /routes\[1\]\.auth\.cache_ttl: .*3600/],
    ['a negative cache TTL', '      strategies: [api_key]\n', '      strategies: [api_key]\n      limits: approximate\n      cache_ttl: -1\n', 'cache_ttl: -1', /routes\[1\]\.auth\.cache_ttl: .*0/],
    ['a minute limit of zero', '    minute: 60\n', '    minute: 0\n', 'minute: 0', /tiers\[0\]\.minute: /],
    ['a fractional hour limit', '    hour: 1000\n', '    hour: 99.5\n', 'hour: 99.5', /tiers\[0\]\.hour: .*integer/],
    ['a quota of zero', '    hour: 1000\n', '    hour: 1000\n    quota: { limit: 0, period: DAY }\n', 'quota:', /tiers\[0\]\.quota\.limit: /],
    ['a quota period API Gateway has not', '    hour: 1000\n', '    hour: 1000\n    quota: { limit: 10, period: HOUR }\n', 'quota:', /tiers\[0\]\.quota\.period: must be one of: "DAY", "WEEK", "MONTH" \(got "HOUR"\)$/],
    ['the removed burst (a plan stricter than the tier)', '    hour: 1000\n', '    hour: 1000\n    burst: 5\n', 'burst: 5', /tiers\[0\]\.burst: unknown key/],
    ['a redis_timeout_ms of zero', 'alerting:\n', 'rate_limiting:\n  redis_timeout_ms: 0\nalerting:\n', 'redis_timeout_ms: 0', /rate_limiting\.redis_timeout_ms: /],
    ['a fault_tolerant that is not a boolean', 'alerting:\n', 'rate_limiting:\n  fault_tolerant: sometimes\nalerting:\n', 'fault_tolerant: sometimes', /rate_limiting\.fault_tolerant: expected a boolean/],
    ['an error_code that is not an error', 'alerting:\n', 'rate_limiting:\n  error_code: 200\nalerting:\n', 'error_code: 200', /rate_limiting\.error_code: /],
    ['a rate_limit_by it does not know', '        callback_urls: [https://app.example.com/cb]\n', '        callback_urls: [https://app.example.com/cb]\n        rate_limit_by: tenant\n', 'rate_limit_by: tenant', /identity\.cognito\.public_clients\[0\]\.rate_limit_by: must be one of: "user", "client" \(got "tenant"\)$/],
  ];
  it.each(cases)('rejects %s', (_title, find, replace, needle, expected) => {
    const text = edit([find, replace]);
    const got = rejection(text);
    expect(got.startsWith(`Invalid gateway config\n  ${at(text, needle)} `)).toBe(true);
    expect(got).toMatch(expected);
  });
});
