import { envSchema } from './config-schema.ts';
import type { Env } from './config-schema.ts';
import { ConfigError } from '../errors/config-error.ts';

/** Runtime configuration, grouped by the adapter that consumes it. */
export interface Config {
  readonly tenant: string;
  readonly topicPrefix: string;
  readonly logLevel: Env['LOG_LEVEL'];
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly ssl: boolean;
    readonly sslCaFile: string | undefined;
    readonly sasl: { readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; readonly username: string; readonly password: string } | undefined;
  };
  readonly schemaRegistry: {
    readonly url: string;
    readonly auth: { readonly username: string; readonly password: string } | undefined;
  };
  readonly redis: {
    readonly url: string;
    readonly tls: boolean;
    readonly username: string | undefined;
    readonly password: string | undefined;
    readonly keyPrefix: string;
  };
  readonly processor: { readonly groupId: string; readonly allowedLatenessMs: number };
  readonly http: { readonly host: string; readonly port: number };
}

/**
 * Parses the environment once. Unknown variables are ignored; every invalid variable is reported in one
 * {@link ConfigError} whose message names each variable and what is wrong with it.
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '(environment)');
      const value = relevant[variable];
      const shown = value === undefined || /PASSWORD/.test(variable) ? '' : ` (got ${JSON.stringify(value)})`;
      return `${variable}: ${issue.message}${shown}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const saslParts = [e.KAFKA_SASL_MECHANISM, e.KAFKA_SASL_USERNAME, e.KAFKA_SASL_PASSWORD];
  const saslGiven = saslParts.filter((part) => part !== undefined).length;
  if (saslGiven !== 0 && saslGiven !== 3) {
    throw new ConfigError(['KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD must be set together']);
  }
  if ((e.SCHEMA_REGISTRY_USERNAME === undefined) !== (e.SCHEMA_REGISTRY_PASSWORD === undefined)) {
    throw new ConfigError(['SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD must be set together']);
  }
  return {
    tenant: e.TENANT,
    topicPrefix: e.TOPIC_PREFIX,
    logLevel: e.LOG_LEVEL,
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
      ssl: e.KAFKA_SSL,
      sslCaFile: e.KAFKA_SSL_CA_FILE,
      sasl:
        e.KAFKA_SASL_MECHANISM !== undefined && e.KAFKA_SASL_USERNAME !== undefined && e.KAFKA_SASL_PASSWORD !== undefined
          ? { mechanism: e.KAFKA_SASL_MECHANISM, username: e.KAFKA_SASL_USERNAME, password: e.KAFKA_SASL_PASSWORD }
          : undefined,
    },
    schemaRegistry: {
      url: e.SCHEMA_REGISTRY_URL.replace(/\/+$/, ''),
      auth:
        e.SCHEMA_REGISTRY_USERNAME !== undefined && e.SCHEMA_REGISTRY_PASSWORD !== undefined
          ? { username: e.SCHEMA_REGISTRY_USERNAME, password: e.SCHEMA_REGISTRY_PASSWORD }
          : undefined,
    },
    redis: {
      url: e.REDIS_URL,
      tls: e.REDIS_TLS,
      username: e.REDIS_USERNAME,
      password: e.REDIS_PASSWORD,
      keyPrefix: e.REDIS_KEY_PREFIX,
    },
    processor: { groupId: e.PROCESSOR_GROUP_ID, allowedLatenessMs: e.ALLOWED_LATENESS_MS },
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT },
  };
}
