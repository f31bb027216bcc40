/**
 * Uploaded videos while they are analysed, kept in Redis in chunks (so any worker on any machine
 * can read them) with a TTL (so an upload nobody finishes cannot stay). The gateway puts a file,
 * each segment's worker copies it to its own temporary file for ffmpeg, and the job that joins
 * the segments deletes it. Progress is a hash of frames done per segment.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { videoKeys } from '@pulsecam/contracts';

/** Chunk size: large enough for few round trips, small enough not to stall Redis on one command. */
const CHUNK_BYTES = 4 * 1024 * 1024;

export class VideoGoneError extends Error {
  override readonly name = 'VideoGoneError';
}

export class VideoStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Copies a file into Redis; returns its size. */
  async put(videoId: string, file: string, ttlSeconds: number): Promise<number> {
    const keys = videoKeys(this.prefix, videoId);
    let n = 0;
    let bytes = 0;
    try {
      for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
        await this.redis.set(keys.chunk(n), chunk, 'EX', ttlSeconds);
        n++;
        bytes += chunk.length;
      }
      await this.redis.multi().hset(keys.meta, { bytes, chunks: n }).expire(keys.meta, ttlSeconds).exec();
    } catch (err) {
      await this.delete(videoId, n + 1).catch(() => undefined);
      throw err;
    }
    return bytes;
  }

  /** Writes the stored video to a local file (for ffmpeg, which wants to seek). */
  async copyTo(videoId: string, file: string): Promise<void> {
    const keys = videoKeys(this.prefix, videoId);
    const chunks = Number(await this.redis.hget(keys.meta, 'chunks'));
    if (!chunks) throw new VideoGoneError(`video ${videoId} is no longer stored (expired or deleted)`);
    const out = createWriteStream(file);
    try {
      for (let n = 0; n < chunks; n++) {
        const chunk = await this.redis.getBuffer(keys.chunk(n));
        if (!chunk) throw new VideoGoneError(`video ${videoId} is no longer stored (chunk ${n} expired)`);
        if (!out.write(chunk)) await once(out, 'drain');
      }
    } finally {
      out.end();
      await once(out, 'close');
    }
  }

  async delete(videoId: string, knownChunks?: number): Promise<void> {
    const keys = videoKeys(this.prefix, videoId);
    const chunks = knownChunks ?? Number((await this.redis.hget(keys.meta, 'chunks')) ?? 0);
    const doomed = [keys.meta, keys.progress, ...Array.from({ length: chunks }, (_, n) => keys.chunk(n))];
    for (let i = 0; i < doomed.length; i += 100) await this.redis.del(...doomed.slice(i, i + 100));
  }

  async setProgress(videoId: string, segment: number, frames: number, ttlSeconds: number): Promise<void> {
    const key = videoKeys(this.prefix, videoId).progress;
    await this.redis.multi().hset(key, String(segment), frames).expire(key, ttlSeconds).exec();
  }

  /** Frames analysed so far, over all segments. */
  async progress(videoId: string): Promise<number> {
    const all = await this.redis.hgetall(videoKeys(this.prefix, videoId).progress);
    return Object.values(all).reduce((a, v) => a + Number(v), 0);
  }
}
