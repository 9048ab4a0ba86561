import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { CONFIG_REFERENCE_FILE, renderConfigReference } from '../../lib/config/config-reference';
import { JSON_SCHEMA_FILE, renderJsonSchema } from '../../lib/config/json-schema';
import { loadConfigFile } from '../../lib/checks/load';

const ROOT = resolve(__dirname, '../..');
const CONFIGS = ['gateway.config.yaml', 'examples/fintech-startup.yaml', 'examples/enterprise-saas.yaml', 'examples/ecommerce.yaml'];
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

describe.each(CONFIGS)('%s', (file) => {
  it('loads with every environment valid', () => {
    const loaded = loadConfigFile(join(ROOT, file));
    expect(Object.keys(loaded.environments).length).toBeGreaterThan(0);
  });

  it('validates against the committed JSON Schema with a strict validator (ajv strict, draft 2020-12, formats checked)', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(read(JSON_SCHEMA_FILE)));
    const ok = validate(parse(read(file)));
    expect(ajv.errorsText(validate.errors)).toBe('No errors');
    expect(ok).toBe(true);
  });

  it('points editors at the JSON Schema', () => {
    expect(read(file).split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=(\.\.\/|\.\/)schema\/gateway\.config\.schema\.json$/);
  });
});

describe('the JSON Schema', () => {
  const schema = JSON.parse(read(JSON_SCHEMA_FILE)) as Record<string, unknown>;
  it('has an $id and a title on every object, so editors name the object an error is in', () => {
    expect(schema.$id).toBe('urn:gatehouse:gateway-config');
    const untitled: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (n.type === 'object' && typeof n.title !== 'string') untitled.push(at);
      for (const [k, v] of Object.entries(n)) walk(v, `${at}/${k}`);
    };
    walk(schema, '#');
    expect(untitled).toEqual([]);
    const routes = (schema.properties as Record<string, { items: { title: string; properties: Record<string, { title?: string }> } }>).routes;
    expect([routes.items.title, routes.items.properties.auth.title]).toEqual(['routes[]', 'routes[].auth']);
  });

  it('a strict validator refuses a bad config, naming the key', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const bad = parse(read('gateway.config.yaml')) as { routes: Array<{ auth: Record<string, unknown> }> };
    bad.routes[0].auth.limits = 'roughly';
    expect(validate(bad)).toBe(false);
    expect(ajv.errorsText(validate.errors)).toContain('/routes/0/auth/limits must be equal to one of the allowed values');
  });
});

describe('the examples', () => {
  it('cover the three design profiles with distinct accounts per environment', () => {
    const fintech = loadConfigFile(join(ROOT, 'examples/fintech-startup.yaml'));
    expect(Object.keys(fintech.environments)).toEqual(['dev', 'staging', 'prod']);
    expect(new Set(Object.values(fintech.environments).map((e) => e.env.account)).size).toBe(3);
    expect(fintech.environments.prod.env.shield_advanced).toBe(true);
    expect(fintech.base.compliance).toEqual(['pci-dss']);
    expect(fintech.base.targets).toEqual({ p99_latency_ms: 100, availability: 99.99 });

    const saas = loadConfigFile(join(ROOT, 'examples/enterprise-saas.yaml'));
    expect(saas.base.routes.some((r) => r.hosts.includes('*.api.tenantly.example'))).toBe(true);
    expect(saas.base.identity.cognito?.federation.oidc[0].client_secret).toEqual({ secrets_manager: 'tenantly/prod/globex-oidc-client-secret' });

    const shop = loadConfigFile(join(ROOT, 'examples/ecommerce.yaml'));
    expect(shop.base.traffic.burstiness).toBe('bursty');
    expect(shop.base.tiers.map((t) => [t.name, t.minute, t.hour])).toEqual([['free', 60, 1000], ['pro', 600, 10000], ['enterprise', 6000, 100000]]);
  });
});

describe('generated files', () => {
  it(`${JSON_SCHEMA_FILE} is up to date (run npm run schema)`, () => {
    expect(read(JSON_SCHEMA_FILE)).toBe(renderJsonSchema());
  });

  it(`${CONFIG_REFERENCE_FILE} is up to date (run npx tsx scripts/write-config-reference.ts)`, () => {
    expect(read(CONFIG_REFERENCE_FILE)).toBe(renderConfigReference());
  });
});
