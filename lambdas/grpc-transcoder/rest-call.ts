/**
 * An API Gateway REST proxy event as the transcoder's REST call: the upstream path an HTTP_PROXY
 * integration of the same method would call (lib/contract/route-table.ts upstreamPath, path
 * parameters filled in as the twin does), query and headers, the body.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { RouteConfig } from '../../lib/config/schema';
import { upstreamPath } from '../../lib/contract/route-table';
import type { TranscoderRoute } from './config';
import type { RestCall } from './transcoding-port';

/** The upstream path of `event` for `route`: its resource path through upstreamPath, then the path parameters, each segment encoded. */
export function upstreamPathOf(event: Pick<APIGatewayProxyEvent, 'resource' | 'pathParameters'>, route: TranscoderRoute): string {
  const template = upstreamPath(event.resource, { paths: [...route.paths], strip_path: route.stripPath } as Pick<RouteConfig, 'paths' | 'strip_path'> as RouteConfig, { path: route.basePath });
  const params = event.pathParameters ?? {};
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => (params[name] ?? '').split('/').map((s) => encodeURIComponent(s)).join('/'));
}

/** The REST call of `event` (headers lower-cased; multi-value query kept; a base64 body decoded). */
export function restCallOf(event: APIGatewayProxyEvent, route: TranscoderRoute): RestCall {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
  const query: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) if (values) query[name] = [...values];
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) if (value !== undefined && !query[name]) query[name] = [value];
  const body = event.body == null ? undefined : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  return { httpMethod: event.httpMethod, path: upstreamPathOf(event, route), query, headers, body };
}
