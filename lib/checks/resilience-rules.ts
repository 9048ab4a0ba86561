/**
 * The resilience keys' rules across keys (docs/resilience.md): a breaker's slow-call duration
 * must be reachable before the route times out, retries need an idempotent method, and the
 * ranges that come in pairs (backoff, ejection time) must be ordered.
 */
import type { AddProblem } from '../config/errors';
import type { GatewayConfig } from '../config/schema';
import { IDEMPOTENT_METHODS, routeTimeoutMs } from '../resilience/resilience-plan';

export function checkResilience(config: GatewayConfig, add: AddProblem): void {
  config.services.forEach((service, s) => {
    const at = ['services', s] as const;
    const cb = service.circuit_breaker;
    const routes = config.routes.filter((r) => r.service === service.name);
    if (cb.enabled && cb.slow_call_duration_ms !== undefined) {
      const shortest = Math.min(...routes.map((r) => routeTimeoutMs(r, service)), service.read_timeout_ms);
      if (cb.slow_call_duration_ms >= shortest) {
        add([...at, 'circuit_breaker', 'slow_call_duration_ms'], `${cb.slow_call_duration_ms} ms is not below the shortest timeout of the service's routes (${shortest} ms): a call that long times out and counts as failed, never as slow; choose less than ${shortest}`);
      }
    }
    const od = service.outlier_detection;
    if (od.max_ejection_seconds < od.base_ejection_seconds) {
      add([...at, 'outlier_detection', 'max_ejection_seconds'], `${od.max_ejection_seconds} s is shorter than base_ejection_seconds (${od.base_ejection_seconds} s); the longest ejection is at least the first`);
    }
    if (service.local_instances && service.private?.load_balancing !== 'weighted_random') {
      service.local_instances.forEach((instance, i) => {
        if (instance.weight !== 1) add([...at, 'local_instances', i, 'weight'], `weight applies only with private.load_balancing: weighted_random (this service balances ${service.private?.load_balancing ?? 'round_robin'}); remove it or change the algorithm`);
      });
    }
  });
  config.routes.forEach((route, r) => {
    if (!route.retries) return;
    const at = ['routes', r, 'retries'] as const;
    if (!route.methods.some((m) => IDEMPOTENT_METHODS.has(m))) {
      add([...at], `route ${route.name} answers only ${route.methods.join(', ')}, none of them idempotent: a retry could repeat its effect; remove retries (idempotent methods: ${[...IDEMPOTENT_METHODS].join(', ')})`);
    }
    if (route.retries.max_delay_ms < route.retries.base_delay_ms) {
      add([...at, 'max_delay_ms'], `${route.retries.max_delay_ms} ms is less than base_delay_ms (${route.retries.base_delay_ms} ms); the backoff cap is at least the first delay`);
    }
  });
}
