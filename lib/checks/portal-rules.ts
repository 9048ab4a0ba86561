/**
 * The developer portal's path belongs to the portal (CloudFront sends it to the portal's
 * bucket; the twin serves it before the API), so no route may serve requests under it.
 */
import type { AddProblem } from '../config/errors';
import type { GatewayConfig } from '../config/schema';
import { routeOverlapsPortal } from '../contract/portal';

export function checkPortal(config: GatewayConfig, add: AddProblem): void {
  if (!config.portal.enabled) return;
  config.routes.forEach((route, i) => route.paths.forEach((path, j) => {
    if (routeOverlapsPortal(path, config.portal.path)) {
      add(['routes', i, 'paths', j], `${path} is under ${config.portal.path}, the developer portal's path: move the route, set portal.path to another segment, or portal.enabled: false`);
    }
  }));
}
