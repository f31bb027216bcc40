/** HTTP request and response schemas. The gateway validates with these and /openapi.json is built from them. */
import { z } from 'zod';
import { VideoResult } from './video.ts';
import { PlainSample, RichSample } from './sample.ts';
import { VIDEO_JOB_ERROR_CODES } from './jobs.ts';
import { Estimate, FaceBox, GuidanceCode, Hrv, Respiration, SkinRegions, Waveform } from './estimate.ts';

export const SessionId = z.string().uuid().meta({ description: 'Session id from POST /create-session.', example: '3f0c3a0e-7a55-4c1b-9d38-1f2b1f0c9a11' });

const ImageData = z
  .string()
  .min(1)
  .meta({ description: 'Base64 JPEG, PNG or WebP, with or without a data: URL prefix.' });

const Timestamp = z
  .number()
  .finite()
  .nonnegative()
  .optional()
  .meta({ description: 'Capture time in milliseconds, any origin, increasing within a session. Default: time the gateway received the request.' });

export interface ApiLimits {
  maxBatchImages: number;
  maxSamples: number;
}

const Channel = z.number().finite().min(0).max(255);

/** Path parameters. */
export const SessionIdParam = z.object({ id: SessionId });
export const JobIdParam = z.object({ id: z.string().uuid() });

/** ?async on the analysis routes: true or 1 answers 202 with a job id; false, 0 or absent waits. */
export const AsyncQuery = z.object({
  async: z.enum(['true', 'false', '1', '0']).optional().meta({ description: 'true (or 1): answer 202 with a job id instead of waiting; false (or 0, or absent): wait for the result.' }),
});

const BinaryFile = (description: string) => z.string().meta({ format: 'binary', description });

/**
 * The multipart/form-data forms. Their text fields are read into the JSON request's shape and
 * validated by it (so errors name the same fields either way); these describe the form itself.
 */
export function multipartForms(limits: ApiLimits) {
  const AnalyzeImageForm = z
    .object({
      session_id: SessionId,
      image: BinaryFile('JPEG, PNG or WebP file'),
      timestamp: z.string().optional().meta({ description: 'Capture time of the frame (ms, a number).' }),
    })
    .meta({ id: 'AnalyzeImageForm' });
  const AnalyzeBatchForm = z
    .object({
      session_id: SessionId,
      images: z.array(BinaryFile('JPEG, PNG or WebP file')).min(1).max(limits.maxBatchImages),
      timestamps: z.string().optional().meta({ description: 'Comma-separated capture times (ms), one per image, in order.' }),
    })
    .meta({ id: 'AnalyzeBatchForm' });
  const AnalyzeVideoForm = z.object({ video: BinaryFile('The video file (mp4, webm, mov, avi, mkv)') }).meta({ id: 'AnalyzeVideoForm' });
  return { AnalyzeImageForm, AnalyzeBatchForm, AnalyzeVideoForm };
}

/** A 32x32 JPEG (the smallest image accepted), for the documented examples. */
const EXAMPLE_JPEG =
  '/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAgACADASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAT/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAAAAT/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCgBOtAAAAAAf/Z';
const EXAMPLE_SESSION = '3f0c3a0e-7a55-4c1b-9d38-1f2b1f0c9a11';

export function requestSchemas(limits: ApiLimits) {
  const AnalyzeImageRequest = z
    .object({ session_id: SessionId, image_data: ImageData, timestamp: Timestamp })
    .meta({ id: 'AnalyzeImageRequest', example: { session_id: EXAMPLE_SESSION, image_data: EXAMPLE_JPEG, timestamp: 1_717_000_000_000 } });
  const AnalyzeBatchRequest = z
    .object({
      session_id: SessionId,
      images: z
        .array(z.object({ image_data: ImageData, timestamp: Timestamp }))
        .min(1)
        .max(limits.maxBatchImages),
    })
    .meta({
      id: 'AnalyzeBatchRequest',
      example: {
        session_id: EXAMPLE_SESSION,
        images: [
          { image_data: EXAMPLE_JPEG, timestamp: 1_717_000_000_000 },
          { image_data: EXAMPLE_JPEG, timestamp: 1_717_000_000_100 },
        ],
      },
    });
  const SamplesRequest = z
    .object({
      samples: z
        .array(z.union([RichSample, PlainSample]))
        .min(1)
        .max(limits.maxSamples)
        .meta({
          description:
            'One entry per frame, measured on the device, in either form: rich (the observation a worker makes: face found, skin, regions, pose, background) or plain ({timestamp, r, g, b}). Any frame rate from 10 to 60 fps.',
        }),
    })
    .meta({
      id: 'SamplesRequest',
      example: {
        samples: [
          {
            timestamp: 1_717_000_000_000,
            face: true,
            skin: [171.2, 120.4, 95.1],
            regions: [
              [168.9, 118.2, 93.0],
              [173.5, 122.1, 96.8],
              [172.8, 121.5, 96.2],
            ],
            pixels: [812, 1034, 1011],
            background: [96.3, 101.7, 104.2],
            pose: [320.5, 241.2, 88.4, 0.03],
          },
          { timestamp: 1_717_000_000_100, face: false },
          { timestamp: 1_717_000_000_200, r: 171.0, g: 120.6, b: 95.0 },
        ],
      },
    });
  return { AnalyzeImageRequest, AnalyzeBatchRequest, SamplesRequest };
}

export const AnalyzeImageResponse = z
  .object({
    session_id: SessionId,
    face_detected: z.boolean(),
    heart_rate: z.number().nullable(),
    confidence: Estimate.shape.confidence,
    pulse_detected: Estimate.shape.pulse_detected,
    signal_quality: z.number(),
    buffer_seconds: z.number(),
    face_box: FaceBox.nullable(),
    regions: SkinRegions.nullable(),
    guidance: z.array(GuidanceCode),
    message: z.string(),
    timestamp: z.number().meta({ description: 'Capture time used for this frame (ms).' }),
    processing_ms: z.number(),
    waveform: Waveform.nullable(),
    hrv: Hrv.nullable(),
    respiration: Respiration.nullable(),
  })
  .meta({ id: 'AnalyzeImageResponse' });

export const BatchItemResult = z
  .object({
    index: z.number().int(),
    face_detected: z.boolean(),
    face_box: FaceBox.nullable(),
    regions: SkinRegions.nullable(),
    guidance: z.array(GuidanceCode),
    timestamp: z.number(),
    error: z.string().optional().meta({ description: 'Why this image could not be analysed (the others still were).' }),
  })
  .meta({ id: 'BatchItemResult' });

export const AnalyzeBatchResponse = z
  .object({
    session_id: SessionId,
    processed: z.number().int(),
    refused: z.number().int().meta({ description: 'Frames refused because their capture time is outside the session timeline (see their `error`); not stored.' }),
    faces_detected: z.number().int(),
    results: z.array(BatchItemResult),
    heart_rate: z.number().nullable(),
    confidence: Estimate.shape.confidence,
    pulse_detected: Estimate.shape.pulse_detected,
    signal_quality: z.number(),
    buffer_seconds: z.number(),
    guidance: z.array(GuidanceCode),
    message: z.string(),
    waveform: Waveform.nullable(),
    hrv: Hrv.nullable(),
    respiration: Respiration.nullable(),
  })
  .meta({ id: 'AnalyzeBatchResponse' });

export const SamplesResponse = Estimate.extend({
  session_id: SessionId,
  accepted: z.number().int().meta({ description: 'Samples that fit the session timeline (stored now, or already stored by an earlier send of the same capture time).' }),
  stored: z.number().int().meta({ description: 'Samples newly stored by this request (a capture time already stored is not stored twice).' }),
  refused: z.array(z.object({ field: z.string(), message: z.string() })).meta({ description: 'Samples refused: capture time outside the session timeline.' }),
  estimate_age_ms: z.number().int().nonnegative().meta({
    description: 'How old the estimate is (ms): 0 when it was made for this request; otherwise the session\'s newest estimate, reused while the samples sent since cover less than the service\'s SAMPLES_ESTIMATE_INTERVAL_MS of capture time (a device posting every second gets a fresh one every other post), or, while the workers are behind, while it is younger than SAMPLES_MAX_ESTIMATE_AGE_MS (a background estimate then brings it up to date for the next post).',
  }),
}).meta({ id: 'SamplesResponse' });

export const CreateSessionResponse = z
  .object({
    session_id: SessionId,
    session_token: z.string().meta({
      description: 'The session\'s secret (256 bits), shown only here: send it as `Authorization: Bearer <session_token>` on every call for this session. The service keeps only its hash.',
    }),
    message: z.string(),
    expires_in_seconds: z.number().int(),
  })
  .meta({ id: 'CreateSessionResponse' });

export const SessionStatus = z
  .object({
    session_id: SessionId,
    created_at: z.string().meta({ description: 'ISO 8601' }),
    last_activity: z.string(),
    expires_in_seconds: z.number(),
    frames_received: z.number().int(),
    faces_detected: z.number().int(),
    estimate: Estimate,
  })
  .meta({ id: 'SessionStatus' });

export const SessionSummary = z
  .object({
    session_id: SessionId,
    created_at: z.string(),
    last_activity: z.string(),
    expires_in_seconds: z.number(),
  })
  .meta({ id: 'SessionSummary', description: 'Ids and times only: never tokens or estimates.' });

export const SessionList = z
  .object({
    count: z.number().int(),
    max_sessions: z.number().int().meta({ description: 'Live sessions the whole service holds at most.' }),
    client_max_sessions: z.number().int().meta({ description: 'Live sessions the calling client (API key or address) may hold.' }),
    sessions: z.array(SessionSummary),
  })
  .meta({ id: 'SessionList' });

export const DeleteSessionResponse = z
  .object({ session_id: SessionId, message: z.string() })
  .meta({ id: 'DeleteSessionResponse' });

export const HealthResponse = z
  .object({ status: z.literal('healthy'), timestamp: z.string(), version: z.string(), uptime_seconds: z.number() })
  .meta({ id: 'HealthResponse' });

export const ReadyResponse = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    redis: z.enum(['ok', 'unreachable']),
    workers: z.number().int().meta({ description: 'Workers whose heartbeat is younger than 15 s.' }),
    reason: z.enum(['redis_unreachable', 'no_workers', 'shutting_down']).optional().meta({ description: 'Why not ready.' }),
  })
  .meta({ id: 'ReadyResponse' });

export const StatusResponse = z
  .object({
    status: z.literal('ok'),
    version: z.string(),
    uptime_seconds: z.number(),
    timestamp: z.string(),
    queue: z.object({
      waiting: z.number().int(),
      active: z.number().int(),
      completed: z.number().int(),
      failed: z.number().int(),
      delayed: z.number().int(),
    }),
    workers: z.number().int().meta({ description: 'Workers whose heartbeat is younger than 15 s.' }),
    worker_heartbeats: z
      .array(z.object({ id: z.string(), pid: z.number().int(), host: z.string(), jobs: z.number().int(), last_seen_ms_ago: z.number() }))
      .meta({ description: 'Each live worker: process, host, jobs finished, and how long ago it last said it was alive.' }),
    sessions: z.object({ active: z.number().int(), max: z.number().int() }),
    limits: z.object({
      max_image_bytes: z.number().int(),
      max_batch_images: z.number().int(),
      session_ttl_seconds: z.number().int(),
      buffer_seconds: z.number(),
      buffer_max_samples: z.number().int(),
      min_signal_seconds: z.number(),
      window_seconds: z.number(),
      max_request_bytes: z.number().int(),
      max_pending_frames_per_session: z.number().int(),
      client_max_sessions: z.number().int().meta({ description: 'Defaults per client; an API key may carry its own.' }),
      client_requests_per_minute: z.number().int(),
      client_frames_per_second: z.number().int(),
    }),
    auth: z.enum(['open', 'keys']),
    method: z.string(),
    analysis: z
      .object({
        detector_input_size: z.number().int(),
        min_face_score: z.number(),
        landmark_model: z.enum(['full', 'tiny']),
        track_check_every_frames: z.number().int(),
        face_search_max_wait: z.number().int(),
      })
      .meta({ description: 'How the workers analyse frames; a device measuring on its own (the page\'s private mode) runs the same vision code with these settings.' }),
  })
  .meta({ id: 'StatusResponse' });

export const JobAccepted = z
  .object({ job_id: z.string(), status: z.literal('queued'), status_url: z.string() })
  .meta({ id: 'JobAccepted' });

export const BatchAccepted = JobAccepted.extend({
  session_status_url: z.string().meta({ description: 'Where the session estimate is read once the batch has run.' }),
  refused: z.number().int().meta({ description: 'Frames refused before queueing (capture time outside the session timeline); not in the job.' }),
  refused_frames: z.array(z.object({ index: z.number().int(), field: z.string(), message: z.string() })),
}).meta({ id: 'BatchAccepted', description: 'The whole batch is one job: its frames are analysed in capture order by one worker.' });

export const JobStatus = z
  .object({
    job_id: z.string(),
    state: z.enum(['waiting', 'active', 'completed', 'failed', 'delayed', 'unknown']),
    result: z.unknown().optional().meta({ description: 'The same body the synchronous call answers with, once completed.' }),
    error: z.string().optional(),
  })
  .meta({ id: 'JobStatus' });

export const VideoAccepted = JobAccepted.extend({
  job_token: z.string().meta({ description: 'Bearer token for GET /jobs/{id} (256 random bits; shown once, stored hashed).' }),
  duration_seconds: z.number(),
  frames_expected: z.number().int().meta({ description: 'From the header: duration x nominal frame rate (an estimate for variable-rate video).' }),
  segments: z.number().int().meta({ description: 'Stretches of the video analysed in parallel by the workers.' }),
}).meta({ id: 'VideoAccepted' });

export const VideoJobStatus = z
  .object({
    job_id: z.string(),
    state: z.enum(['waiting', 'active', 'completed', 'failed']),
    progress: z.object({
      frames_done: z.number().int(),
      frames_expected: z.number().int(),
      share: z.number().min(0).max(1),
    }),
    result: VideoResult.optional().meta({ description: 'Once completed: the same JSON as `pulsecam analyze --json`.' }),
    error: z.string().optional(),
    error_code: z.enum([...VIDEO_JOB_ERROR_CODES, 'internal']).optional(),
  })
  .meta({ id: 'VideoJobStatus' });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    code: z.string().meta({ description: 'Stable machine-readable error code.' }),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'Which fields were wrong, for validation errors.' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json).' });
export type Problem = z.infer<typeof Problem>;
