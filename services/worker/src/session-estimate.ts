import { estimateSessionTracked } from '@pulsecam/analysis';
import type { Estimate } from '@pulsecam/contracts';
import type { Timeline } from '@pulsecam/store';
import type { HandlerContext } from './handlers/context.ts';

/**
 * Estimates a session from its stored trace (as the caller read it, with the tracker windows the
 * previous estimate analysed) and keeps the answer and the windows (one Lua step, which also
 * publishes the estimate as `notice` says, if given). `json` is the estimate as saved, null when
 * the session was gone by then.
 */
export async function estimateAndKeep(
  ctx: HandlerContext,
  sessionId: string,
  lastFrameTs: number | null,
  timeline: Timeline,
  notice?: { channel: string; head: string },
): Promise<{ estimate: Estimate; json: string | null }> {
  const started = performance.now();
  const { estimate, tracker } = estimateSessionTracked(timeline.samples, { lastFrameTs, noFaceTimes: timeline.noFaceTimes }, ctx.estimate, timeline.tracker);
  // An estimate that analysed nothing (too little signal, face lost) hands back the windows it got: they stay as stored.
  const json = await ctx.store.saveEstimate(sessionId, estimate, lastFrameTs, tracker === timeline.tracker ? undefined : tracker, notice);
  ctx.metrics.stageDuration.observe({ stage: 'estimate' }, (performance.now() - started) / 1000);
  return { estimate, json };
}
