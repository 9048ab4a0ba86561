/**
 * The developer portal's path (issue 17) belongs to the portal: a route at or under it is
 * refused at load; pinned in refused-before-deploy.test.ts, run through synth, planner and twin
 * by test/checks/parity.test.ts.
 */
import { at, edit } from './fixtures';
import { bad, type BadConfig } from './bad-config';

export const PORTAL: readonly BadConfig[] = [
  bad('refuses a route under the portal\'s path', edit(['    paths: [/v1/catalog]\n', '    paths: [/v1/catalog, /docs/catalog]\n']),
    (text) => [`${at(text, '/docs/catalog')} routes[1].paths[1]: /docs/catalog is under /docs, the developer portal's path: move the route, set portal.path to another segment, or portal.enabled: false`]),
  bad('refuses a route at a portal path moved by the config', edit(['    paths: [/v1/catalog]\n', '    paths: [/reference]\n'], ['tiers:\n', 'portal:\n  path: /reference\ntiers:\n']),
    (text) => [`${at(text, 'paths: [/reference]')} routes[1].paths[0]: /reference is under /reference, the developer portal's path: move the route, set portal.path to another segment, or portal.enabled: false`]),
  bad('refuses a portal path of more than one segment', edit(['tiers:\n', 'portal:\n  path: /docs/api\ntiers:\n']),
    (text) => [`${at(text, 'path: /docs/api')} portal.path: one path segment like /docs`]),
];
