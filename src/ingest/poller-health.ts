/** One poller loop's health as the loop last saw it. */
export interface PollerStepHealth {
  readonly tenant: string;
  readonly endpoint: string;
  /** Failures in a row; 0 after a successful run. */
  readonly failures: number;
  /** When a run last succeeded (epoch ms, the loop's clock), null before the first. */
  readonly lastSuccessAt: number | null;
  /** The last failure's error code (never a message: those can carry hosts), null after a success. */
  readonly lastErrorCode: string | null;
}

/**
 * The health of every poller loop of a process, written by the loops and read by /readyz and the
 * `agent_timelines_poller_up` gauge. A loop is up once it has run successfully and its last run succeeded.
 */
export class PollerHealth {
  readonly #steps = new Map<string, PollerStepHealth>();

  register(tenant: string, endpoint: string): void {
    this.#steps.set(`${tenant}|${endpoint}`, { tenant, endpoint, failures: 0, lastSuccessAt: null, lastErrorCode: null });
  }

  succeeded(tenant: string, endpoint: string, at: number): void {
    this.#steps.set(`${tenant}|${endpoint}`, { tenant, endpoint, failures: 0, lastSuccessAt: at, lastErrorCode: null });
  }

  failed(tenant: string, endpoint: string, code: string): void {
    const id = `${tenant}|${endpoint}`;
    const previous = this.#steps.get(id);
    this.#steps.set(id, { tenant, endpoint, failures: (previous?.failures ?? 0) + 1, lastSuccessAt: previous?.lastSuccessAt ?? null, lastErrorCode: code });
  }

  steps(): PollerStepHealth[] {
    return [...this.#steps.values()];
  }

  /** Ready when there is at least one loop and every loop is up; checks name each loop. */
  readiness(): { ready: boolean; checks: Record<string, string> } {
    const checks: Record<string, string> = {};
    for (const step of this.#steps.values()) {
      checks[`${step.tenant}/${step.endpoint}`] = isUp(step) ? 'ok' : step.lastErrorCode === null ? 'not polled yet' : `failing (${step.failures} in a row, ${step.lastErrorCode})`;
    }
    const values = Object.values(checks);
    return { ready: values.length > 0 && values.every((check) => check === 'ok'), checks };
  }
}

export function isUp(step: PollerStepHealth): boolean {
  return step.failures === 0 && step.lastSuccessAt !== null;
}
