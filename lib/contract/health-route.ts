/**
 * The gateway's own health route (decision 0026): what the health prober (AWS) and the edge
 * router (local twin) call on each region to decide whether it stays in rotation. It is not a
 * config route: API Gateway answers it itself (a MOCK integration, no authorizer, no usage key),
 * behind the regional web ACL, so a probe needs the origin-verify header like CloudFront. The
 * edge web ACL refuses the prefix, so it is reachable only around CloudFront.
 */

/** Prefix of gateway-owned paths; config routes may not use it (lib/checks/references.ts). */
export const GATEWAY_PATH_PREFIX = '/_gatehouse';
export const HEALTH_PATH = `${GATEWAY_PATH_PREFIX}/health`;

/** The body of a healthy answer: the region is how a prober knows which region answered. */
export interface HealthBody {
  readonly status: 'ok';
  readonly region: string;
}

export function healthBody(region: string): HealthBody {
  return { status: 'ok', region };
}

/** A probe succeeded when the answer is 200 and names the region probed (not another one behind a shared name). */
export function isHealthyAnswer(status: number, body: unknown, region: string): boolean {
  if (status !== 200 || typeof body !== 'object' || body === null) return false;
  const b = body as Partial<HealthBody>;
  return b.status === 'ok' && b.region === region;
}
