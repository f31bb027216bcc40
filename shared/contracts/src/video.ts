/** What a video's analysis answers: the CLI's --json file and a finished /analyze-video job's result. */
import { z } from 'zod';
import { Confidence, GuidanceCode, PulseDetected, Waveform } from './estimate.ts';
import { TraceSampleSchema } from './sample.ts';

export const VideoSeriesRow = z
  .object({
    t: z.number().meta({ description: 'Seconds from the start of the video (the end of the analysis window).' }),
    bpm: z.number().nullable(),
    confidence: Confidence,
    quality: z.number().min(0).max(1),
    pulse_detected: PulseDetected,
    guidance: z.array(GuidanceCode),
  })
  .meta({ id: 'VideoSeriesRow', description: 'The heart rate as a live session would have answered it at second `t`.' });

export const VideoSummary = z
  .object({
    median_bpm: z.number().nullable().meta({ description: 'Median of the answered seconds; null when none was answered.' }),
    min_bpm: z.number().nullable(),
    max_bpm: z.number().nullable(),
    answered_share: z.number().min(0).max(1).meta({ description: 'Share of the seconds after warm-up with a heart rate.' }),
    face_share: z.number().min(0).max(1).meta({ description: 'Share of frames in which a face was measured.' }),
    pulse_detected: PulseDetected,
    rmssd_ms: z.number().nullable().meta({ description: 'Median RMSSD of the answered seconds, where its quality allows (at present never; see the README).' }),
    hrv_quality: z.number().min(0).max(1).nullable(),
    breathing_rate: z.number().nullable().meta({ description: 'Median breaths per minute, where its quality allows (at present never; see the README).' }),
    breathing_quality: z.number().min(0).max(1).nullable(),
  })
  .meta({ id: 'VideoSummary' });

export const VideoSource = z
  .object({
    name: z.string(),
    duration_seconds: z.number(),
    frames: z.number().int(),
    fps: z.number().nullable().meta({ description: 'Mean frame rate from the frames\' own timestamps.' }),
    width: z.number().int(),
    height: z.number().int(),
  })
  .meta({ id: 'VideoSource' });

export const VideoResult = z
  .object({
    source: VideoSource,
    method: z.string(),
    summary: VideoSummary,
    series: z.array(VideoSeriesRow),
    pulse: Waveform.nullable().meta({ description: 'The pulse over the whole video (each second from the window ending there), scaled per window to [-1, 1].' }),
    timing: z.object({ seconds: z.number(), frames_per_second: z.number() }).meta({ description: 'How long the analysis took.' }),
  })
  .meta({ id: 'VideoResult', description: 'Heart rate over time for a video, one row per second.' });

export type VideoResult = z.infer<typeof VideoResult>;
export type VideoSeriesRow = z.infer<typeof VideoSeriesRow>;
export type VideoSummary = z.infer<typeof VideoSummary>;

/** The queue of video analysis: segment jobs, and the job that joins them (a BullMQ flow). */
export const VIDEO_QUEUE_NAME = 'videos';

/** One stretch of an uploaded video, traced by one worker. */
export const VideoSegmentPayload = z.object({
  video_id: z.string().uuid(),
  index: z.number().int().nonnegative(),
  /** The video's recorded size (the tracker's frame format). */
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** The frames this segment keeps: start <= t < end (seconds; end null = to the end). */
  start_s: z.number().nonnegative(),
  end_s: z.number().positive().nullable(),
  /** Seconds before `start_s` the tracker runs over to settle (their samples are dropped). */
  lead_in_s: z.number().nonnegative(),
});

export const VideoSegmentResult = z.object({
  samples: z.array(TraceSampleSchema),
  frameTimes: z.array(z.number()),
  noFaceTimes: z.array(z.number()),
});

/** The parent of a video's segments: joins their traces and estimates once. */
export const VideoJoinPayload = z.object({
  video_id: z.string().uuid(),
  name: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  duration_s: z.number().nonnegative(),
  frames_expected: z.number().int().positive(),
  segments: z.number().int().positive(),
  /** SHA-256 of the job token that GET /jobs/{id} must present. */
  token_hash: z.string(),
  /** The client (API key id or hashed address) that uploaded it. */
  owner: z.string(),
});

export const videoJobs = {
  'video.segment': { payload: VideoSegmentPayload, result: VideoSegmentResult },
  'video.join': { payload: VideoJoinPayload, result: VideoResult },
} as const;
export type VideoJobName = keyof typeof videoJobs;
