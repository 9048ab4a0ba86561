import { closestKey } from './describe-issue';

/**
 * How the entry points learn which config to use: `GATEHOUSE_*` variables and CDK context keys.
 * A typo there used to fall back silently to the sample config (`GATEHOUSE_CONFG=...` synthesized
 * gateway.config.yaml); now every unknown name is an error with the closest known one.
 */

/** Every `GATEHOUSE_*` variable Gatehouse reads, and where. */
export const GATEHOUSE_VARIABLES = {
  GATEHOUSE_CONFIG: 'the config file (synth, plan, npm start)',
  GATEHOUSE_DEBUG: 'add the stack of an unexpected error (synth)',
  GATEHOUSE_AUTHORIZER_CONFIG: 'the authorizer config (baked into its bundle; set by tests)',
} as const;

/** The CDK context keys `bin/gatehouse.ts` reads (`-c key=value`). */
export const CONTEXT_KEYS = { config: 'the config file', env: 'the environments to synthesize (comma-separated)' } as const;

/** One line per `GATEHOUSE_*` variable in `env` that Gatehouse does not read. */
export function unknownGatehouseVariables(env: NodeJS.ProcessEnv): string[] {
  const known = Object.keys(GATEHOUSE_VARIABLES);
  return Object.keys(env).filter((name) => name.startsWith('GATEHOUSE_') && !known.includes(name)).map((name) => {
    const suggestion = closestKey(name, known);
    return `${name}: unknown variable${suggestion ? `; did you mean ${suggestion}?` : `; Gatehouse reads ${known.join(', ')}`}`;
  });
}

/**
 * One line per CDK context key that is neither Gatehouse's (`config`, `env`) nor the CDK's own
 * (feature flags `@scope/...`, `aws:cdk:...`, `aws-cdk:...`, `cdk-...`, lookup caches): `-c confg=x` is a typo, not a setting.
 */
export function unknownContextKeys(context: Readonly<Record<string, unknown>>): string[] {
  const known = Object.keys(CONTEXT_KEYS);
  return Object.keys(context).filter((key) => !known.includes(key) && !/^(@|aws:|aws-cdk:|cdk[-:]|acknowledged-issue-numbers$|availability-zones:|vpc-provider:|hosted-zone:|ami:|ssm:|security-group:|load-balancer:|key-provider:)/.test(key)).map((key) => {
    const suggestion = closestKey(key, known);
    return `-c ${key}: unknown context key${suggestion ? `; did you mean -c ${suggestion}=...?` : `; Gatehouse reads ${known.map((k) => `-c ${k}=...`).join(', ')}`}`;
  });
}
