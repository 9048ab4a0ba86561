import { closestKey } from '../lib/config/describe-issue';
import { unknownGatehouseVariables } from '../lib/config/selection';
import { hostPort, type ListenError } from './listen';

/**
 * The local gateway's environment variables (PORT, ISSUER_PORT, HOST, REDIS_URL,
 * DYNAMODB_ENDPOINT, CONSUMERS_TABLE_NAME), read and checked before anything starts. Pure
 * functions: a mistake comes back as a problem naming the variable and the value as typed, never
 * as a Node error about `options.port` or `Invalid URL`.
 */

/** One problem with one variable: `PORT="abc": must be an integer from 0 to 65535`. */
export interface EnvProblem {
  readonly variable: string;
  readonly message: string;
}

export interface LocalEnv {
  readonly port: number;
  /** From ISSUER_PORT, else PORT + 1 (0 when PORT is 0). */
  readonly issuerPort: number;
  /** Whether ISSUER_PORT was set (messages say where a derived port came from). */
  readonly issuerPortSet: boolean;
  readonly host: string;
  readonly redisUrl?: string;
  readonly dynamodbEndpoint?: string;
  readonly consumersTableName?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Renders problems one per line, as the config loader does: `Invalid environment` then `  VAR: ...`. */
export function formatEnvProblems(problems: readonly EnvProblem[]): string {
  const head = problems.length === 1 ? 'Invalid environment' : `Invalid environment (${problems.length} problems)`;
  return `${head}\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`;
}

/** The variables the local gateway reads (besides GATEHOUSE_CONFIG, LOG and STAGE_THROTTLE). */
const LOCAL_VARIABLES = ['PORT', 'ISSUER_PORT', 'HOST', 'REDIS_URL', 'DYNAMODB_ENDPOINT', 'CONSUMERS_TABLE_NAME'];
/** Prefixes of the variables above: a set variable with one of them and another name is a typo. */
const LOCAL_PREFIXES = /^(REDIS_|DYNAMODB_|DYNAMO_|CONSUMERS_|ISSUER_)/;

/**
 * Set variables that look like one the gateway reads but are not (`REDIS_URI` kept the in-memory
 * limiter without a word), and unknown `GATEHOUSE_*` variables (`GATEHOUSE_CONFG`).
 */
function lookalikeVariables(env: Env): EnvProblem[] {
  const lookalikes = Object.keys(env).filter((name) => env[name] !== undefined && LOCAL_PREFIXES.test(name) && !LOCAL_VARIABLES.includes(name)).map((variable) => {
    const suggestion = closestKey(variable, LOCAL_VARIABLES);
    return { variable, message: `not a variable the local gateway reads${suggestion ? `; did you mean ${suggestion}?` : `; it reads ${LOCAL_VARIABLES.join(', ')}`}` };
  });
  const gatehouse = unknownGatehouseVariables(env).map((line) => {
    const [variable, ...rest] = line.split(': ');
    return { variable, message: rest.join(': ') };
  });
  return [...lookalikes, ...gatehouse];
}

/** `"8080"` -> 8080; a problem for anything but a whole number from 0 to 65535. */
export function parsePort(variable: string, value: string): number | EnvProblem {
  const trimmed = value.trim();
  const port = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || port > 65535) {
    return { variable, message: `${JSON.stringify(value)} is not a port; expected an integer from 0 to 65535 (0: any free port)` };
  }
  return port;
}

/**
 * A problem when `value` is not a Redis URL ioredis connects to as meant:
 * `redis://[user:password@]host[:port][/db]` or `rediss://` (TLS). ioredis guesses at other strings
 * (a bare word becomes a host name, `http://host` plain Redis), so they are refused.
 */
export function redisUrlProblem(value: string): string | undefined {
  const shown = JSON.stringify(redactUrl(value));
  const expected = 'expected redis://HOST[:PORT][/DB] or rediss://HOST[:PORT][/DB], e.g. redis://127.0.0.1:6379';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme !== 'redis' && scheme !== 'rediss') return `${shown} is not a Redis URL; ${expected}`;
  const url = urlOf(value);
  if (!url) return `${shown} is not a valid URL${portHint(value)}; ${expected}`;
  if (!url.hostname) return `${shown} names no host; ${expected}`;
  if (url.port === '0') return `${shown}: port 0 is not a Redis port; ${expected}`;
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) return `${shown}: the path must be a database number (/0, /1, ...), got "/${db}"`;
  return undefined;
}

/** A problem when `value` is not an http(s) endpoint URL (dynalite, DynamoDB Local or a real endpoint). */
export function endpointProblem(value: string): string | undefined {
  const expected = 'expected an http:// or https:// URL, e.g. http://127.0.0.1:4567 (dynalite)';
  const url = urlOf(value);
  if (!url || !/^https?:$/.test(url.protocol) || !/^https?:\/\//i.test(value)) return `${JSON.stringify(value)} is not an endpoint URL${url ? '' : portHint(value)}; ${expected}`;
  if (!url.hostname) return `${JSON.stringify(value)} names no host; ${expected}`;
  if (url.port === '0') return `${JSON.stringify(value)}: port 0 cannot be connected to; ${expected}`;
  return undefined;
}

/**
 * Reads and checks every variable; returns the settings, or every problem at once.
 * `printOnly` (--print-credentials) listens on free ports whatever PORT says.
 */
export function readLocalEnv(env: Env, printOnly = false): LocalEnv | EnvProblem[] {
  const problems: EnvProblem[] = [...lookalikeVariables(env)];
  const port = printOnly || env.PORT === undefined ? (printOnly ? 0 : 8080) : parsePort('PORT', env.PORT);
  if (typeof port !== 'number') problems.push(port);
  let issuerPort: number | EnvProblem = 0;
  const issuerPortSet = !printOnly && env.ISSUER_PORT !== undefined;
  if (issuerPortSet) issuerPort = parsePort('ISSUER_PORT', env.ISSUER_PORT!);
  else if (typeof port === 'number' && port !== 0 && !printOnly) {
    issuerPort = port + 1;
    if (port === 65535) issuerPort = { variable: 'ISSUER_PORT', message: `not set, and its default PORT + 1 = 65536 is above 65535; set ISSUER_PORT (0: any free port)` };
  }
  if (typeof issuerPort !== 'number') problems.push(issuerPort);

  const host = env.HOST ?? '127.0.0.1';
  if (host.trim() === '' || host !== host.trim()) problems.push({ variable: 'HOST', message: `${JSON.stringify(host)} is not a host name or IP address; e.g. 127.0.0.1, 0.0.0.0 or localhost` });

  // One URL, or one per region of a multi-region twin, comma-separated (their count is checked against the regions once the config is read).
  const redisUrl = env.REDIS_URL || undefined;
  for (const url of redisUrl === undefined ? [] : redisUrlList(redisUrl)) {
    const redis = redisUrlProblem(url);
    if (redis) problems.push({ variable: 'REDIS_URL', message: redis });
  }

  const dynamodbEndpoint = env.DYNAMODB_ENDPOINT || undefined;
  const dynamo = dynamodbEndpoint === undefined ? undefined : endpointProblem(dynamodbEndpoint);
  if (dynamo) problems.push({ variable: 'DYNAMODB_ENDPOINT', message: dynamo });
  const consumersTableName = env.CONSUMERS_TABLE_NAME;
  if (consumersTableName !== undefined && !/^[A-Za-z0-9_.-]{3,255}$/.test(consumersTableName)) {
    problems.push({ variable: 'CONSUMERS_TABLE_NAME', message: `${JSON.stringify(consumersTableName)} is not a DynamoDB table name (3-255 letters, digits, "_", "-", ".")` });
  }

  if (problems.length > 0) return problems;
  return { port: port as number, issuerPort: issuerPort as number, issuerPortSet, host, redisUrl, dynamodbEndpoint, consumersTableName };
}

/** `REDIS_URL` as a list: one URL, or one per region (`redis://a:6379,redis://b:6379`). */
export function redisUrlList(value: string): string[] {
  return value.split(',').map((u) => u.trim());
}

/**
 * One line naming the variable to change: HOST for an address that is not this machine's (or
 * not resolvable), PORT or ISSUER_PORT for a port that is taken or not allowed.
 */
export function describeListenError(err: ListenError, env: Pick<LocalEnv, 'port' | 'issuerPortSet'>): string {
  const where = hostPort(err.host, err.port);
  const what = err.listener === 'gateway' ? 'the gateway' : err.listener === 'issuer' ? 'the local OAuth issuer' : 'a sample upstream';
  switch (err.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return `HOST=${err.host}: cannot listen there: the name or address does not resolve (${err.code}); use an address of this machine, e.g. 127.0.0.1 or 0.0.0.0`;
    case 'EADDRNOTAVAIL':
    case 'EINVAL':
    case 'EAFNOSUPPORT':
      return `HOST=${err.host}: cannot listen on ${where}: not an address of this machine (${err.code}); use e.g. 127.0.0.1 or 0.0.0.0`;
    default: {
      if (err.listener === 'upstream') return `HOST=${err.host}: cannot start ${what} on ${where}: ${causeText(err)}`;
      const variable = err.listener === 'gateway' ? 'PORT' : 'ISSUER_PORT';
      const typed = err.listener === 'issuer' && !env.issuerPortSet ? `ISSUER_PORT (not set: PORT + 1 = ${err.port})` : `${variable}=${err.port}`;
      const reason = err.code === 'EADDRINUSE' ? 'the port is already in use'
        : err.code === 'EACCES' ? 'permission denied (ports below 1024 need privileges)'
          : causeText(err);
      return `${typed}: cannot start ${what} on ${where}: ${reason}; set ${variable} to a free port (0: any free port)`;
    }
  }
}

function causeText(err: ListenError): string {
  return ((err.cause as Error)?.message ?? err.message).replace(/^listen /, '');
}

function urlOf(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** ` (port 99999 is above 65535)` when an out-of-range port is why the URL does not parse. */
function portHint(value: string): string {
  const port = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/]*):(\d+)/i.exec(value)?.[1];
  return port !== undefined && Number(port) > 65535 ? ` (port ${port} is above 65535)` : '';
}

/** The URL without its password (`redis://user:***@host`), for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}
