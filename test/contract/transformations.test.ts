import { parseConfig } from '../../lib/checks/load';
import {
  compileHeader, compileRequestTransformation, mappingExpression, resolveUpstreamHeaders, SCRUBBED_VALUE,
  toIntegrationRequestParameters, TransformationError,
} from '../../lib/contract/transformations';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/synth';

const config = parseConfig(readFileSync(join(ROOT, 'gateway.config.yaml'), 'utf8'), 'gateway.config.yaml').base;

describe('compileRequestTransformation', () => {
  it('maps the configured templates and the authorizer decision to API Gateway expressions', () => {
    const params = toIntegrationRequestParameters(compileRequestTransformation(config));

    expect(params).toMatchObject({
      'integration.request.header.X-Request-ID': 'context.requestId',
      'integration.request.header.X-Forwarded-For': 'method.request.header.X-Gatehouse-Client-IP',
      'integration.request.header.X-Gatehouse-Route': 'context.authorizer.route',
      'integration.request.header.X-Gatehouse-Consumer': 'context.authorizer.consumer',
      'integration.request.header.X-Gatehouse-Tenant': 'context.authorizer.tenant',
      'integration.request.header.X-Gatehouse-Tier': 'context.authorizer.tier',
      'integration.request.header.X-Gatehouse-Principal': 'context.authorizer.principal',
      'integration.request.header.X-Gatehouse-Scopes': 'context.authorizer.scopes',
      'integration.request.header.X-Gatehouse-Canary': 'context.authorizer.canary',
    });
  });

  it('never forwards the CloudFront origin-verify secret upstream', () => {
    const params = toIntegrationRequestParameters(compileRequestTransformation(config));
    expect(params['integration.request.header.X-Origin-Verify']).toBe(`'${SCRUBBED_VALUE}'`);
  });

  it('merges a route request-transformer over the global headers, case-insensitively', () => {
    const route = {
      ...config.routes[0],
      plugins: [{ name: 'request-transformer' as const, config: {
        add: { headers: ['x-request-id:$(consumer)', 'X-Source: gatehouse'] },
        remove: { headers: ['Cookie'] },
      } }],
    };
    const withRoute = { ...config, routes: [route, ...config.routes.slice(1)] };

    const t = compileRequestTransformation(withRoute, route);
    const params = toIntegrationRequestParameters(t);

    expect(params['integration.request.header.x-request-id']).toBe('context.authorizer.consumer');
    expect(params['integration.request.header.X-Request-ID']).toBeUndefined();
    expect(params['integration.request.header.X-Source']).toBe("'gatehouse'");
    // Removed headers are overwritten, on AWS as locally: a REST proxy integration cannot drop one.
    expect(params['integration.request.header.Cookie']).toBe(`'${SCRUBBED_VALUE}'`);
  });

  it('keeps the consumed credential from the upstream by default (hide_credentials), and forwards it when told', () => {
    const jwtRoute = config.routes.find((r) => r.auth.strategies.includes('jwt'))!;
    const keyRoute = config.routes.find((r) => r.auth.strategies.includes('api_key'))!;
    const scrubbed = (route: typeof jwtRoute) => Object.entries(toIntegrationRequestParameters(compileRequestTransformation(config, route)))
      .filter(([, v]) => v === `'${SCRUBBED_VALUE}'`).map(([k]) => k.replace('integration.request.header.', '')).sort();
    expect(scrubbed(jwtRoute)).toEqual(['Authorization', 'X-Origin-Verify']);
    expect(scrubbed(keyRoute)).toEqual(['X-Origin-Verify', 'x-api-key']);
    expect(scrubbed({ ...keyRoute, auth: { ...keyRoute.auth, hide_credentials: false } })).toEqual(['X-Origin-Verify']);
  });

  it('resolves the same description per request for the local gateway', () => {
    const headers = resolveUpstreamHeaders(compileRequestTransformation(config), {
      requestId: 'req-1', clientIp: '203.0.113.9', requestTimeEpoch: 1700000000000,
      authorizer: { consumer: 'acme', route: 'api-v1-users', tier: 'pro' },
    });

    expect(headers).toMatchObject({
      'X-Request-ID': 'req-1', 'X-Forwarded-For': '203.0.113.9', 'X-Gatehouse-Route': 'api-v1-users',
      'X-Gatehouse-Consumer': 'acme', 'X-Gatehouse-Tier': 'pro', 'X-Gatehouse-Tenant': '', 'X-Origin-Verify': SCRUBBED_VALUE,
    });
  });
});

describe('compileHeader', () => {
  it('quotes literal values as static mappings', () => {
    expect(mappingExpression(compileHeader('X-Env', 'prod', ['p']).source)).toBe("'prod'");
  });

  it('maps $(request_time) to the request epoch', () => {
    expect(mappingExpression(compileHeader('X-Time', '$(request_time)', ['p']).source)).toBe('context.requestTimeEpoch');
  });

  it('rejects an unknown template with its config path and the known templates', () => {
    expect(() => compileHeader('X-Who', '$(user)', ['transformations', 'request', 'add_headers', 'X-Who'])).toThrow(
      'transformations.request.add_headers.X-Who: unknown template $(user); known templates: $(uuid), $(client_ip), $(request_time), $(principal), $(consumer), $(tenant), $(tier), $(scopes), $(canary)',
    );
  });

  it('rejects a template mixed with text, which a mapping cannot express', () => {
    expect(() => compileHeader('X-Who', 'id-$(consumer)', ['p'])).toThrow(TransformationError);
  });

  it('refuses to let config override a gateway-owned header', () => {
    expect(() => compileHeader('x-gatehouse-route', 'canary', ['p'])).toThrow('p: x-gatehouse-route is set by the gateway');
  });

  it('rejects a Kong entry without a colon', () => {
    const route = { ...config.routes[0], plugins: [{ name: 'request-transformer' as const, config: { add: { headers: ['X-Broken'] }, remove: { headers: [] } } }] };
    expect(() => compileRequestTransformation({ ...config, routes: [route] }, route))
      .toThrow('routes[0].plugins[0].config.add.headers[0]: "X-Broken" is not a Kong header entry');
  });
});
