import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { METHODS_PER_ALARM } from '../../lib/resilience/breaker-alarm-plan';
import { toRetention } from '../../lib/constructs/api-log-groups';
import { alarmStatePatterns, EVENT_PATTERN_MAX_CHARS } from '../../lib/constructs/resilience-breaker-state';
import type { GatewayEnvironment } from '../../lib/config/environments';
import { compileRouteTable } from '../../lib/contract/route-table';
import { routeTimeoutMs, serviceResilience } from '../../lib/resilience/resilience-plan';
import { DEFAULT_ASSUMPTIONS } from '../../lib/plan/assumptions';
import { breakerLoad, NO_BREAKERS } from '../../lib/plan/breaker-load';
import { guardedEdit, minimalConfig } from '../support/config-text';
import { findingsIn, formatFindings, ROOT, synthesize, type Synthesized } from '../support/synth';

/**
 * The circuit breakers on AWS, from synthesized templates: every shipped config (each file of
 * examples/ and gateway.config.yaml), a variant of the e-commerce example with every resilience
 * key set, and a gateway without a shared Redis. One synth per config, shared by its specs.
 */
const ECOMMERCE = readFileSync(join(ROOT, 'examples/ecommerce.yaml'), 'utf8');
const VARIANT = guardedEdit(ECOMMERCE,
  ['    path: /api\n    read_timeout_ms: 3000\n', `    path: /api
    read_timeout_ms: 3000
    circuit_breaker: { window_seconds: 120, failure_rate_threshold: 25, slow_call_rate_threshold: 80, slow_call_duration_ms: 1500, minimum_calls: 40, half_open_calls: 5, wait_seconds: 30 }
`],
  ['    read_timeout_ms: 2000\n', '    read_timeout_ms: 2000\n    circuit_breaker: { enabled: false }\n'],
  ['    private: { port: 8080, protocol: HTTPS }\n', '    private: { port: 8080, protocol: HTTPS, load_balancing: weighted_random, anomaly_mitigation: true }\n'],
  ['    service: catalog\n    auth: { strategies: [none] }\n    cache: { ttl: 300,', '    service: catalog\n    timeout_ms: 2500\n    auth: { strategies: [none] }\n    cache: { ttl: 300,'],
  ['    service: checkout\n    rate_limit_group: checkout\n    auth: { strategies: [jwt], issuers: [cognito], scopes: [shop/orders] }\n    request_schema:\n      type: object\n      required: [cart_id',
    '    service: checkout\n    timeout_ms: 12000\n    rate_limit_group: checkout\n    auth: { strategies: [jwt], issuers: [cognito], scopes: [shop/orders] }\n    request_schema:\n      type: object\n      required: [cart_id'],
);
const VARIANT_NAME = 'the e-commerce example with every resilience key';
const SOURCES: Array<[string, { file: string } | { yaml: string; at: string }]> = [
  ...readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml')).map((f): [string, { file: string }] => [`examples/${f}`, { file: `examples/${f}` }]),
  ['gateway.config.yaml', { file: 'gateway.config.yaml' }],
  [VARIANT_NAME, { yaml: VARIANT, at: 'examples/ecommerce.yaml' }],
];
/** One synth per config, shared by every spec below. */
const SYNTHS = new Map(SOURCES.map(([name, source]) => [name, synthesize(source)]));

type Props = Record<string, any>;
const resources = (t: Template, type: string): Array<[string, Props]> => Object.entries(t.findResources(type)).map(([id, r]) => [id, r.Properties ?? {}]);
const breakerAlarms = (t: Template) => resources(t, 'AWS::CloudWatch::Alarm').filter(([, p]) => String(p.AlarmName).includes('-breaker-'));
const composites = (t: Template) => resources(t, 'AWS::CloudWatch::CompositeAlarm').filter(([, p]) => String(p.AlarmName).includes('-breaker-'));
const stat = (alarm: Props, id: string) => alarm.Metrics.find((m: Props) => m.Id === id)?.MetricStat;

/** The API Gateway path of a Method's resource, from the template's Resource parts. */
function resourcePath(t: Template, method: Props): string {
  const all = t.findResources('AWS::ApiGateway::Resource');
  const parts: string[] = [];
  for (let ref = method.ResourceId; ref.Ref; ref = all[ref.Ref].Properties.ParentId) parts.unshift(all[ref.Ref].Properties.PathPart);
  return `/${parts.join('/')}`;
}

/** Services whose breaker gets an alarm: enabled, and for a public one, answering some method alone. */
function breakerServices(gateway: GatewayEnvironment): string[] {
  const methods = compileRouteTable(gateway.config);
  return gateway.config.services
    .filter((s) => s.circuit_breaker.enabled && (s.private || methods.some((m) => m.directService?.name === s.name)))
    .map((s) => s.name);
}

describe.each(SOURCES.map(([name]) => name))('circuit breakers of %s', (name) => {
  const synth: Synthesized = SYNTHS.get(name)!;

  describe.each(Object.keys(synth.stages))('environment %s', (env) => {
    const gateway = synth.config.environments[env];
    const { config } = gateway;
    const prefix = `${config.name}-${env}`;
    const obs = synth.template(env, 'Observability');
    const expected = breakerServices(gateway);
    const stateAlarm = (service: string) => [...breakerAlarms(obs), ...composites(obs)].find(([, p]) => p.AlarmName === `${prefix}-breaker-${service}`);

    it('is counted by the planner as deployed: metric alarms, the metrics they read, composites', () => {
      const load = breakerLoad(config, DEFAULT_ASSUMPTIONS);
      const metricAlarms = breakerAlarms(obs);
      expect({ services: load.services, metricAlarms: load.metricAlarms, compositeAlarms: load.compositeAlarms, alarmMetrics: load.alarmMetrics }).toEqual({
        services: expected.length,
        metricAlarms: metricAlarms.length,
        compositeAlarms: composites(obs).length,
        alarmMetrics: metricAlarms.reduce((n, [, alarm]) => n + alarm.Metrics.filter((m: Props) => m.MetricStat).length, 0),
      });
    });

    it('has one alarm per breaker service, named <prefix>-breaker-<service>, notifying on ALARM and OK', () => {
      const names = [...breakerAlarms(obs), ...composites(obs)].map(([, p]) => p.AlarmName as string).filter((n) => !n.includes('.part'));
      expect(names.sort()).toEqual(expected.map((s) => `${prefix}-breaker-${s}`).sort());
      for (const service of expected) {
        const [, alarm] = stateAlarm(service)!;
        expect(alarm.AlarmActions).toHaveLength(1);
        expect(alarm.OKActions).toEqual(alarm.AlarmActions);
      }
    });

    it('judges each breaker over one window of window_seconds with its thresholds, keeping its state through silence', () => {
      for (const [, alarm] of breakerAlarms(obs)) {
        const service = expected.find((s) => alarm.AlarmName === `${prefix}-breaker-${s}` || alarm.AlarmName.startsWith(`${prefix}-breaker-${s}.part`))!;
        const b = serviceResilience(config, config.services.find((s) => s.name === service)!);
        const cb = b.breaker!;
        const trial = Math.min(b.trickleCount, cb.minimumNumberOfCalls);
        expect(alarm).toMatchObject({ EvaluationPeriods: 1, DatapointsToAlarm: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'ignore' });
        const metrics = alarm.Metrics.filter((m: Props) => m.MetricStat);
        // CloudWatch: at most 10 metrics in an alarm's metric math.
        expect(metrics.length).toBeLessThanOrEqual(10);
        for (const m of metrics) expect(m.MetricStat.Period).toBe(cb.slidingWindowSize);
        const [expression] = alarm.Metrics.filter((m: Props) => m.ReturnData).map((m: Props) => m.Expression as string);
        // Every count but the private calls is FILLed (a sparse metric must not drop the window).
        const callTerms = metrics.filter((m: Props) => m.Id.startsWith('n')).map((m: Props) => `FILL(${m.Id}, 0)`);
        const calls = stat(alarm, 'requests') ? 'requests' : callTerms.length === 1 ? callTerms[0] : `(${callTerms.join(' + ')})`;
        expect(expression).toContain(`IF((${calls} >= ${cb.minimumNumberOfCalls}) OR ((${calls} >= ${trial}) AND (`);
        expect(expression).toContain(`) >= ${cb.failureRateThreshold}) OR (`);
        expect(expression).toContain(`) >= ${cb.slowCallRateThreshold})))`);
        expect(expression.length).toBeLessThanOrEqual(2048);
        if (stat(alarm, 'requests')) {
          const tg = stat(alarm, 'requests').Metric.Dimensions.find((d: Props) => d.Name === 'TargetGroup').Value;
          expect(JSON.stringify(tg)).toContain(`Service${service.replace(/-/g, '')}TargetGroup`);
          expect(expression).toContain('100 * (FILL(errors, 0) + FILL(refused, 0)) / requests');
          expect(['requests', 'errors', 'refused', 'fast'].map((id) => [stat(alarm, id).Metric.MetricName, stat(alarm, id).Stat]))
            .toEqual([['RequestCount', 'Sum'], ['HTTPCode_Target_5XX_Count', 'Sum'], ['TargetConnectionErrorCount', 'Sum'], ['TargetResponseTime', `PR(:${cb.slowCallDurationThresholdMs / 1000})`]]);
        } else {
          for (const m of metrics) {
            // s: the authorizer's sheds of the method (503s in 5XXError that must not count as failures, decision 0023).
            expect(m.MetricStat.Metric.Namespace).toBe(m.Id.startsWith('s') ? 'Gatehouse' : 'AWS/ApiGateway');
            expect(m.MetricStat.Stat).toBe({ e: 'Sum', n: 'SampleCount', f: `PR(:${cb.slowCallDurationThresholdMs})`, s: 'Sum' }[m.Id.charAt(0) as 'e']);
          }
          const failed = metrics.filter((m: Props) => m.Id.startsWith('e')).map((m: Props) => `(FILL(${m.Id}, 0) - FILL(s${m.Id.slice(1)}, 0))`);
          expect(expression).toContain(`100 * ${failed.length === 1 ? failed[0] : `(${failed.join(' + ')})`} /`);
        }
      }
    });

    it('watches exactly the API methods a public service answers alone, 3 per alarm, under one composite when there are more', () => {
      const methods = compileRouteTable(config);
      for (const service of expected.filter((s) => !config.services.find((c) => c.name === s)!.private)) {
        const own = methods.filter((m) => m.directService?.name === service).map((m) => `${m.httpMethod} ${m.resourcePath}`);
        const parts = breakerAlarms(obs).filter(([, p]) => p.AlarmName === `${prefix}-breaker-${service}` || p.AlarmName.startsWith(`${prefix}-breaker-${service}.part`));
        expect(parts).toHaveLength(Math.ceil(own.length / METHODS_PER_ALARM));
        const watched = parts.flatMap(([, p]) => p.Metrics.filter((m: Props) => m.Id.startsWith('n')).map((m: Props) => {
          const d = Object.fromEntries(m.MetricStat.Metric.Dimensions.map((x: Props) => [x.Name, x.Value]));
          expect([d.ApiName, d.Stage]).toEqual([prefix, 'live']);
          return `${d.Method} ${d.Resource}`;
        }));
        expect(watched.sort()).toEqual(own.sort());
        const composite = composites(obs).find(([, p]) => p.AlarmName === `${prefix}-breaker-${service}`);
        expect(Boolean(composite)).toBe(parts.length > 1);
        if (composite) expect(JSON.stringify(composite[1].AlarmRule).match(/"Fn::GetAtt":\["([^"]+)","Arn"\]/g)!.length).toBe(parts.length);
      }
    });

    it('runs the state function in the VPC beside the authorizer, one at a time, reaching the cache over TLS', () => {
      const fns = resources(obs, 'AWS::Lambda::Function').filter(([, p]) => p.FunctionName === `${prefix}-breaker-state`);
      expect(fns).toHaveLength(expected.length > 0 ? 1 : 0);
      if (fns.length === 0) return;
      const [, fn] = fns[0];
      expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], ReservedConcurrentExecutions: 1, TracingConfig: { Mode: 'Active' }, LoggingConfig: { LogFormat: 'JSON' } });
      expect(JSON.stringify(fn.VpcConfig.SecurityGroupIds)).toMatch(/LambdaSecurityGroup/);
      expect(JSON.stringify(fn.Environment.Variables.REDIS_URL)).toMatch(/^\{"Fn::Join":\["",\["rediss:\/\/",.*RateLimitCache.*EndpointAddress/);
      const [logId, log] = resources(obs, 'AWS::Logs::LogGroup').find(([, p]) => p.LogGroupName === `/aws/lambda/${prefix}-breaker-state`)!;
      expect(fn.LoggingConfig.LogGroup).toEqual({ Ref: logId });
      expect(log.RetentionInDays).toBe(toRetention(gateway.profile.logRetentionDays));
      expect(Boolean(log.KmsKeyId)).toBe(gateway.profile.customerManagedKeys);
      expect(resources(obs, 'AWS::Lambda::EventInvokeConfig').map(([, p]) => [p.MaximumRetryAttempts, p.MaximumEventAgeInSeconds])).toEqual([[2, 900]]);
    });

    it('grants the state function DescribeAlarms on the breaker metric alarms only, besides logs, VPC and X-Ray', () => {
      const [fnId, fn] = resources(obs, 'AWS::Lambda::Function').find(([, p]) => p.FunctionName === `${prefix}-breaker-state`) ?? [];
      if (!fn) return;
      const roleId = fn.Role['Fn::GetAtt'][0];
      const role = obs.toJSON().Resources[roleId].Properties;
      expect(role.ManagedPolicyArns.map((a: Props) => a['Fn::Join'][1][2])).toEqual([':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', ':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole']);
      const statements = resources(obs, 'AWS::IAM::Policy').filter(([, p]) => p.Roles.some((r: Props) => r.Ref === roleId)).flatMap(([, p]) => p.PolicyDocument.Statement);
      expect(statements.flatMap((s: Props) => [s.Action].flat()).sort()).toEqual(['cloudwatch:DescribeAlarms', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      const describe = statements.find((s: Props) => s.Action === 'cloudwatch:DescribeAlarms');
      expect(describe.Resource.map((r: Props) => r['Fn::GetAtt'][0]).sort()).toEqual(breakerAlarms(obs).map(([id]) => id).sort());
      expect(fnId).toBeDefined();
    });

    it('is invoked by the breaker alarms\' state changes (by name), the operators\' gatehouse.breaker events and a reconcile every 5 minutes', () => {
      const rules = resources(obs, 'AWS::Events::Rule').filter(([, p]) => String(p.Name).startsWith(`${prefix}-breaker-`));
      if (expected.length === 0) return expect(rules).toEqual([]);
      const fnId = resources(obs, 'AWS::Lambda::Function').find(([, p]) => p.FunctionName === `${prefix}-breaker-state`)![0];
      expect(rules.map(([, p]) => [p.Name, p.EventPattern, p.Targets.map((x: Props) => x.Arn)])).toEqual([
        [`${prefix}-breaker-alarms`, { source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], detail: { alarmName: expected.map((s) => `${prefix}-breaker-${s}`) } }, [{ 'Fn::GetAtt': [fnId, 'Arn'] }]],
        [`${prefix}-breaker-reconcile`, undefined, [{ 'Fn::GetAtt': [fnId, 'Arn'] }]],
        [`${prefix}-breaker-maintenance`, { source: ['gatehouse.breaker'] }, [{ 'Fn::GetAtt': [fnId, 'Arn'] }]],
      ]);
      expect(rules.find(([, p]) => p.Name === `${prefix}-breaker-reconcile`)![1].ScheduleExpression).toBe('rate(5 minutes)');
    });

    it('turns anomaly mitigation on exactly for the target groups that ask for it', () => {
      const network = synth.template(env, 'Network');
      const mitigated = (name: string) => {
        const tg = resources(network, 'AWS::ElasticLoadBalancingV2::TargetGroup').find(([id]) => id.includes(`Service${name.replace(/-/g, '')}TargetGroup`))![1];
        return tg.TargetGroupAttributes.find((a: Props) => a.Key === 'load_balancing.algorithm.anomaly_mitigation')?.Value;
      };
      for (const s of config.services.filter((x) => x.private)) expect([s.name, mitigated(s.name)]).toEqual([s.name, s.private!.anomaly_mitigation ? 'on' : undefined]);
    });

    it('gives every integration its route\'s timeout (the longest of the routes sharing a method)', () => {
      const api = synth.template(env, 'Api');
      const services = new Map(config.services.map((s) => [s.name, s]));
      const want = new Map(compileRouteTable(config).map((m) => [`${m.httpMethod} ${m.resourcePath}`, Math.max(...m.routes.map((r) => routeTimeoutMs(r, services.get(r.service)!)))]));
      // Route methods only: the CORS preflights and the gateway's health route are MOCKs, without timeouts.
      const got = resources(api, 'AWS::ApiGateway::Method').filter(([, p]) => p.HttpMethod !== 'OPTIONS' && p.Integration.Type !== 'MOCK').map(([, p]) => [`${p.HttpMethod} ${resourcePath(api, p)}`, p.Integration.TimeoutInMillis] as const);
      expect(new Map(got)).toEqual(want);
    });

    it('shows the breakers on the dashboard and passes the compliance packs', () => {
      const body = JSON.stringify(Object.values(synth.template(env, 'EdgeObservability').findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
      for (const service of expected) expect(body).toContain(`arn:aws:cloudwatch:${gateway.env.region}:${gateway.env.account}:alarm:${prefix}-breaker-${service}`);
      expect(body.includes('Circuit breakers (ALARM = open)')).toBe(expected.length > 0);
      expect(formatFindings(findingsIn(synth.findings, 'Observability', 'EdgeObservability', 'Network', 'Api'))).toBe('');
    });
  });
});

describe(`the values of ${VARIANT_NAME}`, () => {
  const synth = SYNTHS.get(VARIANT_NAME)!;
  const obs = synth.template('prod', 'Observability');
  const alarm = (name: string) => breakerAlarms(obs).find(([, p]) => p.AlarmName === name)?.[1];

  it('judges catalog over 120 s: >= 40 calls and >= 25 % failed or >= 80 % over 1,500 ms; clears on 5 clean trial calls', () => {
    const part = alarm('shopwave-prod-breaker-catalog.part1')!;
    expect(part.Metrics.find((m: Props) => m.ReturnData).Expression).toBe('IF(((FILL(n0, 0) + FILL(n1, 0)) >= 40) OR (((FILL(n0, 0) + FILL(n1, 0)) >= 5) AND ((100 * ((FILL(e0, 0) - FILL(s0, 0)) + (FILL(e1, 0) - FILL(s1, 0))) / (FILL(n0, 0) + FILL(n1, 0))) < 25) AND ((100 - (FILL(f0, 0) * FILL(n0, 0) + FILL(f1, 0) * FILL(n1, 0)) / (FILL(n0, 0) + FILL(n1, 0))) < 80)), (((100 * ((FILL(e0, 0) - FILL(s0, 0)) + (FILL(e1, 0) - FILL(s1, 0))) / (FILL(n0, 0) + FILL(n1, 0))) >= 25) OR ((100 - (FILL(f0, 0) * FILL(n0, 0) + FILL(f1, 0) * FILL(n1, 0)) / (FILL(n0, 0) + FILL(n1, 0))) >= 80)))');
    expect(stat(part, 's0')).toMatchObject({ Period: 120, Stat: 'Sum', Metric: { Namespace: 'Gatehouse', MetricName: 'Shed' } });
    expect(stat(part, 's0').Metric.Dimensions.map((d: Props) => d.Name).sort()).toEqual(['method', 'resource', 'service']);
    expect(stat(part, 'f0')).toMatchObject({ Period: 120, Stat: 'PR(:1500)', Metric: { MetricName: 'IntegrationLatency' } });
    // Six methods, two per alarm (four metrics each, ten at most): three parts.
    expect(alarm('shopwave-prod-breaker-catalog.part3')).toBeDefined();
    expect(alarm('shopwave-prod-breaker-catalog.part4')).toBeUndefined();
  });

  it('gives search (circuit_breaker.enabled: false) no alarm, and the private services the defaults', () => {
    expect(alarm('shopwave-prod-breaker-search')).toBeUndefined();
    // 800 rps over 4 services for 60 s, 5 %: 600 calls; p99 250 ms is the slow-call duration.
    expect(alarm('shopwave-prod-breaker-cart')!.Metrics.find((m: Props) => m.ReturnData).Expression)
      .toBe('IF((requests >= 600) OR ((requests >= 10) AND ((100 * (FILL(errors, 0) + FILL(refused, 0)) / requests) < 50) AND ((100 - fast) < 100)), (((100 * (FILL(errors, 0) + FILL(refused, 0)) / requests) >= 50) OR ((100 - fast) >= 100)))');
    expect(stat(alarm('shopwave-prod-breaker-cart')!, 'fast')).toMatchObject({ Period: 60, Stat: 'PR(:0.25)' });
  });

  it('sets the routes\' own timeouts: products 2,500 ms, checkout 12,000 ms, payment-intents its service\'s 8,000 ms', () => {
    const api = synth.template('prod', 'Api');
    const timeout = (verb: string, path: string) => resources(api, 'AWS::ApiGateway::Method').find(([, p]) => p.HttpMethod === verb && resourcePath(api, p) === path)![1].Integration.TimeoutInMillis;
    expect([timeout('GET', '/v1/products'), timeout('GET', '/v1/products/{proxy+}'), timeout('GET', '/v1/categories'), timeout('POST', '/v1/checkout'), timeout('POST', '/v1/payment-intents')])
      .toEqual([2500, 2500, 3000, 12_000, 8000]);
  });

  it('turns on anomaly mitigation for cart (weighted_random) only', () => {
    const attributes = resources(synth.template('prod', 'Network'), 'AWS::ElasticLoadBalancingV2::TargetGroup')
      .map(([id, p]) => [id.match(/Service(\w+?)TargetGroup/)![1], p.TargetGroupAttributes.filter((a: Props) => a.Key.startsWith('load_balancing.algorithm')).map((a: Props) => `${a.Key}=${a.Value}`)]);
    expect(Object.fromEntries(attributes)).toEqual({
      cart: ['load_balancing.algorithm.type=weighted_random', 'load_balancing.algorithm.anomaly_mitigation=on'],
      checkout: ['load_balancing.algorithm.type=least_outstanding_requests'],
    });
  });
});

describe('the alarm rules\' patterns', () => {
  it('list every alarm name once, splitting into more rules before a pattern outgrows EventBridge\'s 2,048 characters', () => {
    const names = Array.from({ length: 40 }, (_, i) => `acme-gateway-production-breaker-service-number-${String(i).padStart(2, '0')}`);
    const patterns = alarmStatePatterns(names);
    expect(patterns.length).toBe(2);
    expect(patterns.flatMap((p) => p.detail.alarmName)).toEqual(names);
    for (const p of patterns) expect(JSON.stringify(p).length).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
    expect(alarmStatePatterns(names.slice(0, 3))).toEqual([{ source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], detail: { alarmName: names.slice(0, 3) } }]);
  });
});

describe('a gateway without a shared Redis (rate_limiting.strategy: local)', () => {
  const synth = synthesize({ yaml: minimalConfig({ rate_limiting: { strategy: 'local' } }) });

  it('deploys no breaker alarms and no state function: no record could reach every authorizer', () => {
    const obs = synth.template('dev', 'Observability');
    expect(breakerAlarms(obs)).toEqual([]);
    expect(resources(obs, 'AWS::Lambda::Function')).toEqual([]);
    expect(resources(obs, 'AWS::Events::Rule')).toEqual([]);
    expect(breakerLoad(synth.config.environments.dev.config, DEFAULT_ASSUMPTIONS)).toEqual(NO_BREAKERS);
  });
});
