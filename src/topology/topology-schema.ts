import { z } from 'zod';

const topicName = z.string().regex(/^[a-zA-Z0-9._-]{1,200}$/, 'topic names use letters, digits, ".", "_" and "-"');
const endpoint = z.string().regex(/^(vendor|redis|http):\S+$/, 'external endpoints are written vendor:…, redis:… or http:…');

export const topicSpecSchema = z.object({
  name: topicName,
  partitions: z.number().int().min(1).max(1000),
  key: z.string().min(1),
  valueSchema: z.string().regex(/^[a-z0-9-]+$/, 'names a file schemas/<valueSchema>.avsc'),
  cleanupPolicy: z.enum(['delete', 'compact', 'compact,delete']),
  retentionMs: z.number().int().min(-1),
  /** Topic `max.message.bytes`: the largest record batch the broker accepts on this topic (docs/processor.md, Record sizes). */
  maxMessageBytes: z.number().int().min(65_536).optional(),
  /** Topic `segment.ms`: how soon the active segment rolls, so compaction can clean it. */
  segmentMs: z.number().int().min(60_000).optional(),
  /** Topic `min.cleanable.dirty.ratio`: how much of a compacted log may be superseded before the cleaner runs. */
  minCleanableDirtyRatio: z.number().gt(0).max(1).optional(),
});

export const processorSpecSchema = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  kind: z.enum(['poller', 'processor', 'server']),
  inputs: z.array(z.union([topicName, endpoint])).min(1),
  outputs: z.array(z.union([topicName, endpoint])).min(1),
});

/** A declared topology: the topics that exist and the processors that connect them. */
export const topologySchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    topics: z.array(topicSpecSchema).min(1),
    processors: z.array(processorSpecSchema),
  })
  .superRefine((topology, ctx) => {
    const names = new Set<string>();
    topology.topics.forEach((topic, index) => {
      if (names.has(topic.name)) ctx.addIssue({ code: 'custom', path: ['topics', index, 'name'], message: `duplicate topic ${topic.name}` });
      names.add(topic.name);
    });
    topology.processors.forEach((processor, index) => {
      for (const side of ['inputs', 'outputs'] as const) {
        processor[side].forEach((ref, refIndex) => {
          if (!ref.includes(':') && !names.has(ref)) {
            ctx.addIssue({ code: 'custom', path: ['processors', index, side, refIndex], message: `${processor.name} refers to undeclared topic ${ref}` });
          }
        });
      }
    });
  });

export type TopicSpec = z.infer<typeof topicSpecSchema>;
export type ProcessorSpec = z.infer<typeof processorSpecSchema>;
export type Topology = z.infer<typeof topologySchema>;
