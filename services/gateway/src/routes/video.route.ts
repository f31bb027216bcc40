/**
 * POST /analyze-video: a video file (multipart field "video") analysed by the workers, answered
 * at once with a job id and a job token; GET /jobs/{id} (with the token) reports progress and,
 * when done, the same JSON as `pulsecam analyze --json`.
 *
 * The upload streams to a temporary file on the gateway (bounded by MAX_VIDEO_BYTES), is probed
 * with ffmpeg (refused early when unreadable or longer than MAX_VIDEO_SECONDS), copied into Redis
 * in chunks (TTL VIDEO_UPLOAD_TTL_SECONDS, counted against MAX_QUEUED_BYTES) and the temporary
 * file deleted before the answer goes out. The workers delete the Redis copy when the job ends.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Router, type RequestHandler } from 'express';
import multer from 'multer';
import { VideoAccepted } from '@pulsecam/contracts';
import { hashSecret, newSecret } from '@pulsecam/store';
import { ffmpegPath, probeVideo, VideoError } from '@pulsecam/video';
import { clientOf } from '../client-identity.ts';
import type { RouteDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { limitStreamedBody } from '../hardening.ts';

/** Room for the multipart framing and small fields around the file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
/** Frames per second assumed for progress when the header gives none. */
const FALLBACK_FPS = 30;

export const UPLOAD_DIR = path.join(tmpdir(), 'pulsecam-uploads');

export function videoRouter(deps: RouteDeps): Router {
  const router = Router();
  const { config, ledger, videos } = deps;
  mkdirSync(UPLOAD_DIR, { recursive: true, mode: 0o700 });
  const maxBody = config.MAX_VIDEO_BYTES + MULTIPART_OVERHEAD_BYTES;
  const tooLarge = () => new ApiError('video_too_large', `the video is larger than ${config.MAX_VIDEO_BYTES} bytes (MAX_VIDEO_BYTES)`, [{ field: 'video', message: 'file too large' }]);
  const parse = multer({
    storage: multer.diskStorage({ destination: UPLOAD_DIR, filename: (_req, _file, cb) => cb(null, `${randomUUID()}.upload`) }),
    limits: { fileSize: config.MAX_VIDEO_BYTES, files: 1, fields: 4, fieldSize: 1024 },
  }).single('video');

  const receive: RequestHandler = (req, res, next) => {
    if (!req.is('multipart/form-data')) {
      next(new ApiError('unsupported_media_type', `send the video as multipart/form-data (field "video"), not ${req.headers['content-type'] ?? 'no content type'}`));
      return;
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxBody) {
      next(tooLarge());
      return;
    }
    limitStreamedBody(req, maxBody);
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') return next(tooLarge());
      if ((err as { type?: string }).type === 'entity.too.large') return next(tooLarge());
      const detail = err instanceof multer.MulterError ? err.message : `malformed multipart body: ${(err as Error).message}`;
      next(new ApiError('validation_failed', detail, [{ field: (err as { field?: string }).field ?? '(multipart)', message: detail }]));
    });
  };

  router.post('/analyze-video', receive, async (req, res) => {
    const file = req.file;
    if (!file) throw new ApiError('validation_failed', 'no video: send the file in the multipart field "video"', [{ field: 'video', message: 'required' }]);
    const log = res.locals.log as typeof deps.log;
    try {
      let info;
      try {
        info = await probeVideo(ffmpegPath(config.FFMPEG_PATH), file.path);
      } catch (err) {
        if (err instanceof VideoError && err.code === 'ffmpeg_missing') {
          log.error({ reason: err.message }, 'video upload refused: no ffmpeg');
          throw new ApiError('unavailable', 'video analysis is not available on this server (no ffmpeg: install one and set FFMPEG_PATH)');
        }
        if (!(err instanceof VideoError)) throw err;
        log.info({ reason: err.detail?.slice(-300) ?? err.message }, 'video refused');
        throw new ApiError('invalid_video', err.message.replace(file.path, 'the upload'), [{ field: 'video', message: 'not a readable video' }]);
      }
      if (info.durationSeconds > config.MAX_VIDEO_SECONDS) {
        throw new ApiError('video_too_long', `the video lasts ${info.durationSeconds.toFixed(1)} s; the limit is ${config.MAX_VIDEO_SECONDS} s (MAX_VIDEO_SECONDS)`, [
          { field: 'video', message: 'too long' },
        ]);
      }
      const videoId = randomUUID();
      const verdict = await ledger.reserve(
        { jobId: videoId, sessionId: `video:${videoId}`, frames: 0, bytes: file.size, deadline: Date.now() + config.VIDEO_UPLOAD_TTL_SECONDS * 1000 },
        { maxSessionFrames: Number.MAX_SAFE_INTEGER, maxQueuedBytes: config.MAX_QUEUED_BYTES },
      );
      if (!verdict.ok) {
        throw new ApiError('overloaded', `${verdict.current} bytes of work are waiting for the workers (limit ${config.MAX_QUEUED_BYTES}); retry later`, undefined, { 'Retry-After': '30' });
      }
      const token = newSecret('pjt');
      const framesExpected = Math.max(1, Math.round(info.durationSeconds * (info.fps ?? FALLBACK_FPS)));
      let segments: number;
      try {
        await videos.store.put(videoId, file.path, config.VIDEO_UPLOAD_TTL_SECONDS);
        segments = await videos.add({
          videoId,
          segmentSeconds: config.VIDEO_SEGMENT_SECONDS,
          resultTtlSeconds: config.ASYNC_RESULT_TTL_SECONDS,
          join: {
            video_id: videoId,
            name: path.basename(file.originalname || 'video').slice(0, 200),
            width: info.width,
            height: info.height,
            duration_s: info.durationSeconds,
            frames_expected: framesExpected,
            segments: 1,
            token_hash: hashSecret(token),
            owner: clientOf(res).id,
          },
        });
      } catch (err) {
        await videos.store.delete(videoId).catch(() => undefined);
        await ledger.release(videoId).catch(() => undefined);
        throw err;
      }
      log.info({ videoId, bytes: file.size, seconds: info.durationSeconds, segments }, 'video queued');
      const statusUrl = `/jobs/${videoId}`;
      res.status(202).location(statusUrl).json(VideoAccepted.parse({
        job_id: videoId,
        job_token: token,
        status: 'queued',
        status_url: statusUrl,
        duration_seconds: info.durationSeconds,
        frames_expected: framesExpected,
        segments,
      }));
    } finally {
      await rm(file.path, { force: true });
    }
  });
  return router;
}
