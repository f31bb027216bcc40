/**
 * Waits for job outcomes through one shared QueueEvents stream. A waiter is registered before the
 * job is added (the gateway chooses job ids), so a job that finishes at once cannot be missed,
 * and every wait has a deadline.
 */
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAME, redisPrefix } from '@pulsecam/contracts';

export class JobFailedError extends Error {
  override readonly name = 'JobFailedError';
}

export class JobTimeoutError extends Error {
  override readonly name = 'JobTimeoutError';
  /** Set by the queue: true when the job had not started and was removed (it will never run). */
  withdrawn = false;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class JobWaiter {
  private readonly events: QueueEvents;
  private readonly pending = new Map<string, Pending>();

  /**
   * `connection` is the waiter's own (QueueEvents blocks on it, so it must wait out Redis outages
   * rather than fail fast); the waiter closes it.
   */
  constructor(
    private readonly connection: Redis,
    prefix: string,
  ) {
    this.events = new QueueEvents(QUEUE_NAME, { connection: this.connection, prefix: redisPrefix(prefix) });
    this.events.on('completed', ({ jobId, returnvalue }) => this.settle(jobId, (p) => p.resolve(returnvalue)));
    this.events.on('failed', ({ jobId, failedReason }) => this.settle(jobId, (p) => p.reject(new JobFailedError(failedReason))));
  }

  ready(): Promise<void> {
    return this.events.waitUntilReady().then(() => undefined);
  }

  /** Registers interest in a job id; call before adding the job. */
  expect(jobId: string, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(jobId);
        reject(new JobTimeoutError(`job ${jobId} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(jobId, { resolve, reject, timer });
    });
  }

  /** Job ids still waited for (e.g. to withdraw their jobs on shutdown). */
  pendingIds(): string[] {
    return [...this.pending.keys()];
  }

  /** Stops waiting for a job (e.g. it could not be added). */
  forget(jobId: string): void {
    const p = this.pending.get(jobId);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(jobId);
  }

  private settle(jobId: string, action: (p: Pending) => void): void {
    const p = this.pending.get(jobId);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(jobId);
    action(p);
  }

  async close(): Promise<void> {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new JobTimeoutError(`gateway shut down before job ${id} finished`));
    }
    this.pending.clear();
    await this.events.close();
    this.connection.disconnect();
  }
}
