import { loadConfigFile } from '../lib/config/load';
import { compileRouteTable } from '../lib/gateway/route-table';
const c = loadConfigFile('gateway.config.yaml');
for (const m of compileRouteTable(c.environments.dev.config)) console.log(m.httpMethod, m.resourcePath, m.routes.map(r=>r.name).join(','), m.authorizer.ttl, m.authorizer.identitySources.join(' '), m.authorizer.ttlReason ?? '');
