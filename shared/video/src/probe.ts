/**
 * What a video file holds, from its header (ffmpeg -i): duration, picture size, nominal frame
 * rate. Cheap: nothing is decoded. Files whose header has no duration (a browser's MediaRecorder
 * WebM, say) are read once with stream copy, which counts the packets without decoding them.
 */
import { access } from 'node:fs/promises';
import { ffmpegComplaint, runFfmpeg, VideoError } from './ffmpeg.ts';

export interface VideoInfo {
  durationSeconds: number;
  /** Displayed size (after the rotation the file asks for). */
  width: number;
  height: number;
  /** Nominal frames per second from the header; the real timing comes from each frame's timestamp. */
  fps: number | null;
  codec: string;
}

const clock = (h: string, m: string, s: string) => Number(h) * 3600 + Number(m) * 60 + Number(s);

export function parseProbe(stderr: string): Omit<VideoInfo, 'durationSeconds'> & { durationSeconds: number | null } {
  const stream = /Stream #\d+:\d+.*?: Video: ([^\s,]+)[^\n]*?, (\d{1,5})x(\d{1,5})[^\n]*/.exec(stderr);
  if (!stream) throw new VideoError('no_video_stream', 'the file has no video stream');
  const duration = /Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(stderr);
  const fps = /, ([\d.]+) fps/.exec(stream[0]) ?? /, ([\d.]+) tbr/.exec(stream[0]);
  const rotation = /rotate\s*:\s*(-?\d+)/.exec(stderr) ?? /rotation of (-?[\d.]+) degrees/.exec(stderr);
  const quarterTurns = rotation ? Math.round(Number(rotation[1]) / 90) : 0;
  const swap = Math.abs(quarterTurns) % 2 === 1;
  const width = Number(stream[2]);
  const height = Number(stream[3]);
  return {
    codec: stream[1],
    width: swap ? height : width,
    height: swap ? width : height,
    fps: fps ? Number(fps[1]) : null,
    durationSeconds: duration ? clock(duration[1], duration[2], duration[3]) : null,
  };
}

async function durationByCopy(ffmpeg: string, file: string): Promise<number> {
  const r = await runFfmpeg(ffmpeg, ['-hide_banner', '-nostdin', '-i', file, '-map', '0:v:0', '-c', 'copy', '-f', 'null', '-']);
  const times = [...r.stderr.matchAll(/time=(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/g)];
  const last = times[times.length - 1];
  if (r.code !== 0 || !last) throw new VideoError('unreadable_video', `cannot read the video: ${ffmpegComplaint(r.stderr)}`, r.stderr.slice(-2000));
  return clock(last[1], last[2], last[3]);
}

export async function probeVideo(ffmpeg: string, file: string): Promise<VideoInfo> {
  try {
    await access(file);
  } catch {
    throw new VideoError('unreadable_video', `no such file: ${file}`);
  }
  const r = await runFfmpeg(ffmpeg, ['-hide_banner', '-nostdin', '-i', file]);
  if (!/Input #0/.test(r.stderr)) {
    throw new VideoError('unreadable_video', `not a readable video (${ffmpegComplaint(r.stderr)})`, r.stderr.slice(-2000));
  }
  const info = parseProbe(r.stderr);
  const durationSeconds = info.durationSeconds ?? (await durationByCopy(ffmpeg, file));
  return { ...info, durationSeconds };
}
