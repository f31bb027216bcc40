/**
 * The BullMQ worker for uploaded videos (queue "videos"). A video is a flow: one segment job per
 * stretch of the file, run by whichever workers are free, each tracing its frames with the same
 * pipeline a live session uses; then one join job that puts the traces end to end and estimates
 * once, exactly as the CLI does for the whole file. The upload lives in Redis until the join job
 * (or a segment's final failure) deletes it.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { VIDEO_QUEUE_NAME, videoJobs, type VideoResult, redisPrefix } from '@pulsecam/contracts';
import { estimateVideo, joinTraces, NoFaceError, traceFrames, type EstimateSettings, type FramePipeline } from '@pulsecam/analysis';
import { VideoGoneError, type VideoStore, type WorkLedger } from '@pulsecam/store';
import { readVideoFrames, VideoError } from '@pulsecam/video';
import { permanentFailure } from './handlers/errors.ts';
import type { WorkerMetrics } from './metrics.ts';

export interface VideoWorkerOptions {
  connection: Redis;
  prefix: string;
  concurrency: number;
  lockMs: number;
  pipeline: FramePipeline;
  videos: VideoStore;
  ledger: WorkLedger;
  metrics: WorkerMetrics;
  estimate: EstimateSettings;
  bufferSeconds: number;
  ffmpeg: string;
  maxSide: number;
  /** How long progress entries live (the upload's TTL). */
  progressTtlSeconds: number;
  log: Logger;
}

/** Progress is written every this many frames (and at the end). */
const PROGRESS_EVERY_FRAMES = 15;

function asFailure(err: unknown): Error {
  if (err instanceof UnrecoverableError) return err;
  if (err instanceof NoFaceError) return permanentFailure('no_face', err.message);
  if (err instanceof VideoGoneError) return permanentFailure('video_gone', err.message);
  // A worker without a working ffmpeg fails the attempt, not the video: another worker may have one.
  if (err instanceof VideoError && err.code !== 'ffmpeg_missing') return permanentFailure('invalid_video', err.message);
  return err as Error;
}

async function traceSegment(job: Job, o: VideoWorkerOptions) {
  const p = videoJobs['video.segment'].payload.parse(job.data);
  const file = path.join(tmpdir(), `pulsecam-video-${p.video_id}-${p.index}-${randomUUID().slice(0, 8)}`);
  try {
    await o.videos.copyTo(p.video_id, file);
    const from = Math.max(0, p.start_s - p.lead_in_s);
    const frames = readVideoFrames(o.ffmpeg, file, {
      maxSide: o.maxSide,
      ...(from > 0 ? { startSeconds: from } : {}),
      ...(p.end_s !== null ? { endSeconds: p.end_s } : {}),
    });
    let kept = 0;
    let reported = 0;
    const report = () => o.videos.setProgress(p.video_id, p.index, kept, o.progressTtlSeconds).catch(() => undefined);
    let pendingReport: Promise<unknown> = Promise.resolve();
    const trace = await traceFrames(frames, o.pipeline, {
      source: { width: p.width, height: p.height },
      keepFromMs: p.start_s * 1000,
      onFrame: (_done, tMs) => {
        if (tMs >= p.start_s * 1000) kept++;
        if (kept - reported >= PROGRESS_EVERY_FRAMES) {
          reported = kept;
          pendingReport = report();
        }
      },
    });
    await pendingReport;
    await report();
    o.metrics.videoFrames.inc(trace.frameTimes.length);
    return { samples: trace.samples, frameTimes: trace.frameTimes, noFaceTimes: trace.noFaceTimes };
  } finally {
    await rm(file, { force: true });
  }
}

async function joinSegments(job: Job, o: VideoWorkerOptions): Promise<VideoResult> {
  const p = videoJobs['video.join'].payload.parse(job.data);
  const values = await job.getChildrenValues();
  const parts = Object.values(values).map((v) => ({ ...videoJobs['video.segment'].result.parse(v), snapshots: [] }));
  if (parts.length !== p.segments) throw new Error(`expected ${p.segments} segment results, found ${parts.length}`);
  const analysis = estimateVideo(joinTraces(parts), { settings: o.estimate, bufferSeconds: o.bufferSeconds }, { name: p.name, width: p.width, height: p.height }, Date.now() - job.timestamp);
  return analysis.result;
}

/** The upload and its reservation go once the video's analysis has ended either way. */
async function cleanUp(videoId: string, o: VideoWorkerOptions, log: Logger): Promise<void> {
  await o.videos.delete(videoId).catch((err: Error) => log.warn({ err: err.message }, 'upload not deleted (it expires by itself)'));
  await o.ledger.release(videoId).catch((err: Error) => log.warn({ err: err.message }, 'work reservation not released (it lapses by itself)'));
}

export function createVideoWorker(o: VideoWorkerOptions): Worker {
  const worker = new Worker(
    VIDEO_QUEUE_NAME,
    async (job) => {
      const log = o.log.child({ jobId: job.id, job: job.name, video: job.data?.video_id });
      const end = o.metrics.jobDuration.startTimer({ job: job.name });
      const videoId = typeof job.data?.video_id === 'string' ? job.data.video_id : null;
      try {
        if (job.name !== 'video.segment' && job.name !== 'video.join') throw permanentFailure('invalid_payload', `unknown job "${job.name}"`);
        const result = job.name === 'video.segment' ? await traceSegment(job, o) : await joinSegments(job, o);
        if (job.name === 'video.join' && videoId) await cleanUp(videoId, o, log);
        end({ result: 'completed' });
        log.info(job.name === 'video.join' ? { median_bpm: (result as VideoResult).summary.median_bpm } : { frames: (result as { frameTimes: number[] }).frameTimes.length }, 'video job done');
        return result;
      } catch (err) {
        const failure = asFailure(err);
        const final = failure instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        if (final && videoId) await cleanUp(videoId, o, log);
        end({ result: 'failed' });
        log.warn({ reason: failure.message, final }, 'video job failed');
        throw failure;
      }
    },
    {
      connection: o.connection,
      prefix: redisPrefix(o.prefix),
      concurrency: o.concurrency,
      autorun: false,
      lockDuration: o.lockMs,
      stalledInterval: o.lockMs,
    },
  );
  worker.on('error', (err) => o.log.error({ err }, 'video worker error'));
  return worker;
}
