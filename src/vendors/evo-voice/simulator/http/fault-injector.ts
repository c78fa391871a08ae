import { deriveSeed, Prng } from '../../../../core/random/prng.ts';
import type { EvoFaultOptions } from '../simulator-options.ts';

export type RequestFault = { kind: 'none' } | { kind: 'tooManyRequests' } | { kind: 'serverError'; status: 500 | 502 | 503 };

/** What becomes of a report job: completes, stays Running for ever, or ends in Error with `message`. */
export type JobFate = { kind: 'complete' } | { kind: 'stuck' } | { kind: 'error'; message: string };

const ERROR_MESSAGES = [
  'Report generation failed: timeout querying session archive',
  'Report generation failed: worker sim-1 restarted',
  'Report generation failed: cursor not found on the reporting replica',
];

/** How a download is served: `truncateTo` bytes (null: all), streamed slowly or not. */
export interface DownloadFault {
  readonly slow: boolean;
  /** Share of the workbook sent, in (0, 1), or null for the whole file. */
  readonly truncateShare: number | null;
}

const SERVER_ERRORS = [500, 502, 503] as const;

/**
 * Draws the faults from three independent streams of one seed: requests (3 draws each, in arrival order), jobs (3
 * draws each, in submission order) and downloads (3 draws each, in order), so each depends only on the seed and its
 * own position.
 */
export class FaultInjector {
  private readonly options: EvoFaultOptions;
  private readonly requests: Prng;
  private readonly jobs: Prng;
  private readonly downloads: Prng;

  constructor(options: EvoFaultOptions, seed: number) {
    this.options = options;
    this.requests = new Prng(deriveSeed(seed, 'evo-requests'));
    this.jobs = new Prng(deriveSeed(seed, 'evo-jobs'));
    this.downloads = new Prng(deriveSeed(seed, 'evo-downloads'));
  }

  request(): RequestFault {
    const [limited = 1, failed = 1, which = 0] = [this.requests.next(), this.requests.next(), this.requests.next()];
    if (limited < this.options.rate429) return { kind: 'tooManyRequests' };
    if (failed < this.options.rate5xx) return { kind: 'serverError', status: SERVER_ERRORS[Math.floor(which * SERVER_ERRORS.length)] ?? 500 };
    return { kind: 'none' };
  }

  job(): JobFate {
    const [stuck = 1, error = 1, which = 0] = [this.jobs.next(), this.jobs.next(), this.jobs.next()];
    if (stuck < this.options.stuckRate) return { kind: 'stuck' };
    if (error < this.options.errorRate) return { kind: 'error', message: ERROR_MESSAGES[Math.floor(which * ERROR_MESSAGES.length)] ?? 'Report generation failed' };
    return { kind: 'complete' };
  }

  download(): DownloadFault {
    const [slow = 1, truncated = 1, share = 0.5] = [this.downloads.next(), this.downloads.next(), this.downloads.next()];
    return { slow: slow < this.options.slowDownloadRate, truncateShare: truncated < this.options.truncatedRate ? 0.3 + 0.6 * share : null };
  }
}
