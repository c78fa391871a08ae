/** The vendor systems whose data the pipeline takes, as every output row names them in `source`. */
export const SOURCE_IDS = ['sinch-rai', 'evo-voice', 'thulium', 'hostedsuite'] as const;

export type SourceId = (typeof SOURCE_IDS)[number];

export function isSourceId(value: unknown): value is SourceId {
  return typeof value === 'string' && (SOURCE_IDS as readonly string[]).includes(value);
}
