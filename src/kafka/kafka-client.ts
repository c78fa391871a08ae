import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig, logCreator } from 'kafkajs';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { applyKafkajsIdleQueueFix } from './kafkajs-idle-queue-fix.ts';

const toPinoLevel = (level: logLevel): 'error' | 'warn' | 'info' | 'debug' =>
  level === logLevel.ERROR || level === logLevel.NOTHING ? 'error' : level === logLevel.WARN ? 'warn' : level === logLevel.INFO ? 'info' : 'debug';

/**
 * kafkajs logs these at error level although it retries them itself and they are routine: CONCURRENT_TRANSACTIONS
 * right after a commit, and a coordinator that is still loading after a broker start.
 */
const ROUTINE_RETRIES = /concurrent operation on the same transaction|coordinator is not available|coordinator is loading/i;

/**
 * kafkajs warns this for every idempotent producer with a finite retry count. Ours are all transactional: a send
 * that runs out of retries fails its transaction, which is aborted and redone from committed state, so the warning
 * does not apply (docs/processor.md, "Retries and exactly-once").
 */
const HARMLESS_WARNINGS = /^Limiting retries for the idempotent producer may invalidate EoS guarantees$/;

/**
 * Routes kafkajs' own log lines into the process logger; routine, self-retried errors and the harmless retry-limit
 * warning go to debug.
 */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () => ({ namespace, level, log }) => {
    const { message, ...extra } = log;
    const routine =
      (level === logLevel.ERROR && ROUTINE_RETRIES.test(`${message} ${String(extra['error'] ?? '')}`)) || (level === logLevel.WARN && HARMLESS_WARNINGS.test(message));
    logger[routine ? 'debug' : toPinoLevel(level)]({ kafkajs: namespace, ...extra }, message);
  };
}

/** Builds the kafkajs client from config: brokers, client id, TLS and SASL; see {@link applyKafkajsIdleQueueFix}. */
export function createKafka(config: Config, logger: Logger, clientIdSuffix = ''): Kafka {
  applyKafkajsIdleQueueFix();
  const { kafka } = config;
  const kafkaConfig: KafkaConfig = {
    clientId: `${kafka.clientId}${clientIdSuffix}`,
    brokers: [...kafka.brokers],
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 10_000 },
  };
  if (kafka.ssl) {
    kafkaConfig.ssl = kafka.sslCaFile === undefined ? true : { ca: [readFileSync(kafka.sslCaFile, 'utf8')] };
  }
  if (kafka.sasl !== undefined) {
    const { mechanism, username, password } = kafka.sasl;
    kafkaConfig.sasl =
      mechanism === 'plain'
        ? { mechanism: 'plain', username, password }
        : mechanism === 'scram-sha-256'
          ? { mechanism: 'scram-sha-256', username, password }
          : { mechanism: 'scram-sha-512', username, password };
  }
  return new Kafka(kafkaConfig);
}
