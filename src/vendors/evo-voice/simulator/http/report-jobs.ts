import { randomUUID } from 'node:crypto';
import { deriveSeed, Prng } from '../../../../core/random/prng.ts';
import type { EvoWorld } from '../model/evo-world.ts';
import type { EvoUser } from '../model/tenant.ts';
import type { JobTimings } from '../simulator-options.ts';
import type { ReportContent } from '../workbook/report-content.ts';
import { reportContent } from '../workbook/report-content.ts';
import type { FaultInjector, JobFate } from './fault-injector.ts';
import type { ReportInfo } from './report-info.ts';
import { REPORT_NAMES } from './report-info.ts';
import type { ReportRequest } from './report-request.ts';
import type { WebhookSender } from './webhook-sender.ts';

/** A report job: its ReportInfo (updated in place), who ran it, what for, and, once Completed, its content. */
export interface ReportJob {
  readonly info: ReportInfo;
  readonly owner: string;
  readonly request: ReportRequest;
  readonly fate: JobFate;
  content: ReportContent | null;
}

export interface ReportJobsDependencies {
  readonly world: EvoWorld;
  /** The simulated now (what a report sees). */
  readonly now: () => number;
  /** The wall clock (ReportInfo dates, job timings). */
  readonly realClock: () => number;
  readonly timings: JobTimings;
  readonly faults: FaultInjector;
  readonly webhook: WebhookSender;
  readonly count: (counter: string) => void;
  readonly seed: number;
  /** The simulator's base URL, for downloadLink. */
  readonly baseUrl: () => string;
}

/**
 * The report jobs and their lifecycle: Queued, after `queuedMs` Running, after `runningMs` Completed (the content
 * rendered at that simulated now) or Error (statusMessage set), or, for a stuck job, Running for ever. dateUpdated
 * changes on every transition. On Completed or Error a job with a webhookUrl is POSTed. A deleted job is gone:
 * its timers stop and its content is dropped.
 */
export class ReportJobs {
  private readonly deps: ReportJobsDependencies;
  /** By id, in creation order. */
  private readonly jobs = new Map<string, ReportJob>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly ids: Prng;
  private closed = false;

  constructor(deps: ReportJobsDependencies) {
    this.deps = deps;
    this.ids = new Prng(deriveSeed(deps.seed, 'evo-report-ids'));
  }

  /** Queues a report for `user`; returns its ReportInfo (status Queued). */
  submit(user: EvoUser, request: ReportRequest): ReportInfo {
    const created = this.deps.realClock();
    const id = `${Math.floor(created / 1000).toString(16).padStart(8, '0').slice(-8)}${this.ids.hex(16)}`;
    const stamp = new Date(created).toISOString();
    const info: ReportInfo = {
      id,
      name: REPORT_NAMES[request.kind],
      status: 'Queued',
      statusMessage: null,
      dateCreated: stamp,
      dateUpdated: stamp,
      downloadLink: `${this.deps.baseUrl()}/reports/${id}.xlsx`,
      jobId: randomUUID(),
      emailAddressToNotify: request.emailAddressToNotify,
      server: 'sim-1',
    };
    const job: ReportJob = { info, owner: user.userName, request, fate: this.deps.faults.job(), content: null };
    this.jobs.set(id, job);
    this.deps.count(`job:Queued`);
    this.after(id, this.deps.timings.queuedMs, () => this.run(job));
    return { ...info };
  }

  /** The user's reports for the account, newest first. */
  list(user: EvoUser, accountId: string): ReportInfo[] {
    return [...this.jobs.values()].filter((j) => j.owner === user.userName && j.request.accountId === accountId).reverse().map((j) => ({ ...j.info }));
  }

  /** The user's job with this id, if it exists and is not deleted. */
  find(user: EvoUser, id: string): ReportJob | undefined {
    const job = this.jobs.get(id);
    return job?.owner === user.userName ? job : undefined;
  }

  /** Deletes the user's job and its workbook; false when there is none. */
  delete(user: EvoUser, id: string): boolean {
    if (this.find(user, id) === undefined) return false;
    this.jobs.delete(id);
    const timer = this.timers.get(id);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(id);
    this.deps.count('job:deleted');
    return true;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private after(id: string, ms: number, step: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(id);
      if (this.jobs.has(id)) step();
    }, ms);
    this.timers.set(id, timer);
  }

  private transition(job: ReportJob, status: ReportInfo['status'], statusMessage: string | null = null): void {
    const previous = Date.parse(job.info.dateUpdated);
    job.info.status = status;
    job.info.statusMessage = statusMessage;
    job.info.dateUpdated = new Date(Math.max(this.deps.realClock(), previous + 1)).toISOString();
    this.deps.count(`job:${status}`);
  }

  private run(job: ReportJob): void {
    this.transition(job, 'Running');
    this.after(job.info.id, this.deps.timings.runningMs, () => void this.finish(job));
  }

  private async finish(job: ReportJob): Promise<void> {
    if (job.fate.kind === 'stuck') return void this.deps.count('fault:stuck');
    if (job.fate.kind === 'error') {
      this.deps.count('fault:error');
      this.transition(job, 'Error', job.fate.message);
      return this.notify(job);
    }
    let content: ReportContent;
    try {
      const account = this.deps.world.accounts.find((a) => a.account.id === job.request.accountId);
      if (account === undefined) throw new Error(`unknown account ${job.request.accountId}`);
      content = await reportContent(this.deps.world, account, job.request, this.deps.now());
    } catch (error: unknown) {
      if (this.closed || !this.jobs.has(job.info.id)) return;
      this.transition(job, 'Error', `Report generation failed: ${error instanceof Error ? error.message : String(error)}`);
      return this.notify(job);
    }
    if (this.closed || !this.jobs.has(job.info.id)) return;
    job.content = content;
    this.transition(job, 'Completed');
    this.notify(job);
  }

  private notify(job: ReportJob): void {
    const url = job.request.webhookUrl;
    if (url === null) return;
    const payload = job.content === null ? { ...job.info } : { ...job.info, rows: job.content.rows };
    this.deps.webhook.send(url, payload);
  }
}
