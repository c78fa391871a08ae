import { readFileSync } from 'node:fs';
import type { BaseOptions, SASLMechanismValue } from '@platformatic/kafka';
import type { Config } from '../config/config.ts';

const SASL_MECHANISMS: Record<NonNullable<Config['kafka']['sasl']>['mechanism'], SASLMechanismValue> = {
  plain: 'PLAIN',
  'scram-sha-256': 'SCRAM-SHA-256',
  'scram-sha-512': 'SCRAM-SHA-512',
};

/**
 * The connection options of an @platformatic/kafka client from the same config as the kafkajs clients
 * (kafka-client.ts): brokers, client id, TLS and SASL. Requests time out after `timeoutMs`; retriable broker answers
 * are retried up to `retries` times after 20 ms, doubling to at most 2 s.
 */
export function platformaticBaseOptions(config: Config, clientIdSuffix: string, timeoutMs: number, retries: number): BaseOptions {
  const { kafka } = config;
  const options: BaseOptions = {
    clientId: `${kafka.clientId}${clientIdSuffix}`,
    bootstrapBrokers: [...kafka.brokers],
    timeout: timeoutMs,
    retries,
    retryDelay: (_client, _operation, attempt) => Math.min(2_000, 20 * 2 ** Math.max(0, attempt - 1)),
  };
  if (kafka.ssl) options.tls = kafka.sslCaFile === undefined ? {} : { ca: [readFileSync(kafka.sslCaFile, 'utf8')] };
  if (kafka.sasl !== undefined) options.sasl = { mechanism: SASL_MECHANISMS[kafka.sasl.mechanism], username: kafka.sasl.username, password: kafka.sasl.password };
  return options;
}
