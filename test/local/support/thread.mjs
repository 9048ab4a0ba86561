// Runs TypeScript modules outside Jest's module sandbox (oidc-provider, openid-client and jose are
// ESM-only, which Jest's CommonJS runtime on Node 20 cannot load): registers tsx, then either
// serves a gateway (mode "gateway") or runs one exported function and posts its result.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';
import { register as registerCjs } from 'tsx/cjs/api';

registerCjs();
register();
const require = createRequire(import.meta.url);
const mod = require(workerData.module);
try {
  const result = await mod[workerData.fn](workerData.args, parentPort);
  if (result !== undefined) parentPort.postMessage({ type: 'result', result });
} catch (err) {
  parentPort.postMessage({ type: 'error', message: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) });
}
