/**
 * Every rule beyond the schema, in the order a user reads them: references and combinations,
 * deploy-time rules of AWS, the compliance gate's load-time findings, the edge quotas, then the
 * environment's own rules. This is the `ConfigCheck` the loader (lib/checks/load.ts) hands to the
 * parse (lib/config/parse.ts), for the file as written and for each merged environment.
 */
import { dirname } from 'node:path';
import { CONFIG_FINDINGS } from '../config/compliance-findings';
import { formatPath, type AddProblem, type KeyProblem } from '../config/errors';
import type { ConfigCheck } from '../config/parse';
import { checkDeployRules } from './deploy-rules';
import { checkEdgeCache, checkEdgeWebAcl } from './edge-limits';
import { checkEnvironment } from './environment-rules';
import { checkFederationSecrets } from './federation-secrets';
import { checkGrpcServices } from './grpc-rules';
import { checkReferences } from './references';
import { checkOpenApiServices } from './openapi-rules';
import { checkPortal } from './portal-rules';
import { checkResilience } from './resilience-rules';

/** Every problem of `config` (and of `environment`, when given), each once, in file order. */
export const checkConfig: ConfigCheck = (config, environment, source) => {
  const problems: KeyProblem[] = [];
  const add: AddProblem = (key, message) => problems.push({ key, message });
  checkReferences(config, add);
  checkDeployRules(config, add);
  checkComplianceFindings(config, add);
  checkFederationSecrets(config, add);
  checkEdgeCache(config, add);
  checkEdgeWebAcl(config, add);
  checkResilience(config, add);
  // The protos are files beside the config: without its file (a planner's what-if) they are not re-read.
  if (source) checkGrpcServices(config, add, dirname(source.file));
  checkPortal(config, add);
  checkOpenApiServices(config, add, dirname(source?.file ?? 'gateway.config.yaml'));
  if (environment) checkEnvironment(config, environment.name, environment.env, add);
  return dedupe(problems);
};

/**
 * The loader's half of the compliance findings table (lib/config/compliance-findings.ts): every
 * finding the config alone decides, at its key.
 */
function checkComplianceFindings(config: Parameters<ConfigCheck>[0], add: AddProblem): void {
  for (const row of CONFIG_FINDINGS) {
    if (row.at === 'load' && row.refused(config)) add(row.key, row.problem(config));
  }
}

/** Two rules may find the same problem (a cache behavior pattern pair, a reference seen twice). */
function dedupe(problems: KeyProblem[]): KeyProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${formatPath(p.key)}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
