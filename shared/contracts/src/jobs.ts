/**
 * The job catalog: every job name with its payload and result schema. The gateway validates a
 * payload before queue.add; the worker validates it again when it takes the job off the queue.
 */
import { z } from 'zod';
import { Estimate, FaceBox, GuidanceCode, SkinRegions } from './estimate.ts';

export const QUEUE_NAME = 'frames';

export const FrameInput = z.object({
  /** Base64 image bytes, prefix already removed. */
  image_b64: z.string().min(1),
  /** Capture time in milliseconds (client clock, or gateway receive time). */
  timestamp_ms: z.number().finite().nonnegative(),
});

/**
 * A session's frames, analysed in capture order by one worker that carries the session's face
 * tracking state from frame to frame (and from job to job, through Redis).
 */
export const FramesAnalyzePayload = z.object({
  session_id: z.string().uuid(),
  frames: z.array(FrameInput).min(1),
  /**
   * After storing the samples: "always" estimates; "throttled" reuses the session's estimate when
   * it is younger than the worker's ESTIMATE_INTERVAL_MS (single frames arriving many a second).
   */
  estimate: z.enum(['always', 'throttled']),
  /** Which answer the client asked for: one frame (/analyze-image) or a batch (/analyze-batch). */
  reply: z.enum(['image', 'batch']),
});

export const FrameResult = z.object({
  timestamp_ms: z.number(),
  face_detected: z.boolean(),
  faces_in_view: z.number().int(),
  face_box: FaceBox.nullable(),
  regions: SkinRegions.nullable(),
  guidance: z.array(GuidanceCode),
  image: z.object({ width: z.number().int(), height: z.number().int() }).nullable(),
  processing_ms: z.number(),
  /** Set when the frame could not be analysed (the rest of the batch still is). */
  error: z.object({ code: z.enum(['invalid_image', 'image_too_large']), detail: z.string() }).optional(),
});

export const FramesResult = z.object({
  session_id: z.string().uuid(),
  /** One result per frame, in the order the frames were sent. */
  frames: z.array(FrameResult),
  estimate: Estimate,
  processing_ms: z.number(),
});

export const jobs = {
  'frames.analyze': { payload: FramesAnalyzePayload, result: FramesResult },
} as const;

export type JobName = keyof typeof jobs;
export type PayloadOf<K extends JobName> = z.infer<(typeof jobs)[K]['payload']>;
export type ResultOf<K extends JobName> = z.infer<(typeof jobs)[K]['result']>;
export const JOB_NAMES = Object.keys(jobs) as JobName[];

/** Why a job failed for good, in words a client can be shown: the codes the gateway maps to HTTP. */
/** The one wording of a missing session, for the gateway's answers and the workers' failures alike. */
export function sessionNotFoundDetail(sessionId: string): string {
  return `session ${sessionId} does not exist or has expired`;
}

export const JOB_ERROR_CODES = ['invalid_image', 'image_too_large', 'session_not_found', 'invalid_payload', 'invalid_video', 'no_face', 'video_gone'] as const;
export type JobErrorCode = (typeof JOB_ERROR_CODES)[number];
/** The codes a failed video job reports as `error_code` (anything else reads as `internal`). */
export const VIDEO_JOB_ERROR_CODES = ['invalid_video', 'no_face', 'video_gone', 'invalid_payload'] as const satisfies readonly JobErrorCode[];

/** A worker's failure, carried as JSON in the job's failed reason (nothing is parsed out of prose). */
export const JobFailure = z.object({ code: z.enum(JOB_ERROR_CODES), detail: z.string() });
export type JobFailure = z.infer<typeof JobFailure>;

export function encodeJobFailure(failure: JobFailure): string {
  return JSON.stringify(JobFailure.parse(failure));
}

/** The failure a worker encoded, or (a crash, a lost lock: anything else) no code and the reason as it is. */
export function decodeJobFailure(reason: string): { code: JobErrorCode | null; detail: string } {
  if (reason.startsWith('{')) {
    try {
      const parsed = JobFailure.safeParse(JSON.parse(reason));
      if (parsed.success) return parsed.data;
    } catch {
      // not JSON after all
    }
  }
  return { code: null, detail: reason };
}
