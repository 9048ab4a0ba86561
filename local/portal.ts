/**
 * The twin's developer portal (issue 17): what CloudFront's portal behaviour serves from S3 on
 * AWS, the same files (lib/openapi/portal.ts) at the config's portal.path, before the API.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { GatewayEnvironment } from '../lib/config/environments';
import { PORTAL_INDEX } from '../lib/contract/portal';
import { openApiDocument } from '../lib/openapi/openapi-document';
import { portalFiles, type PortalFile } from '../lib/openapi/portal';

export interface PortalSite {
  readonly path: string;
  readonly files: ReadonlyMap<string, PortalFile>;
}

/** The portal of `gateway`, or undefined when portal.enabled is false. */
export function portalSite(gateway: GatewayEnvironment): PortalSite | undefined {
  const { portal } = gateway.config;
  if (!portal.enabled) return undefined;
  return { path: portal.path, files: new Map(portalFiles(openApiDocument(gateway)).map((f) => [f.name, f])) };
}

type Send = (reply: FastifyReply, method: string, res: { statusCode: number; headers: Record<string, string>; body: Buffer | string }) => unknown;

/** GET/HEAD of the portal's files; its bare path redirects to the index (relative links need the slash). */
export function registerPortal(app: FastifyInstance, site: PortalSite, send: Send): void {
  app.route({
    method: ['GET', 'HEAD'],
    url: site.path,
    handler: (req, reply) => send(reply, req.method, { statusCode: 301, headers: { location: `${site.path}/`, 'cache-control': 'no-store' }, body: '' }),
  });
  app.route({
    method: ['GET', 'HEAD'],
    url: `${site.path}/*`,
    handler: (req, reply) => {
      const name = (req.params as { '*': string })['*'] || PORTAL_INDEX;
      const file = site.files.get(name);
      if (!file) return send(reply, req.method, { statusCode: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'not found\n' });
      return send(reply, req.method, { statusCode: 200, headers: { 'content-type': file.contentType, 'cache-control': 'no-cache' }, body: file.body });
    },
  });
}
