/**
 * The developer portal's place in the API's URL space (issue 17, docs/openapi.md): one fact for
 * the load check (no config route under it), CloudFront's portal behaviour (S3 origin) and the
 * twin's routes. The portal is static: an API reference rendered in the browser from the
 * exported OpenAPI document.
 */

/** CloudFront behaviours of the portal: its path (redirected to the index) and everything below it. */
export const PORTAL_BEHAVIORS = 2;

/** The files the portal serves, relative to its path. */
export const PORTAL_DOCUMENT = 'openapi.json';
export const PORTAL_INDEX = 'index.html';

/** Whether a request path is the portal's (its path, or below it). */
export function isPortalPath(path: string, portalPath: string): boolean {
  return path === portalPath || path.startsWith(`${portalPath}/`);
}

/**
 * Whether a route path is the portal's or below it. A shorter prefix (`/`) is not: the portal's
 * path is more specific, so it wins there as a more specific route would (CloudFront's
 * behaviour for the portal comes before the default one).
 */
export function routeOverlapsPortal(routePath: string, portalPath: string): boolean {
  return isPortalPath(routePath.replace(/\/+$/, '') || '/', portalPath);
}
