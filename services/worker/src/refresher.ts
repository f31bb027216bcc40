/**
 * The estimators of sessions fed by samples: the sessions marked due (DueEstimates), taken lowest
 * mark first. A mark a post waits for comes first; the estimate is kept with the session and told
 * to the gateways (EstimateNotice), which answer the post with it. Then background refreshes: a
 * device's posts answered with the session's newest estimate while the workers are behind, oldest
 * estimate first. `ESTIMATE_REFRESHERS` loops per worker process, each blocked on its own Redis
 * connection while nothing is due; frame and video jobs (the queue) run beside them.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { estimatedNotice, publishNotice, type DueEstimate, type DueEstimates, type EstimateNotice } from '@pulsecam/store';
import type { HandlerContext } from './handlers/context.ts';
import { estimateAndKeep } from './session-estimate.ts';

/** How long a loop blocks waiting for a due session before it looks at whether it should stop. */
const TAKE_TIMEOUT_SECONDS = 1;
/** After a Redis failure, a loop waits this long before it asks again. */
const RETRY_AFTER_FAILURE_MS = 1000;

export interface RefresherOptions {
  /** The connection to copy: each loop blocks on a duplicate of its own. */
  connection: Redis;
  /** The key prefix (the notices' channel). */
  prefix: string;
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

/**
 * Estimates one due session. A background mark is skipped when the session was estimated since
 * the mark was made, or no longer exists; a waited mark is always estimated (the waiting post
 * stored its samples before it marked, after any estimate made before then).
 */
export async function refreshSession(ctx: HandlerContext, due: DueEstimate, prefix: string): Promise<RefreshOutcome> {
  const timeline = await ctx.store.liveTimeline(due.sessionId);
  if (!timeline) return 'gone';
  if (!due.waited && timeline.estimatedAt !== null && timeline.estimatedAt > due.estimatedAt!) return 'current';
  // A waited mark's estimate is told to the gateways by the step that saves it.
  const notice = due.waited ? estimatedNotice(prefix, due.sessionId, due.score) : undefined;
  const { json } = await estimateAndKeep(ctx, due.sessionId, timeline.lastFrameTs, timeline, notice);
  return json === null ? 'gone' : 'estimated';
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
      const end = context.metrics.jobDuration.startTimer({ job: taken.waited ? 'session.estimate' : 'session.refresh' });
      const head = { sessionId: taken.sessionId, ticket: taken.score };
      // What the posts waiting on a waited mark are told, unless the estimate's saving told them.
      let notice: EstimateNotice | null = null;
      try {
        const outcome = await refreshSession(context, taken, options.prefix);
        end({ result: outcome === 'estimated' ? 'completed' : outcome });
        if (outcome === 'estimated') options.onEstimated?.();
        if (outcome === 'gone') notice = { ...head, outcome: 'gone' };
      } catch (err) {
        // Not marked any more: the session's next post marks it again.
        end({ result: 'failed' });
        log.error({ err, sessionId: taken.sessionId, waited: taken.waited }, 'session estimate failed');
        notice = { ...head, outcome: 'failed', reason: (err as Error).message };
      }
      if (taken.waited && notice) {
        // Told on the shared connection (a publish does not block); a notice lost here leaves the post to its timeout.
        await publishNotice(options.connection, options.prefix, notice).catch((err: Error) =>
          log.warn({ err: err.message, sessionId: taken.sessionId }, 'could not tell the gateways what became of an estimate'),
        );
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
