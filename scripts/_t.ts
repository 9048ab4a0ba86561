import { loadConfigFile } from '../lib/config/load';
try { const c = loadConfigFile(process.argv[2]); console.log(Object.keys(c.environments), JSON.stringify(c.environments.dev.profile)); } catch (e) { console.log((e as Error).message); }
