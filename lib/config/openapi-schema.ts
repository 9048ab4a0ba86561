/**
 * A service's own OpenAPI document (issue 17, docs/openapi.md): the routes to the service are
 * checked against it at load (paths, methods, request bodies, security), so drift between the
 * config and what the service publishes is found before deploy.
 */
import { z } from 'zod';

export const ServiceOpenApi = z.strictObject({
  document: z.string().min(1)
    .refine((f) => !f.startsWith('/') && !f.split(/[\\/]/).includes('..'), 'a path relative to the config file\'s directory, inside it (no leading / and no ..)')
    .describe('The service\'s OpenAPI 3.0 or 3.1 document (YAML or JSON), relative to the config file.'),
  drift: z.enum(['error', 'warning']).default('error')
    .describe('error: a difference between the routes and the document refuses the config; warning: gatehouse validate prints it and the config loads.'),
}).describe('Check the routes to this service against its OpenAPI document.');

export type ServiceOpenApiConfig = z.infer<typeof ServiceOpenApi>;
