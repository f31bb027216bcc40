import { estimateSessionTracked } from '@pulsecam/analysis';
import { sessionNotFoundDetail } from '@pulsecam/contracts';
import type { Handler } from './context.ts';
import { permanentFailure } from './errors.ts';

export const sessionEstimateHandler: Handler<'session.estimate'> = async (payload, ctx) => {
  const meta = await ctx.store.meta(payload.session_id);
  if (!meta) throw permanentFailure('session_not_found', sessionNotFoundDetail(payload.session_id));
  const timeline = await ctx.store.timeline(payload.session_id);
  const { estimate, tracker } = estimateSessionTracked(timeline.samples, { lastFrameTs: meta.lastFrameTs, noFaceTimes: timeline.noFaceTimes }, ctx.estimate, timeline.tracker);
  await ctx.store.saveEstimate(payload.session_id, estimate, meta.lastFrameTs, tracker === timeline.tracker ? undefined : tracker);
  return estimate;
};
