/**
 * A video's frames as RGB pixels with their real presentation times, decoded by a spawned ffmpeg:
 * scaled to the analysis size inside ffmpeg, piped as rawvideo, and timed by the showinfo filter
 * (one line per frame on stderr with its pts_time and size). `-vsync passthrough` keeps every
 * decoded frame as it is: no frames are duplicated or dropped to make a variable frame rate look
 * constant, so the timestamps are the ones the camera wrote.
 */
import { spawn } from 'node:child_process';
import { ffmpegComplaint, VideoError } from './ffmpeg.ts';

export interface VideoFrame {
  /** 0-based index among the frames read. */
  index: number;
  /** Presentation time (ms) in the file's own clock (ffmpeg starts it near 0). */
  tMs: number;
  /** RGB, row-major, width*height*3 bytes. */
  data: Uint8Array;
  width: number;
  height: number;
}

export interface ReadFramesOptions {
  /** Longer side of the frames handed out (larger videos are scaled down; smaller ones are kept). */
  maxSide: number;
  /** Only frames with start <= t < end (seconds) are handed out. */
  startSeconds?: number;
  endSeconds?: number;
  signal?: AbortSignal;
}

/** A segment's seek lands this long before its first frame, so rounding never loses one. */
const SEEK_MARGIN_SECONDS = 1;

const SHOWINFO = /\bn:\s*(\d+)\s+pts:\s*(-?\d+)\s+pts_time:(-?[\d.e+-]+).*?\bs:(\d+)x(\d+)/;

export function ffmpegFrameArgs(file: string, options: ReadFramesOptions): string[] {
  const m = options.maxSide;
  const filters: string[] = [];
  if (options.startSeconds !== undefined || options.endSeconds !== undefined) {
    const parts = [];
    if (options.startSeconds !== undefined) parts.push(`start=${options.startSeconds}`);
    if (options.endSeconds !== undefined) parts.push(`end=${options.endSeconds}`);
    filters.push(`trim=${parts.join(':')}`);
  }
  filters.push(`scale=w='if(gte(iw,ih),min(iw,${m}),-2)':h='if(gte(iw,ih),-2,min(ih,${m}))'`, 'format=rgb24', 'showinfo');
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info'];
  // A segment starts with a seek to a second before it (ffmpeg decodes from the keyframe before
  // that and drops the rest), and is cut exactly by the trim filter. -copyts -start_at_zero keeps
  // every timestamp on the whole file's clock (as a read from the start gives them), not the seek's.
  if (options.startSeconds !== undefined && options.startSeconds > SEEK_MARGIN_SECONDS) {
    args.push('-ss', (options.startSeconds - SEEK_MARGIN_SECONDS).toFixed(3), '-copyts', '-start_at_zero');
  }
  args.push('-i', file, '-map', '0:v:0', '-an', '-vf', filters.join(','), '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  return args;
}

/**
 * Reads the frames in order. Stops ffmpeg when the consumer stops early or the signal aborts.
 * A file ffmpeg cannot decode at all throws VideoError('unreadable_video'); a file that breaks
 * off part way ends at its last good frame.
 */
export async function* readVideoFrames(ffmpeg: string, file: string, options: ReadFramesOptions): AsyncGenerator<VideoFrame> {
  const child = spawn(ffmpeg, ffmpegFrameArgs(file, options), { stdio: ['ignore', 'pipe', 'pipe'] });
  const times: { tMs: number; width: number; height: number }[] = [];
  let stderrTail = '';
  let pending = '';
  let stderrDone = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const m = SHOWINFO.exec(line);
      if (m) {
        times.push({ tMs: Math.round(Number(m[3]) * 1e6) / 1e3, width: Number(m[4]), height: Number(m[5]) });
      } else {
        stderrTail = (stderrTail + line + '\n').slice(-4000);
      }
    }
    notify();
  });
  child.stderr.on('end', () => {
    stderrDone = true;
    notify();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const spawnFailed = new Promise<never>((_, reject) =>
    child.on('error', (err) => reject(new VideoError('ffmpeg_missing', `cannot run ffmpeg at ${ffmpeg}: ${err.message}`))),
  );
  spawnFailed.catch(() => undefined);
  const abort = () => child.kill('SIGKILL');
  options.signal?.addEventListener('abort', abort, { once: true });

  /** The timing line of frame `i`, waiting for ffmpeg's stderr to catch up with its stdout. */
  async function timeOf(i: number) {
    while (times.length <= i && !stderrDone) await new Promise<void>((r) => (wake = r));
    return times[i];
  }

  let index = 0;
  // The frame being filled: each stdout chunk is copied once, straight into it.
  let frame: { data: Uint8Array; filled: number; tMs: number; width: number; height: number } | null = null;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        if (!frame) {
          const timing = await timeOf(index);
          if (!timing) break;
          frame = { data: new Uint8Array(timing.width * timing.height * 3), filled: 0, ...timing };
        }
        const take = Math.min(chunk.length - offset, frame.data.length - frame.filled);
        frame.data.set(chunk.subarray(offset, offset + take), frame.filled);
        frame.filled += take;
        offset += take;
        if (frame.filled === frame.data.length) {
          yield { index, tMs: frame.tMs, data: frame.data, width: frame.width, height: frame.height };
          index++;
          frame = null;
        }
      }
      if (options.signal?.aborted) return;
    }
    const code = await Promise.race([exited, spawnFailed]);
    if (options.signal?.aborted) return;
    if (index === 0 && code !== 0) {
      throw new VideoError('unreadable_video', `cannot decode the video (${ffmpegComplaint(stderrTail)})`, stderrTail);
    }
  } finally {
    options.signal?.removeEventListener('abort', abort);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
