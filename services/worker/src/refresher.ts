/**
 * Background estimates: sessions the gateway marked due (a device's posts answered with the
 * session's newest estimate while the workers are behind), taken oldest estimate first and
 * estimated like a session.estimate job, the answer kept with the session for its next posts.
 * `ESTIMATE_REFRESHERS` loops per worker process, each blocked on its own Redis connection while
 * nothing is due; jobs someone waits for (the queue) run beside them.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DueEstimate, DueEstimates } from '@pulsecam/store';
import type { HandlerContext } from './handlers/context.ts';
import { estimateAndKeep } from './handlers/session-estimate.handler.ts';

/** How long a loop blocks waiting for a due session before it looks at whether it should stop. */
const TAKE_TIMEOUT_SECONDS = 1;
/** After a Redis failure, a loop waits this long before it asks again. */
const RETRY_AFTER_FAILURE_MS = 1000;

export interface RefresherOptions {
  /** The connection to copy: each loop blocks on a duplicate of its own. */
  connection: Redis;
  due: DueEstimates;
  loops: number;
  context: HandlerContext;
  log: Logger;
  /** Called after each estimate made (the heartbeat counts them with the jobs). */
  onEstimated?: () => void;
}

export interface Refresher {
  /** Stops taking sessions; resolves once the estimates under way are kept. */
  close(): Promise<void>;
}

/** What became of a session taken: estimated, already renewed since it was marked, or gone (deleted, expired). */
export type RefreshOutcome = 'estimated' | 'current' | 'gone';

/** Estimates one due session, unless it was estimated since it was marked or no longer exists. */
export async function refreshSession(ctx: HandlerContext, due: DueEstimate): Promise<RefreshOutcome> {
  const timeline = await ctx.store.liveTimeline(due.sessionId);
  if (!timeline) return 'gone';
  if (timeline.estimatedAt !== null && timeline.estimatedAt > due.estimatedAt) return 'current';
  await estimateAndKeep(ctx, due.sessionId, timeline.lastFrameTs, timeline);
  return 'estimated';
}

export function startRefresher(options: RefresherOptions): Refresher {
  const { context, log } = options;
  let closing = false;
  const connections: Redis[] = [];

  const loop = async (blocking: Redis): Promise<void> => {
    while (!closing) {
      let taken: DueEstimate | null;
      try {
        taken = await options.due.take(blocking, TAKE_TIMEOUT_SECONDS);
      } catch (err) {
        if (closing) return;
        log.warn({ err: (err as Error).message }, 'could not take a due session; retrying');
        await new Promise((r) => setTimeout(r, RETRY_AFTER_FAILURE_MS));
        continue;
      }
      if (!taken) continue;
      const end = context.metrics.jobDuration.startTimer({ job: 'session.refresh' });
      try {
        const outcome = await refreshSession(context, taken);
        end({ result: outcome === 'estimated' ? 'completed' : outcome });
        if (outcome === 'estimated') options.onEstimated?.();
      } catch (err) {
        // Not marked any more: the session's next post marks it again.
        end({ result: 'failed' });
        log.error({ err, sessionId: taken.sessionId }, 'background estimate failed');
      }
    }
  };

  const loops: Promise<void>[] = [];
  for (let i = 0; i < options.loops; i++) {
    const blocking = options.connection.duplicate();
    blocking.on('error', (err) => log.debug({ err: err.message }, 'refresher connection error'));
    connections.push(blocking);
    loops.push(loop(blocking));
  }
  return {
    async close() {
      closing = true;
      // A loop blocked waiting for a session is released at once; one estimating finishes and keeps its estimate.
      for (const c of connections) c.disconnect();
      await Promise.all(loops);
    },
  };
}
