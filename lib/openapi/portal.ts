/**
 * The developer portal's files (issue 17): Swagger UI (swagger-ui-dist, rendered in the browser;
 * "Try it out" calls the API from the page) over the exported OpenAPI document, whose first
 * server is `/`, the origin that serves the portal: the twin, or the CloudFront distribution in
 * front of the API, so calls from the page are same-origin and need no CORS. The same files are
 * served by the twin (local/portal.ts) and deployed to S3 behind CloudFront.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PORTAL_DOCUMENT, PORTAL_INDEX } from '../contract/portal';
import type { OpenApiDocument } from './openapi-document';

export interface PortalFile {
  /** Relative to the portal's path, e.g. `index.html`. */
  readonly name: string;
  readonly contentType: string;
  readonly body: Buffer;
}

/** Swagger UI's files the page loads (its bundle is self-contained; no CDN). */
const SWAGGER_UI_FILES: ReadonlyArray<readonly [name: string, contentType: string]> = [
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
  ['swagger-ui-standalone-preset.js', 'text/javascript; charset=utf-8'],
  ['oauth2-redirect.html', 'text/html; charset=utf-8'],
  ['oauth2-redirect.js', 'text/javascript; charset=utf-8'],
  ['favicon-32x32.png', 'image/png'],
];

/** The portal's document: the export with this origin first, so "Try it out" calls the API that served the page. */
export function portalDocument(document: OpenApiDocument): OpenApiDocument {
  const servers = (document.servers as Array<{ url: string }> | undefined) ?? [];
  return { ...document, servers: [{ url: '/', description: 'this gateway (the origin of this page)' }, ...servers] };
}

export function portalFiles(document: OpenApiDocument): PortalFile[] {
  const dist = dirname(require.resolve('swagger-ui-dist/package.json'));
  const title = String((document.info as { title?: unknown }).title ?? 'API reference');
  return [
    { name: PORTAL_INDEX, contentType: 'text/html; charset=utf-8', body: Buffer.from(indexHtml(title)) },
    { name: 'portal.js', contentType: 'text/javascript; charset=utf-8', body: Buffer.from(PORTAL_SCRIPT) },
    { name: PORTAL_DOCUMENT, contentType: 'application/json', body: Buffer.from(JSON.stringify(portalDocument(document), null, 2)) },
    ...SWAGGER_UI_FILES.map(([name, contentType]) => ({ name, contentType, body: readFileSync(join(dist, name)) })),
  ];
}

/** No inline script: the page works under a strict Content-Security-Policy (script-src 'self'). */
function indexHtml(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)}</title>
  <link rel="icon" type="image/png" href="favicon-32x32.png">
  <link rel="stylesheet" href="swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="swagger-ui-bundle.js"></script>
  <script src="swagger-ui-standalone-preset.js"></script>
  <script src="portal.js"></script>
</body>
</html>
`;
}

const PORTAL_SCRIPT = `window.ui = SwaggerUIBundle({
  url: '${PORTAL_DOCUMENT}',
  dom_id: '#swagger-ui',
  deepLinking: true,
  tryItOutEnabled: true,
  displayRequestDuration: true,
  oauth2RedirectUrl: new URL('oauth2-redirect.html', window.location.href).href,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'BaseLayout',
});
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
