import { textBlocks } from './changelog-records.ts';
import type { InlineBlock, StateBlock, WritableEntry } from './state-entries.ts';
import type { Run } from './state-runs.ts';
import { blocksOf } from './state-runs.ts';

/**
 * How many characters of an entry in blocks its manifest carries: the runs that changed since the previous commit and
 * the head, in this order of preference (changelog-records.ts: a manifest stays far below the record limit).
 */
export const INLINE_CHARACTERS = 32_768;

/**
 * Collects the texts of one entry's JSON: `{"a":[runs…],"b":[runs…],` then the head's own fields and `}`. A run
 * unchanged since the previous commit is a block of its own, so it keeps its block id and its part record, and so is
 * a run that changed but is not expected to change again (added with `inline: false`); the other runs that changed
 * (open pieces, run-pieces.ts) and the head are carried in the manifest (up to {@link INLINE_CHARACTERS}), so that a
 * commit of a live agent writes one record per entry rather than new parts, their manifest and the old parts'
 * tombstones.
 */
export class EntryText {
  readonly runs: Run[] = [];
  readonly #inlineRuns: boolean[] = [];
  length = 0;
  /** The length of the runs unchanged since the previous commit. */
  reused = 0;
  #pending = '{';
  #first = true;

  open(name: string): void {
    this.#pending += `${JSON.stringify(name)}:[`;
    this.#first = true;
  }

  /** What precedes the next run. */
  glue(): string {
    return this.#first ? this.#pending : ',';
  }

  /**
   * Adds a run; `reused` when it is the previous commit's unchanged. `inline: false` writes a run that changed as a
   * block of its own all the same (a run that ended and is not expected to change again), rather than in the manifest.
   */
  add(run: Run, reused: boolean, inline = true): void {
    this.runs.push(run);
    this.#inlineRuns.push(inline && !reused);
    this.length += run.text.length;
    if (reused) this.reused += run.text.length;
    this.#pending = '';
    this.#first = false;
  }

  close(): void {
    this.#pending += '],';
  }

  entry(kind: 'user' | 'session', tenant: string, id: string, head: object, blocksFrom: number): WritableEntry {
    const headJson = JSON.stringify(head);
    const tail = headJson.length > 2 ? this.#pending + headJson.slice(1) : `${this.#pending.slice(0, -1)}}`;
    const length = this.length + tail.length;
    if (length < blocksFrom || this.reused * 2 < length) return { kind, tenant, id, json: this.runs.map((run) => run.text).join('') + tail };
    const blocks: (StateBlock | InlineBlock)[] = [];
    let budget = INLINE_CHARACTERS - (tail.length <= INLINE_CHARACTERS ? tail.length : 0);
    let inline = '';
    this.runs.forEach((run, i) => {
      if (this.#inlineRuns[i] === true && run.text.length <= budget) {
        inline += run.text;
        budget -= run.text.length;
        return;
      }
      if (inline !== '') blocks.push({ id: null, text: inline });
      inline = '';
      blocks.push(...blocksOf(run));
    });
    if (tail.length <= INLINE_CHARACTERS) blocks.push({ id: null, text: inline + tail });
    else {
      if (inline !== '') blocks.push({ id: null, text: inline });
      blocks.push(...textBlocks(tail));
    }
    return { kind, tenant, id, blocks, length };
  }
}
