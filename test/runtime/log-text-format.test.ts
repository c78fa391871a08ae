import { describe, expect, it } from 'vitest';
import { formatLogLine } from '../../src/runtime/log-text-format.ts';

/** 2026-11-29 21:05:07.250 in the local time zone of the test process, so the expected clock is known. */
const LOCAL_TIME = new Date(2026, 10, 29, 21, 5, 7, 250).getTime();

const line = (record: Record<string, unknown>): string => JSON.stringify({ level: 30, time: LOCAL_TIME, service: 'agent-timelines', pid: 7, hostname: 'h', ...record });

describe('formatLogLine', () => {
  it('writes time, level, component, message and the remaining fields on one line', () => {
    expect(formatLogLine(line({ component: 'processor', partition: 3, restored: true, groupId: 'demo-1', note: 'two words', nothing: null, msg: 'partition state restored' }))).toBe(
      '21:05:07 info  processor    partition state restored  partition=3 restored=true groupId=demo-1 note="two words" nothing=null\n',
    );
  });

  it('names kafkajs lines by their namespace and marks a line without a component with "-"', () => {
    expect(formatLogLine(line({ level: 40, kafkajs: 'Consumer', msg: 'Consumer group received unsubscribed topics' }))).toBe('21:05:07 warn  kafkajs.Consumer Consumer group received unsubscribed topics\n');
    expect(formatLogLine(line({ level: 40, component: 'processor', kafkajs: 'Consumer', msg: 'm' }))).toBe('21:05:07 warn  processor/kafkajs.Consumer m\n');
    expect(formatLogLine(line({ msg: 'Server listening at http://127.0.0.1:8080' }))).toBe('21:05:07 info  -            Server listening at http://127.0.0.1:8080\n');
  });

  it('shows an error by its message, and its stack from error level on', () => {
    const err = { type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:6379', stack: 'Error: connect ECONNREFUSED 127.0.0.1:6379\n    at a (x.ts:1:1)\n    at b (y.ts:2:2)' };
    expect(formatLogLine(line({ level: 40, component: 'redis-sink', err, msg: 'Redis write failed; retrying' }))).toBe('21:05:07 warn  redis-sink   Redis write failed; retrying  err="connect ECONNREFUSED 127.0.0.1:6379"\n');
    expect(formatLogLine(line({ level: 50, component: 'redis-sink', err, msg: 'gave up' }))).toBe('21:05:07 error redis-sink   gave up  err="connect ECONNREFUSED 127.0.0.1:6379"\n    at a (x.ts:1:1)\n    at b (y.ts:2:2)\n');
  });

  it('cuts long structured fields and passes non-JSON through', () => {
    const topics = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`topic${i}`, `demo.run.raw.topic-${i}`]));
    const text = formatLogLine(line({ component: 'processor', topics, msg: 'timeline processor started' }));
    expect(text).toMatch(/^21:05:07 info {2}processor {4}timeline processor started {2}topics=\{"topic0":"demo\.run\.raw\.topic-0",.*…\n$/);
    expect(text.length).toBeLessThan(240);
    expect(formatLogLine('not json')).toBe('not json\n');
    expect(formatLogLine('[1,2]\n')).toBe('[1,2]\n');
  });

  it('colours the level only when asked', () => {
    const warn = line({ level: 40, component: 'c', msg: 'm' });
    expect(formatLogLine(warn)).not.toContain('\u001b[');
    expect(formatLogLine(warn, { colour: true })).toContain('\u001b[33mwarn \u001b[39m');
  });
});
