import { parseConfig } from '../../lib/checks/load';
import { observerIn, observerRegionOf, planRouting, type RecordPlan } from '../../lib/contract/routing-plan';
import { minimalConfig } from '../support/config-text';
import { acmeMultiRegion, fintechTwoRegions } from './fixtures';

const byName = (records: readonly RecordPlan[], name: string) => records.filter((r) => r.name === name);
const summary = (r: RecordPlan) => ({ region: r.region, setIdentifier: r.setIdentifier, routing: r.routing });

describe('routing plan: latency (the default)', () => {
  const plan = planRouting(fintechTwoRegions());

  it('gives every routed name one CNAME per region, set identifier = region, Region = region, TTL ttl_seconds', () => {
    // fintech prod: domains.api and domains.mtls (with identity.mtls); no tenants domain.
    expect([...new Set(plan.records.map((r) => r.name))]).toEqual(['origin.api.payflow.example', 'internal.api.payflow.example']);
    for (const name of ['origin.api.payflow.example', 'internal.api.payflow.example']) {
      expect(byName(plan.records, name).map(summary)).toEqual([
        { region: 'eu-west-2', setIdentifier: 'eu-west-2', routing: { policy: 'latency', region: 'eu-west-2' } },
        { region: 'eu-west-1', setIdentifier: 'eu-west-1', routing: { policy: 'latency', region: 'eu-west-1' } },
      ]);
    }
    expect(new Set(plan.records.map((r) => r.ttlSeconds))).toEqual(new Set([60]));
    expect(plan.records.map((r) => r.domain)).toEqual(['api', 'api', 'mtls', 'mtls']);
    expect(plan.hostedZone).toEqual({ id: 'Z0123456789EXAMPLE', name: 'payflow.example' });
  });

  it('judges each region from us-east-1 by its prober alarm, holding the last status without data', () => {
    expect(plan.regionHealth).toEqual(['eu-west-2', 'eu-west-1'].map((region) => ({
      region,
      observerRegion: 'us-east-1',
      alarmName: `payflow-prod-health-${region}`,
      checkName: `payflow-prod-health-${region}`,
      metric: { namespace: 'Gatehouse', metricName: 'HealthProbeFailures', dimensions: { service: 'gatehouse-health-prober', TargetRegion: region }, statistic: 'Sum', periodSeconds: 60 },
      failedProbes: 3,
      insufficientDataHealthStatus: 'LastKnownStatus',
      outOfRotationAlarmName: `payflow-prod-out-of-rotation-${region}`,
    })));
    expect(plan.observers).toEqual([{ region: 'us-east-1', targets: ['eu-west-2', 'eu-west-1'] }]);
  });

  it('has one "some region healthy" check over every region, and the prober\'s settings from health_check', () => {
    expect(plan.anyRegion).toEqual({ checkName: 'payflow-prod-health-any-region', childRegions: ['eu-west-2', 'eu-west-1'], healthThreshold: 1, noRegionHealthyAlarmName: 'payflow-prod-no-region-healthy' });
    expect(plan.probe).toEqual({ path: '/_gatehouse/health', host: 'origin.api.payflow.example', probesPerPeriod: 6, intervalMs: 10_000, timeoutMs: 2000, periodSeconds: 60 });
  });

  it('routes the tenant wildcard too, and takes ttl_seconds and health_check as configured', () => {
    const custom = planRouting(acmeMultiRegion(['eu-west-2', 'eu-west-1', 'eu-central-1'], {
      ttl_seconds: 30, health_check: { probes_per_period: 4, failed_probes: 2, timeout_ms: 1500 },
    }, { tenants: '*.tenants.acme.example' }));
    expect(byName(custom.records, '*.tenants.acme.example').map((r) => [r.domain, r.setIdentifier, r.ttlSeconds])).toEqual([
      ['tenants', 'eu-west-2', 30], ['tenants', 'eu-west-1', 30], ['tenants', 'eu-central-1', 30],
    ]);
    expect(custom.regionHealth.map((h) => h.failedProbes)).toEqual([2, 2, 2]);
    expect(custom.probe).toMatchObject({ probesPerPeriod: 4, timeoutMs: 1500 });
  });
});

describe('routing plan: failover', () => {
  it('makes the primary PRIMARY and the second region SECONDARY, both health-checked', () => {
    const plan = planRouting(acmeMultiRegion(['eu-west-2', 'eu-west-1'], { policy: 'failover' }));
    expect(plan.records.map(summary)).toEqual([
      { region: 'eu-west-2', setIdentifier: 'eu-west-2', routing: { policy: 'failover', failover: 'PRIMARY' } },
      { region: 'eu-west-1', setIdentifier: 'eu-west-1', routing: { policy: 'failover', failover: 'SECONDARY' } },
    ]);
    expect(plan.regionHealth.map((h) => h.region)).toEqual(['eu-west-2', 'eu-west-1']);
  });
});

describe('routing plan: geolocation', () => {
  it('writes one record per location: country, continent, and default as CountryCode *, each with a unique set identifier', () => {
    const plan = planRouting(acmeMultiRegion(['eu-west-2', 'eu-west-1', 'us-west-2'], {
      policy: 'geolocation',
      geolocation: { GB: 'eu-west-2', 'continent:EU': 'eu-west-1', 'continent:NA': 'us-west-2', default: 'eu-west-1' },
    }));
    expect(plan.records.map(summary)).toEqual([
      { region: 'eu-west-2', setIdentifier: 'eu-west-2-GB', routing: { policy: 'geolocation', countryCode: 'GB' } },
      { region: 'eu-west-1', setIdentifier: 'eu-west-1-continent-EU', routing: { policy: 'geolocation', continentCode: 'EU' } },
      { region: 'us-west-2', setIdentifier: 'us-west-2-continent-NA', routing: { policy: 'geolocation', continentCode: 'NA' } },
      { region: 'eu-west-1', setIdentifier: 'eu-west-1-default', routing: { policy: 'geolocation', countryCode: '*' } },
    ]);
    // Health is per region, not per location: eu-west-1's two records share its check.
    expect(plan.regionHealth.map((h) => h.region)).toEqual(['eu-west-2', 'eu-west-1', 'us-west-2']);
  });
});

describe('routing plan: observers', () => {
  it('watches us-east-1 from the first other region when us-east-1 serves, and every other region from us-east-1', () => {
    const plan = planRouting(acmeMultiRegion(['us-east-1', 'eu-west-1', 'eu-west-2']));
    expect(plan.regionHealth.map((h) => [h.region, h.observerRegion])).toEqual([['us-east-1', 'eu-west-1'], ['eu-west-1', 'us-east-1'], ['eu-west-2', 'us-east-1']]);
    expect(plan.observers).toEqual([{ region: 'eu-west-1', targets: ['us-east-1'] }, { region: 'us-east-1', targets: ['eu-west-1', 'eu-west-2'] }]);
    expect(observerIn(plan, 'eu-west-1').targets).toEqual(['us-east-1']);
    expect(() => observerIn(plan, 'eu-west-2')).toThrow('no region is watched from eu-west-2; observer regions: eu-west-1, us-east-1');
  });

  it('never lets an observer judge its own loss', () => {
    for (const regions of [['us-east-1', 'eu-west-1'], ['eu-west-1', 'us-east-1'], ['eu-west-2', 'eu-west-1']]) {
      for (const r of regions) expect(observerRegionOf(r, regions)).not.toBe(r);
    }
  });

  it('refuses a one-region environment (the loader never hands one over)', () => {
    expect(() => planRouting(parseConfig(minimalConfig(), 'acme.yaml').environments.dev))
      .toThrow('environment dev: routing needs 2 or more regions, routing and domains.api (the loader refuses anything else)');
  });
});
