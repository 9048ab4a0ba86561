/**
 * Services that publish an OpenAPI document (services[].openapi, issue 17): the document reads
 * (3.0 or 3.1, its own file:line on a problem) and the routes to the service do not drift from it
 * (lib/openapi/import/drift.ts). With `drift: warning` the drift is not a load problem:
 * `gatehouse validate` prints it ({@link openApiWarnings}).
 */
import { join } from 'node:path';
import type { AddProblem } from '../config/errors';
import type { GatewayConfig } from '../config/schema';
import { serviceDrift, type Drift } from '../openapi/import/drift';
import { readServiceDocument } from '../openapi/import/service-document';

export function checkOpenApiServices(config: GatewayConfig, add: AddProblem, configDir: string): void {
  for (const d of documentFindings(config, configDir, 'error')) add(d.key, d.message);
}

/** Drift of the services whose config says `drift: warning`. */
export function openApiWarnings(config: GatewayConfig, configDir: string): Drift[] {
  return documentFindings(config, configDir, 'warning');
}

function documentFindings(config: GatewayConfig, configDir: string, mode: 'error' | 'warning'): Drift[] {
  return config.services.flatMap((service, s) => {
    if (!service.openapi) return [];
    const key = ['services', s, 'openapi', 'document'];
    const { document, problems } = readServiceDocument(join(configDir, service.openapi.document), service.openapi.document);
    // A document that cannot be read is always an error: nothing could be checked.
    if (mode === 'error' && problems.length > 0) return problems.map((p) => ({ key, message: p.message }));
    if (!document || service.openapi.drift !== mode) return [];
    return serviceDrift(config, s, document);
  });
}
