/**
 * Samples posts waiting for a fresh estimate of their session: the post marks the session ahead of
 * every background mark (DueEstimates.markWaited), the next free estimator in any worker takes it,
 * and the estimate comes back as a notice on one channel every gateway subscribes to
 * (estimate-notices.ts). A waiter is registered before its mark is made (a quick worker cannot be
 * missed), learns its ticket (the mark's score) from the mark, and is answered by the notice with
 * that ticket; posts of one session that share a mark share its estimate. Every wait has a deadline.
 */
import type { Redis } from 'ioredis';
import { estimatesMadeChannel } from '@pulsecam/contracts';
import { decodeNotice, type EstimateNotice } from '@pulsecam/store';

/** No notice came for the mark in time (no estimator free, or none running). */
export class EstimateTimeoutError extends Error {
  override readonly name = 'EstimateTimeoutError';
}

/** The estimator took the mark and failed; `reason` is for the logs, not for clients. */
export class EstimateFailedError extends Error {
  override readonly name = 'EstimateFailedError';
}

/** The session was deleted or expired before it was estimated. */
export class EstimateSessionGoneError extends Error {
  override readonly name = 'EstimateSessionGoneError';
}

interface Waiter {
  /** The mark's score, once the mark answered. */
  ticket: number | null;
  /** Notices for the session that came before the ticket was known. */
  early: EstimateNotice[];
  resolve: (estimateJson: string) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class EstimateWaiter {
  private readonly channel: string;
  private readonly waiting = new Map<string, Set<Waiter>>();

  /**
   * `subscriber` is the waiter's own connection (subscribed, it can send nothing else; it must
   * wait out Redis outages rather than fail fast); the waiter closes it.
   */
  constructor(
    private readonly subscriber: Redis,
    prefix: string,
  ) {
    this.channel = estimatesMadeChannel(prefix);
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const notice = decodeNotice(message);
      if (notice) this.hear(notice);
    });
  }

  async ready(): Promise<void> {
    await this.subscriber.subscribe(this.channel);
  }

  /**
   * The session's estimate (its JSON as saved) from the mark `markIt` makes: a ticket, the mark's
   * score. Rejects with EstimateTimeoutError after `timeoutMs`, EstimateFailedError or
   * EstimateSessionGoneError as the worker told, or with markIt's own error.
   */
  async estimate(sessionId: string, markIt: () => Promise<number>, timeoutMs: number): Promise<string> {
    let waiter!: Waiter;
    const answered = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.drop(sessionId, waiter);
        reject(new EstimateTimeoutError(`no estimate of session ${sessionId} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiter = { ticket: null, early: [], resolve, reject, timer };
    });
    // Its deadline may pass while the mark is still on its way, and a mark that fails leaves it to
    // nobody: handled here, so neither is an unhandled rejection (the caller awaits it otherwise).
    answered.catch(() => undefined);
    let set = this.waiting.get(sessionId);
    if (!set) this.waiting.set(sessionId, (set = new Set()));
    set.add(waiter);
    let ticket: number;
    try {
      ticket = await markIt();
    } catch (err) {
      clearTimeout(waiter.timer);
      this.drop(sessionId, waiter);
      throw err;
    }
    waiter.ticket = ticket;
    const early = waiter.early.find((n) => n.ticket === ticket);
    waiter.early = [];
    if (early) this.settle(waiter, early);
    return answered;
  }

  private hear(notice: EstimateNotice): void {
    const set = this.waiting.get(notice.sessionId);
    if (!set) return;
    for (const waiter of set) {
      if (waiter.ticket === null) waiter.early.push(notice);
      else if (waiter.ticket === notice.ticket) this.settle(waiter, notice);
    }
  }

  private settle(waiter: Waiter, notice: EstimateNotice): void {
    clearTimeout(waiter.timer);
    this.drop(notice.sessionId, waiter);
    if (notice.outcome === 'estimated') waiter.resolve(notice.estimateJson);
    else if (notice.outcome === 'gone') waiter.reject(new EstimateSessionGoneError(`session ${notice.sessionId} is gone`));
    else waiter.reject(new EstimateFailedError(notice.reason));
  }

  private drop(sessionId: string, waiter: Waiter): void {
    const set = this.waiting.get(sessionId);
    if (!set) return;
    set.delete(waiter);
    if (set.size === 0) this.waiting.delete(sessionId);
  }

  /** Answers every post still waiting with a timeout, and closes the subscription. */
  async close(): Promise<void> {
    for (const [sessionId, set] of this.waiting) {
      for (const waiter of set) {
        clearTimeout(waiter.timer);
        waiter.reject(new EstimateTimeoutError(`gateway shut down before session ${sessionId} was estimated`));
      }
    }
    this.waiting.clear();
    this.subscriber.disconnect();
  }
}
