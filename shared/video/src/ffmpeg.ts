/**
 * Which ffmpeg reads videos: FFMPEG_PATH when set, otherwise the static build that
 * @ffmpeg-installer/ffmpeg put in node_modules with `npm install` (no system package needed).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/** A video cannot be read; `message` is one line a person can act on. */
export class VideoError extends Error {
  override readonly name = 'VideoError';
  constructor(
    readonly code: 'ffmpeg_missing' | 'unreadable_video' | 'no_video_stream' | 'video_too_long',
    message: string,
    /** ffmpeg's own words, for logs. */
    readonly detail?: string,
  ) {
    super(message);
  }
}

let installed: string | null | undefined;

function installedFfmpeg(): string | null {
  if (installed === undefined) {
    try {
      installed = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    } catch {
      installed = null;
    }
  }
  return installed;
}

/** The ffmpeg binary to spawn. */
export function ffmpegPath(configured = ''): string {
  if (configured) return configured;
  const found = installedFfmpeg();
  if (!found) {
    throw new VideoError(
      'ffmpeg_missing',
      'no ffmpeg: @ffmpeg-installer/ffmpeg has no binary for this platform; install ffmpeg and set FFMPEG_PATH to it',
    );
  }
  return found;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs ffmpeg to completion, collecting its output (for short calls: probes, encodes in tests). */
export function runFfmpeg(binary: string, args: string[], input?: Buffer): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => reject(new VideoError('ffmpeg_missing', `cannot run ffmpeg at ${binary}: ${err.message}`)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (input) child.stdin!.end(input);
  });
}

/** The first line of ffmpeg's stderr that explains a failure (without the banner and stream list). */
export function ffmpegComplaint(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const telling = lines.find((l) => /invalid|error|not found|no such|could not|unknown|failed|does not contain|truncat|corrupt/i.test(l));
  return (telling ?? lines[lines.length - 1] ?? 'ffmpeg gave no reason').replace(/^\[[^\]]+\]\s*/, '').slice(0, 200);
}
