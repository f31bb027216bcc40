/**
 * Your own video, end to end: generated clips encoded by the ffmpeg the project installs, through
 * the command-line tool (in-process, with no Redis reachable) and through POST /analyze-video
 * (gateway + 2 workers, a BullMQ flow of segments). The CLI must find the known heart rate and
 * write valid JSON, CSV and HTML; bad inputs must give one clear line; the API must answer what
 * the CLI answers, report progress on the way, and a video cut in segments must agree with the
 * same video analysed whole.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { VideoResult, type VideoResult as VideoResultType, redisPrefix } from '@pulsecam/contracts';
import { connectRedis } from '@pulsecam/store';
import { encodeVideo, meanHeartRate, scenario, SceneRenderer } from '@pulsecam/synth';
import { ffmpegPath, runFfmpeg } from '@pulsecam/video';
import { rememberSecret } from './support/api.ts';
import { portraitTemplate } from './support/frames.ts';
import { startService, type RunningService } from './support/service.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'services/cli/bin/pulsecam.mjs');
/** H.264 at high quality: the pulse (0.1-0.3 % of the skin's colour) survives CRF 8, not CRF 12 (see the README). */
const H264 = ['-c:v', 'libx264', '-crf', '8', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a user runs it, with a Redis URL nothing answers at: it must not need one. */
function runCli(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'silent' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'pulsecam-video-test-'));
const ffmpeg = ffmpegPath();
const files = {
  still: path.join(dir, 'still.mp4'),
  motion: path.join(dir, 'motion.mkv'),
  noFace: path.join(dir, 'no-face.mp4'),
  corrupt: path.join(dir, 'corrupt.mp4'),
  truncated: path.join(dir, 'truncated.mp4'),
};
const truth: Record<string, number> = {};

async function render(name: string, seconds: number, file: string, fps?: number): Promise<void> {
  const sc = scenario(name);
  const renderer = new SceneRenderer({ ...sc.spec, durationSeconds: seconds, ...(fps ? { fps } : {}) }, await portraitTemplate());
  await encodeVideo(ffmpeg, file, renderer, { codec: H264 });
  truth[file] = meanHeartRate(renderer.physiology, 0, seconds);
}

before(async () => {
  await render('still', 20, files.still);
  await render('mild_motion', 60, files.motion, 15);
  // The camera on the torso: no face in view.
  await render('no_face', 4, files.noFace, 15);
  writeFileSync(files.corrupt, Buffer.from('this is not a video, whatever its name says '.repeat(200)));
  writeFileSync(files.truncated, readFileSync(files.still).subarray(0, 40_000));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pulsecam analyze (command line, no service)', { timeout: 600_000 }, () => {
  let cliResult: VideoResultType;

  test('a 20 s video: the known heart rate within 3 bpm, a table per second, and valid JSON, CSV and HTML files', async (t) => {
    const out = { json: path.join(dir, 'still.json'), csv: path.join(dir, 'still.csv'), report: path.join(dir, 'still.html') };
    const run = await runCli(['analyze', files.still, '--json', out.json, '--csv', out.csv, '--report', out.report]);
    assert.equal(run.code, 0, run.stderr);
    cliResult = VideoResult.parse(JSON.parse(readFileSync(out.json, 'utf8')));
    t.diagnostic(`median ${cliResult.summary.median_bpm} bpm (truth ${truth[files.still].toFixed(1)}), answered ${cliResult.summary.answered_share}, ${cliResult.timing.frames_per_second} frames/s`);
    assert.ok(cliResult.summary.median_bpm !== null && Math.abs(cliResult.summary.median_bpm - truth[files.still]) <= 3, `median ${cliResult.summary.median_bpm}`);
    assert.ok(cliResult.summary.answered_share >= 0.8, `answered ${cliResult.summary.answered_share}`);
    assert.equal(cliResult.summary.pulse_detected, true);
    assert.equal(cliResult.source.frames, 600);
    assert.equal(cliResult.series.length, 19, 'one row per second');
    assert.deepEqual(cliResult.series.map((r) => r.t), Array.from({ length: 19 }, (_, i) => i + 1));
    // The table on stdout has the same rows.
    const tableRows = run.stdout.split('\n').filter((l) => /^\s+\d+\s/.test(l));
    assert.equal(tableRows.length, 19);
    assert.match(run.stdout, /heart rate: median \d+\.\d bpm/);
    // CSV: a header and one line per second, numbers where the JSON has numbers.
    const csv = readFileSync(out.csv, 'utf8').trim().split('\n');
    assert.equal(csv[0], 't,bpm,confidence,quality,pulse_detected,guidance');
    assert.equal(csv.length, 20);
    csv.slice(1).forEach((line, i) => {
      const [tCell, bpmCell] = line.split(',');
      assert.equal(Number(tCell), cliResult.series[i].t);
      assert.equal(bpmCell === '' ? null : Number(bpmCell), cliResult.series[i].bpm);
    });
    // HTML: one self-contained file: the track, the waveform, the spectrum, the frames, nothing fetched.
    const html = readFileSync(out.report, 'utf8');
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /aria-label="Heart rate over time"/);
    assert.match(html, /aria-label="Pulse waveform"/);
    assert.match(html, /<img alt="Spectrum of the pulse over time" src="data:image\/png;base64,/);
    assert.equal((html.match(/href="data:image\/jpeg;base64,/g) ?? []).length, 6, 'six frames');
    assert.ok((html.match(/class="region"/g) ?? []).length >= 3, 'skin regions drawn');
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'no external resources');
  });

  test('a file that is not a video, a truncated one, a missing one, a scene without a face: one clear line each', async () => {
    const corrupt = await runCli(['analyze', files.corrupt]);
    assert.equal(corrupt.code, 1);
    assert.match(corrupt.stderr.trim(), /^pulsecam: .*corrupt\.mp4: not a readable video \(.+\)$/);
    const truncated = await runCli(['analyze', files.truncated]);
    assert.equal(truncated.code, 1);
    assert.match(truncated.stderr.trim(), /^pulsecam: .*truncated\.mp4: not a readable video/);
    const missing = await runCli(['analyze', path.join(dir, 'nope.mp4')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr.trim(), /^pulsecam: no such file: .*nope\.mp4$/);
    const noFace = await runCli(['analyze', files.noFace, '--quiet']);
    assert.equal(noFace.code, 1);
    assert.match(noFace.stderr.trim(), /^pulsecam: .*no-face\.mp4: no face found in any of the 60 frames/);
    for (const run of [corrupt, truncated, missing, noFace]) assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    const usage = await runCli(['analyze']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage: pulsecam analyze/);
  });

  test('a folder of numbered images with --fps gives what the video gives; without --fps, one line saying so', async (t) => {
    const folder = path.join(dir, 'frames');
    mkdirSync(folder);
    const r = await runFfmpeg(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-i', files.still, '-q:v', '1', path.join(folder, 'frame_%d.jpg')]);
    assert.equal(r.code, 0, r.stderr);
    const json = path.join(dir, 'folder.json');
    const run = await runCli(['analyze', folder, '--fps', '30', '--json', json, '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    const result = VideoResult.parse(JSON.parse(readFileSync(json, 'utf8')));
    t.diagnostic(`folder: median ${result.summary.median_bpm} bpm, answered ${result.summary.answered_share}`);
    assert.equal(result.source.frames, 600);
    assert.equal(result.source.fps, 30);
    assert.ok(result.summary.median_bpm !== null && Math.abs(result.summary.median_bpm - truth[files.still]) <= 3, `median ${result.summary.median_bpm}`);
    const noRate = await runCli(['analyze', folder]);
    assert.equal(noRate.code, 1);
    assert.match(noRate.stderr.trim(), /^pulsecam: .*frames is a folder of images: give its frame rate with --fps$/);
  });

  test('Ctrl-C stops cleanly: ffmpeg stopped, nothing written, exit 130', async () => {
    const json = path.join(dir, 'interrupted.json');
    const child = spawn(process.execPath, [CLI, 'analyze', files.motion, '--json', json], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent' } });
    let stderr = '';
    const progressed = new Promise<void>((resolve) =>
      child.stderr.on('data', (d) => {
        stderr += d;
        if (/frames · .* fps/.test(stderr)) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await progressed;
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    assert.match(stderr, /stopping \(Ctrl-C again to quit at once\)/);
    assert.match(stderr, /pulsecam: stopped after \d+ frames; nothing written/);
    assert.equal(existsSync(json), false);
  });

  describe('POST /analyze-video (gateway + 2 workers)', () => {
    let service: RunningService;
    before(async () => {
      service = await startService({ workers: 2, env: { VIDEO_SEGMENT_SECONDS: '20', MAX_VIDEO_SECONDS: '90', LOG_LEVEL: 'info' } });
    });
    after(async () => {
      await service?.stop();
    });

    async function upload(file: string, name = path.basename(file)) {
      const form = new FormData();
      form.append('video', new Blob([readFileSync(file)]), name);
      const res = await fetch(`${service.baseUrl}/analyze-video`, { method: 'POST', body: form });
      const body = (await res.json()) as Record<string, any>;
      if (typeof body.job_token === 'string') rememberSecret(body.job_token);
      return { status: res.status, body, headers: res.headers };
    }

    /** Polls the job until it ends, keeping every progress share seen on the way. */
    async function follow(jobId: string, token: string, deadlineMs = 300_000) {
      const shares: number[] = [];
      const states = new Set<string>();
      const end = Date.now() + deadlineMs;
      for (;;) {
        const res = await fetch(`${service.baseUrl}/jobs/${jobId}`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(res.status, 200);
        const body = (await res.json()) as Record<string, any>;
        states.add(body.state);
        shares.push(body.progress.share);
        if (body.state === 'completed' || body.state === 'failed') return { body, shares, states };
        assert.ok(Date.now() < end, `job ${jobId} still ${body.state} at the deadline`);
        await new Promise((r) => setTimeout(r, 150));
      }
    }

    test('the same result as the CLI, progress reported on the way, the upload gone afterwards', async (t) => {
      const sent = await upload(files.still);
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      assert.equal(sent.body.segments, 1);
      assert.match(sent.body.job_token, /^pjt_[A-Za-z0-9_-]{43}$/);
      assert.equal(sent.headers.get('location'), `/jobs/${sent.body.job_id}`);
      // Without the job's token it does not exist.
      const anonymous = await fetch(`${service.baseUrl}/jobs/${sent.body.job_id}`);
      assert.equal(anonymous.status, 404);
      const { body, shares } = await follow(sent.body.job_id, sent.body.job_token);
      t.diagnostic(`progress seen: ${shares.join(' ')}`);
      assert.equal(body.state, 'completed', JSON.stringify(body));
      assert.ok(shares.some((s) => s > 0 && s < 1), 'an intermediate progress share');
      assert.deepEqual([...shares].sort((a, b) => a - b), shares, 'progress never goes back');
      const api = VideoResult.parse(body.result);
      assert.ok(cliResult, 'the CLI test ran first');
      assert.deepEqual(api.series, cliResult.series);
      assert.deepEqual(api.summary, cliResult.summary);
      assert.deepEqual(api.source, cliResult.source);
      assert.deepEqual(api.pulse, cliResult.pulse);
      // The upload and its reservation are gone once the job is done.
      const redis = connectRedis(service.redisUrl);
      try {
        assert.deepEqual(await redis.keys(`${redisPrefix(service.prefix)}:video:*`), []);
        assert.equal(await redis.hget(`${redisPrefix(service.prefix)}:work:totals`, 'bytes').then((v) => Number(v ?? 0)), 0);
      } finally {
        redis.disconnect();
      }
    });

    test('pulsecam analyze --server: the service analyses the file through @pulsecam/client, the CLI shows and writes the same result', async () => {
      const json = path.join(dir, 'remote.json');
      const run = await runCli(['analyze', files.still, '--server', service.baseUrl, '--json', json]);
      assert.equal(run.code, 0, run.stderr);
      const remote = VideoResult.parse(JSON.parse(readFileSync(json, 'utf8')));
      assert.deepEqual(remote.series, cliResult.series);
      assert.deepEqual(remote.summary, cliResult.summary);
      assert.equal(run.stdout.split('\n').filter((l) => /^\s+\d+\s/.test(l)).length, cliResult.series.length, 'one table row per second');
      const nobody = await runCli(['analyze', files.still, '--server', 'http://127.0.0.1:1']);
      assert.equal(nobody.code, 1);
      assert.match(nobody.stderr.trim(), /^pulsecam: nothing answers at http:\/\/127\.0\.0\.1:1: start the service/);
      const usage = await runCli(['analyze', files.still, '--server', service.baseUrl, '--report', path.join(dir, 'r.html')]);
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /--report needs the frames/);
    });

    test('a 60 s video cut in 3 segments agrees with the same video analysed whole', async (t) => {
      const whole = await runCli(['analyze', files.motion, '--json', path.join(dir, 'motion.json'), '--quiet']);
      assert.equal(whole.code, 0, whole.stderr);
      const unsplit = VideoResult.parse(JSON.parse(readFileSync(path.join(dir, 'motion.json'), 'utf8')));
      const sent = await upload(files.motion);
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      assert.equal(sent.body.segments, 3);
      const { body } = await follow(sent.body.job_id, sent.body.job_token);
      assert.equal(body.state, 'completed', JSON.stringify(body));
      const split = VideoResult.parse(body.result);
      assert.equal(split.source.frames, unsplit.source.frames, 'every frame once');
      assert.equal(split.series.length, unsplit.series.length);
      const both = split.series.filter((r, i) => r.bpm !== null && unsplit.series[i].bpm !== null);
      const close = both.filter((r) => Math.abs(r.bpm! - unsplit.series[split.series.indexOf(r)].bpm!) <= 2);
      t.diagnostic(
        `truth ${truth[files.motion].toFixed(1)}; whole: median ${unsplit.summary.median_bpm}, answered ${unsplit.summary.answered_share}; ` +
          `split: median ${split.summary.median_bpm}, answered ${split.summary.answered_share}; seconds within 2 bpm: ${close.length}/${both.length}`,
      );
      assert.ok(unsplit.summary.median_bpm !== null && split.summary.median_bpm !== null);
      assert.ok(Math.abs(split.summary.median_bpm - unsplit.summary.median_bpm) <= 1, 'medians within 1 bpm');
      assert.ok(Math.abs(split.summary.median_bpm - truth[files.motion]) <= 3, 'split median within 3 bpm of the truth');
      assert.ok(Math.abs(split.summary.answered_share - unsplit.summary.answered_share) <= 0.1, 'answered shares within 10 points');
      assert.ok(both.length > 0 && close.length / both.length >= 0.9, 'seconds answered by both agree within 2 bpm');
    });

    test('a video without a face: the job fails with error_code no_face and a clear message; the upload is deleted', async () => {
      const sent = await upload(files.noFace);
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      const { body } = await follow(sent.body.job_id, sent.body.job_token);
      assert.equal(body.state, 'failed');
      assert.equal(body.error_code, 'no_face');
      assert.match(body.error, /no face found in any of the 60 frames/);
      const redis = connectRedis(service.redisUrl);
      try {
        assert.deepEqual(await redis.keys(`${redisPrefix(service.prefix)}:video:*`), []);
      } finally {
        redis.disconnect();
      }
    });

    test('refused early: not a video (400), too long (413), too large (413), no file (400), with problem+json', async () => {
      const corrupt = await upload(files.corrupt);
      assert.equal(corrupt.status, 400);
      assert.equal(corrupt.body.code, 'invalid_video');
      assert.doesNotMatch(JSON.stringify(corrupt.body), /pulsecam-uploads|\.upload/, 'no server path in the answer');
      const long = path.join(dir, 'long.mp4');
      const r = await runFfmpeg(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=gray:size=64x64:rate=1', '-t', '100', '-c:v', 'libx264', '-y', long]);
      assert.equal(r.code, 0, r.stderr);
      const tooLong = await upload(long);
      assert.equal(tooLong.status, 413);
      assert.equal(tooLong.body.code, 'video_too_long');
      const none = await fetch(`${service.baseUrl}/analyze-video`, { method: 'POST', body: new FormData() });
      assert.equal(none.status, 400);
      assert.equal(none.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      const big = await fetch(`${service.baseUrl}/analyze-video`, {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(300 * 1024 * 1024) },
        body: 'x',
      }).catch((err: Error) => err);
      if (!(big instanceof Error)) {
        assert.equal(big.status, 413);
        assert.equal(((await big.json()) as { code: string }).code, 'video_too_large');
      }
    });
  });
});
