import { estimateSessionTracked } from '@pulsecam/analysis';
import { sessionNotFoundDetail, type Estimate } from '@pulsecam/contracts';
import type { Timeline } from '@pulsecam/store';
import type { Handler, HandlerContext } from './context.ts';
import { permanentFailure } from './errors.ts';

/**
 * Estimates a session from its stored trace (as the caller read it, with the tracker windows the
 * previous estimate analysed) and keeps the answer and the windows (one Lua step).
 */
export async function estimateAndKeep(ctx: HandlerContext, sessionId: string, lastFrameTs: number | null, timeline: Timeline): Promise<Estimate> {
  const started = performance.now();
  const { estimate, tracker } = estimateSessionTracked(timeline.samples, { lastFrameTs, noFaceTimes: timeline.noFaceTimes }, ctx.estimate, timeline.tracker);
  // An estimate that analysed nothing (too little signal, face lost) hands back the windows it got: they stay as stored.
  await ctx.store.saveEstimate(sessionId, estimate, lastFrameTs, tracker === timeline.tracker ? undefined : tracker);
  ctx.metrics.stageDuration.observe({ stage: 'estimate' }, (performance.now() - started) / 1000);
  return estimate;
}

export const sessionEstimateHandler: Handler<'session.estimate'> = async (payload, ctx) => {
  // Whether the session exists, its newest frame time, its trace and tracker windows: one round trip.
  const timeline = await ctx.store.liveTimeline(payload.session_id);
  if (!timeline) throw permanentFailure('session_not_found', sessionNotFoundDetail(payload.session_id));
  return estimateAndKeep(ctx, payload.session_id, timeline.lastFrameTs, timeline);
};
