/**
 * The job catalog: every job name with its payload and result schema. The gateway validates a
 * payload before queue.add; the worker validates it again when it takes the job off the queue.
 */
import { z } from 'zod';
import { Estimate, FaceBox, GuidanceCode, SkinRegions } from './estimate.ts';

export const QUEUE_NAME = 'frames';

export const FrameAnalyzePayload = z.object({
  session_id: z.string().uuid(),
  /** Base64 image bytes, prefix already removed. */
  image_b64: z.string().min(1),
  /** Capture time in milliseconds (client clock, or gateway receive time). */
  timestamp_ms: z.number().finite().nonnegative(),
  /** Estimate the heart rate after storing the sample (false inside a batch: it estimates once). */
  estimate: z.boolean(),
});

export const FrameResult = z.object({
  session_id: z.string().uuid(),
  timestamp_ms: z.number(),
  face_detected: z.boolean(),
  faces_in_view: z.number().int(),
  face_box: FaceBox.nullable(),
  regions: SkinRegions.nullable(),
  guidance: z.array(GuidanceCode),
  image: z.object({ width: z.number().int(), height: z.number().int() }),
  processing_ms: z.number(),
  estimate: Estimate.nullable(),
});

export const SessionEstimatePayload = z.object({ session_id: z.string().uuid() });

export const jobs = {
  'frame.analyze': { payload: FrameAnalyzePayload, result: FrameResult },
  'session.estimate': { payload: SessionEstimatePayload, result: Estimate },
} as const;

export type JobName = keyof typeof jobs;
export type PayloadOf<K extends JobName> = z.infer<(typeof jobs)[K]['payload']>;
export type ResultOf<K extends JobName> = z.infer<(typeof jobs)[K]['result']>;
export const JOB_NAMES = Object.keys(jobs) as JobName[];

/** Error codes a worker puts in front of a failure message ("code: detail") for the gateway to map. */
export const JOB_ERROR_CODES = ['invalid_image', 'image_too_large', 'session_not_found', 'invalid_payload'] as const;
export type JobErrorCode = (typeof JOB_ERROR_CODES)[number];
