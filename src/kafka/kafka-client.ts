import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig, logCreator } from 'kafkajs';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { applyKafkajsIdleQueueFix } from './kafkajs-idle-queue-fix.ts';
import { applyKafkajsReadCommittedFix } from './kafkajs-read-committed-fix.ts';

const toPinoLevel = (level: logLevel): 'error' | 'warn' | 'info' | 'debug' =>
  level === logLevel.ERROR || level === logLevel.NOTHING ? 'error' : level === logLevel.WARN ? 'warn' : level === logLevel.INFO ? 'info' : 'debug';

/**
 * Broker answers kafkajs logs at error level (`Response <Api>` with the broker's error, or the failed send) although
 * it retries them itself and they are routine on a healthy cluster: CONCURRENT_TRANSACTIONS right after a commit; a
 * group or transaction coordinator that is not available, still loading or has moved (a broker start, the first join
 * of a group); no leader or a new leader for a partition (a topic just created, a leader election); a topic-partition
 * the broker does not host yet (metadata right after creation). The individual attempts are debug; when the retries
 * run out, a consumer's `Crash: …` and `Restarting the consumer …` ({@link GIVING_UP}) and the caller's own error stay
 * at error level.
 */
const ROUTINE_RETRIES =
  /concurrent operation on the same transaction|coordinator is not available|coordinator is loading|not the correct coordinator|leadership election|not the leader for that topic-partition|does not host this topic-partition/i;

/** kafkajs lines that report retries running out, whatever the broker's error was. */
const GIVING_UP = /^(Crash: |Restarting the consumer )/;

/**
 * kafkajs warns this for every idempotent producer with a finite retry count. Ours are all transactional: a send
 * that runs out of retries fails its transaction, which is aborted and redone from committed state, so the warning
 * does not apply (docs/processor.md, "Retries and exactly-once").
 */
const HARMLESS_WARNINGS = /^Limiting retries for the idempotent producer may invalidate EoS guarantees$/;

/** kafkajs warns these although they are the normal course of a consumer group: members joining or leaving. */
const GROUP_MEMBERSHIP = /^The group is rebalancing, re-joining$/;

/**
 * The level one kafkajs log entry gets in our logger: routine, self-retried errors and the harmless retry-limit
 * warning are debug, a rebalance is info, everything else keeps kafkajs' level.
 */
export function kafkaLogLevel(level: logLevel, message: string, error: unknown): 'error' | 'warn' | 'info' | 'debug' {
  if (level === logLevel.ERROR && !GIVING_UP.test(message) && ROUTINE_RETRIES.test(`${message} ${String(error ?? '')}`)) return 'debug';
  if (level === logLevel.WARN && HARMLESS_WARNINGS.test(message)) return 'debug';
  if (level === logLevel.WARN && GROUP_MEMBERSHIP.test(message)) return 'info';
  return toPinoLevel(level);
}

/**
 * Routes kafkajs' own log lines into the process logger (so they follow LOG_FORMAT and redaction), at the level
 * {@link kafkaLogLevel} gives them, with the kafkajs namespace as `kafkajs` and without kafkajs' own timestamp.
 */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () => ({ namespace, level, log }) => {
    const { message, timestamp: _timestamp, logger: _kafkajs, ...extra } = log;
    logger[kafkaLogLevel(level, message, extra['error'])]({ kafkajs: namespace, ...extra }, message);
  };
}

/**
 * Builds the kafkajs client from config: brokers, client id, TLS and SASL; see {@link applyKafkajsIdleQueueFix} and
 * {@link applyKafkajsReadCommittedFix}.
 */
export function createKafka(config: Config, logger: Logger, clientIdSuffix = ''): Kafka {
  applyKafkajsIdleQueueFix();
  applyKafkajsReadCommittedFix();
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
