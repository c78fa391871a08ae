import type { WebhookPolicy } from '../simulator-options.ts';

/**
 * Delivers webhook POSTs (JSON) in the background: an attempt that gets no 2xx within `timeoutMs` is retried up to
 * `retries` times, `retryDelayMs` apart, then given up. Counts `webhook:delivered`, `webhook:failedAttempt` and
 * `webhook:givenUp`. `close()` cancels pending retries and aborts attempts in flight.
 */
export class WebhookSender {
  private readonly policy: WebhookPolicy;
  private readonly count: (counter: string) => void;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(policy: WebhookPolicy, count: (counter: string) => void) {
    this.policy = policy;
    this.count = count;
  }

  send(url: string, payload: unknown): void {
    const body = JSON.stringify(payload);
    void this.attempt(url, body, 0);
  }

  private async attempt(url: string, body: string, attempt: number): Promise<void> {
    if (this.closed) return;
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.policy.timeoutMs);
    let delivered = false;
    try {
      const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: controller.signal });
      await answer.arrayBuffer().catch(() => undefined);
      delivered = answer.ok;
    } catch {
      delivered = false;
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
    }
    if (this.closed) return;
    if (delivered) return void this.count('webhook:delivered');
    this.count('webhook:failedAttempt');
    if (attempt >= this.policy.retries) return void this.count('webhook:givenUp');
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(url, body, attempt + 1);
    }, this.policy.retryDelayMs);
    this.timers.add(timer);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inFlight) controller.abort();
  }
}
