import { join } from 'node:path';
import { loadConfigFile, selectEnvironments } from '../../lib/config/load';
import { demoPaths } from '../../local/demo';

const env = (file: string, name: string) => selectEnvironments(loadConfigFile(join(__dirname, '../..', file)), [name])[0];

/** The printed curl commands call routes of the config being served, not fixed paths. */
describe('demo paths of npm start', () => {
  it('come from gateway.config.yaml', () => {
    expect(demoPaths(env('gateway.config.yaml', 'dev'))).toEqual({
      apiKey: '/v1/users', jwt: '/v2/users', canary: '/v2/users', tenant: { path: '/orders/42', host: '*.api.example.com' },
    });
  });

  it('follow another config, and leave out a kind it has no route for', () => {
    const paths = demoPaths(env('examples/fintech-startup.yaml', 'dev'));
    expect(paths.jwt).toBe('/v1/payments');
    expect(paths.tenant).toBeUndefined();
  });
});
