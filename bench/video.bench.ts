/**
 * `npm run bench:video`: how long an uploaded video takes, from the upload to the result, with 1
 * and with N workers (segments run in parallel), beside the CLI on the same file in one process.
 * The clip is the synthetic generator's moving face (512x512, H.264 CRF 8), so every frame costs
 * a landmark fit, not the cheap still-face path.
 *
 *   npm run bench:video                                   # 120 s clip, 30 s segments, 1 and 2 workers
 *   npm run bench:video -- --seconds 300 --segment 30 --workers 1,2,4
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { encodeVideo, meanHeartRate, scenario, SceneRenderer } from '@pulsecam/synth';
import { ffmpegPath } from '@pulsecam/video';
import { portraitTemplate } from '../test/support/frames.ts';
import { startService } from '../test/support/service.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '120' },
    segment: { type: 'string', default: '30' },
    workers: { type: 'string', default: '1,2' },
    fps: { type: 'string', default: '30' },
  },
});
const SECONDS = Number(args.seconds);
const root = path.resolve(import.meta.dirname, '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'pulsecam-video-bench-'));
const file = path.join(dir, 'motion.mp4');

async function main(): Promise<void> {
  const sc = scenario('mild_motion', SECONDS);
  const renderer = new SceneRenderer({ ...sc.spec, durationSeconds: SECONDS, fps: Number(args.fps) }, await portraitTemplate());
  const started = performance.now();
  await encodeVideo(ffmpegPath(), file, renderer, { codec: ['-c:v', 'libx264', '-crf', '8', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'] });
  const truth = meanHeartRate(renderer.physiology, 0, SECONDS);
  const bytes = readFileSync(file).length;
  console.log(`clip: ${SECONDS} s mild_motion at ${args.fps} fps, ${(bytes / 1e6).toFixed(0)} MB, true mean ${truth.toFixed(1)} bpm (rendered in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'})\n`);

  const cliStart = performance.now();
  const cli = spawnSync(process.execPath, [path.join(root, 'services/cli/bin/pulsecam.mjs'), 'analyze', file, '--quiet'], { encoding: 'utf8' });
  const cliSeconds = (performance.now() - cliStart) / 1000;
  const median = /median (\S+) bpm/.exec(cli.stdout)?.[1] ?? '-';
  console.log(`${'path'.padEnd(28)} ${'seconds'.padStart(8)} ${'frames/s'.padStart(9)} ${'median bpm'.padStart(11)}`);
  const frames = Math.round(SECONDS * Number(args.fps));
  console.log(`${'CLI, one process'.padEnd(28)} ${cliSeconds.toFixed(1).padStart(8)} ${(frames / cliSeconds).toFixed(0).padStart(9)} ${median.padStart(11)}`);

  for (const workers of args.workers!.split(',').map(Number)) {
    // The near-lossless clip is large (~3 MB a second): the upload limits are raised to fit it.
    const roomy = String(Math.max(2 * bytes, 256 * 1024 * 1024));
    const service = await startService({
      workers,
      env: { VIDEO_SEGMENT_SECONDS: args.segment!, MAX_VIDEO_SECONDS: String(SECONDS + 60), MAX_VIDEO_BYTES: roomy, MAX_QUEUED_BYTES: roomy, LOG_LEVEL: 'warn' },
    });
    try {
      const t0 = performance.now();
      const form = new FormData();
      form.append('video', new Blob([readFileSync(file)]), 'motion.mp4');
      const answer = await fetch(`${service.baseUrl}/analyze-video`, { method: 'POST', body: form });
      if (answer.status !== 202) throw new Error(`upload refused: ${answer.status} ${await answer.text()}`);
      const sent = (await answer.json()) as { job_id: string; job_token: string; segments: number };
      const uploadSeconds = (performance.now() - t0) / 1000;
      let body: { state: string; result?: { summary: { median_bpm: number | null } }; error?: string };
      for (;;) {
        await new Promise((r) => setTimeout(r, 250));
        const res = await fetch(`${service.baseUrl}/jobs/${sent.job_id}`, { headers: { authorization: `Bearer ${sent.job_token}` } });
        if (!res.ok) throw new Error(`GET /jobs answered ${res.status}`);
        body = (await res.json()) as typeof body;
        if (body.state === 'completed' || body.state === 'failed') break;
      }
      const seconds = (performance.now() - t0) / 1000;
      const label = `API, ${workers} worker${workers > 1 ? 's' : ''}, ${sent.segments} segments`;
      console.log(`${label.padEnd(28)} ${seconds.toFixed(1).padStart(8)} ${(frames / seconds).toFixed(0).padStart(9)} ${String(body.result?.summary.median_bpm ?? body.error).padStart(11)}   (upload ${uploadSeconds.toFixed(1)} s)`);
    } finally {
      await service.stop();
    }
  }
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }));
