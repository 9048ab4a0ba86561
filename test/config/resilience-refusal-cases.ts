/**
 * Bad resilience settings (issue 14) as data: each refused at load with its line and key, by the
 * schema (ranges) or by lib/checks/resilience-rules.ts (rules across keys). Pinned in
 * test/config/refused-before-deploy.test.ts; test/checks/parity.test.ts runs them through synth,
 * the planner and the local twin too. (A breaker is a key of its service, so it cannot name a
 * service that does not exist.)
 */
import { at, edit } from './fixtures';
import { bad, type BadConfig } from './bad-config';

const usersService = (extra: string) => edit(['    private:\n      port: 8080\n', `    private:\n      port: 8080\n${extra}`]);
const catalogService = (extra: string) => edit(['    url: https://catalog.example.com\n', `    url: https://catalog.example.com\n${extra}`]);
const catalogRoute = (extra: string) => edit(['    paths: [/v1/catalog]\n', `    paths: [/v1/catalog]\n${extra}`]);

export const RESILIENCE: readonly BadConfig[] = [
  bad('refuses a failure-rate threshold of 0 %', usersService('    circuit_breaker: { failure_rate_threshold: 0 }\n'),
    (text) => [`${at(text, 'circuit_breaker')} services[0].circuit_breaker.failure_rate_threshold: must be > 0 (got 0)`]),
  bad('refuses a breaker window that is not a whole number of minutes (the alarm period)', usersService('    circuit_breaker: { window_seconds: 90 }\n'),
    (text) => [`${at(text, 'circuit_breaker')} services[0].circuit_breaker.window_seconds: a whole number of minutes (60, 120, ...): on AWS the window is the CloudWatch alarm's period`]),
  bad('refuses a slow-call duration a call cannot reach before its route times out',
    usersService('    read_timeout_ms: 2000\n    circuit_breaker: { slow_call_duration_ms: 2000 }\n'),
    (text) => [`${at(text, 'circuit_breaker')} services[0].circuit_breaker.slow_call_duration_ms: 2000 ms is not below the shortest timeout of the service's routes (2000 ms): a call that long times out and counts as failed, never as slow; choose less than 2000`]),
  bad('refuses a longest ejection shorter than the first', usersService('    outlier_detection: { base_ejection_seconds: 60, max_ejection_seconds: 30 }\n'),
    (text) => [`${at(text, 'outlier_detection')} services[0].outlier_detection.max_ejection_seconds: 30 s is shorter than base_ejection_seconds (60 s); the longest ejection is at least the first`]),
  bad('refuses instance weights without weighted_random',
    usersService('    local_instances: [{ url: "http://localhost:3001", weight: 3 }, { url: "http://localhost:3002" }]\n'),
    (text) => [`${at(text, 'local_instances')} services[0].local_instances[0].weight: weight applies only with private.load_balancing: weighted_random (this service balances round_robin); remove it or change the algorithm`]),
  bad('refuses local_url together with local_instances',
    catalogService('    local_url: http://localhost:3009\n    local_instances: [{ url: "http://localhost:3001" }]\n'),
    (text) => [`${at(text, 'local_instances')} services[1].local_instances: set local_url (one instance) or local_instances (several), not both`]),
  bad('refuses ALB anomaly mitigation with an algorithm that has none', edit(['    private:\n      port: 8080\n', '    private:\n      port: 8080\n      anomaly_mitigation: true\n']),
    (text) => [`${at(text, 'anomaly_mitigation')} services[0].private.anomaly_mitigation: the ALB mitigates anomalies only with load_balancing: weighted_random`]),
  bad('refuses retries on a route without an idempotent method',
    edit(['    paths: [/v1/users]\n    methods: [GET, POST]\n', '    paths: [/v1/users]\n    methods: [POST]\n    retries: { attempts: 2 }\n']),
    (text) => [`${at(text, 'retries')} routes[0].retries: route users answers only POST, none of them idempotent: a retry could repeat its effect; remove retries (idempotent methods: GET, HEAD, OPTIONS, PUT, DELETE)`]),
  bad('refuses a backoff cap below its first delay', catalogRoute('    retries: { attempts: 2, base_delay_ms: 200, max_delay_ms: 100 }\n'),
    (text) => [`${at(text, 'retries')} routes[1].retries.max_delay_ms: 100 ms is less than base_delay_ms (200 ms); the backoff cap is at least the first delay`]),
  bad('refuses more than 3 retries', catalogRoute('    retries: { attempts: 5 }\n'),
    (text) => [`${at(text, 'retries')} routes[1].retries.attempts: must be <= 3 (got 5)`]),
  bad('refuses a route timeout above API Gateway REST\'s 29 s', catalogRoute('    timeout_ms: 30000\n'),
    (text) => [`${at(text, 'timeout_ms')} routes[1].timeout_ms: must be <= 29000 (got 30000)`]),
];
