/**
 * Dataset evaluation: the metrics against values computed by hand, and the UBFC-rPPG and PURE
 * readers on recordings the synthetic generator writes in exactly those layouts, scored end to
 * end (in-process, and `npm run eval` as a user runs it).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { detectorFromConfig, pipelineFromConfig } from '@pulsecam/analysis';
import { loadWorkerConfig } from '@pulsecam/config';
import { meanHeartRate, scenario, SceneRenderer, webcamScenario, writePureRecording, writeUbfcRecording } from '@pulsecam/synth';
import { ffmpegPath } from '@pulsecam/video';
import { parsePureJson, parseUbfcGroundTruth, readPure, readUbfc } from '../bench/eval/datasets.ts';
import { evaluateRecording, summarizeDataset, type RecordingResult } from '../bench/eval/evaluate.ts';
import { pearson, pulseSnrDb, rateErrors, spectralRate } from '../bench/eval/metrics.ts';
import { portraitTemplate } from './support/frames.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const close = (actual: number | null, expected: number, tolerance: number, what: string) =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);

const sine = (hz: number, seconds: number, fs: number, amplitude = 1) => Array.from({ length: Math.round(seconds * fs) }, (_, i) => amplitude * Math.sin(2 * Math.PI * hz * (i / fs)));

describe('evaluation metrics (hand-computed)', () => {
  test('MAE, RMSE, MAPE and Pearson r of three rates', () => {
    // errors -2, +2, -3 against references 72, 78, 93
    const e = rateErrors([70, 80, 90], [72, 78, 93]);
    close(e.mae, 7 / 3, 1e-12, 'MAE');
    close(e.rmse, Math.sqrt(17 / 3), 1e-12, 'RMSE');
    close(e.mape, ((2 / 72 + 2 / 78 + 3 / 93) / 3) * 100, 1e-12, 'MAPE');
    // dx = (-10, 0, 10), dy = (-9, -3, 12): r = 210 / sqrt(200 * 234)
    close(e.pearson, 210 / Math.sqrt(200 * 234), 1e-12, 'Pearson');
    assert.equal(pearson([1, 2], [2, 3]), null, 'r needs three pairs');
    assert.equal(pearson([1, 1, 1], [1, 2, 3]), null, 'r needs variance');
  });

  test('a reference PPG at 1.2 Hz reads 72 bpm; SNR: a clean pulse is strong, equal noise power is 0 dB', () => {
    close(spectralRate(sine(1.2, 10, 30), 30), 72, 0.5, 'rate of a 1.2 Hz sine');
    close(spectralRate(sine(1.05, 60, 30), 30), 63, 0.2, 'rate of a 1.05 Hz sine over 60 s');
    // Untapered (as the toolbox computes it), a pure sine leaks ~4 % of its power outside ±6 bpm.
    assert.ok(pulseSnrDb(sine(1.2, 20, 30), 30, 72) > 10, 'a pure pulse');
    // The same power at 1.7 Hz (102 bpm: not within 6 bpm of 72 or 144) as at the pulse: 0 dB.
    const mixed = sine(1.2, 20, 30).map((v, i) => v + sine(1.7, 20, 30)[i]);
    close(pulseSnrDb(mixed, 30, 72), 0, 1, 'SNR of pulse + equal interference');
    // A tenth of the amplitude at the pulse: -20 dB.
    const weak = sine(1.2, 20, 30, 0.1).map((v, i) => v + sine(1.7, 20, 30)[i]);
    close(pulseSnrDb(weak, 30, 72), -20, 1.5, 'SNR of a weak pulse');
  });

  test('UBFC ground truth (seconds, or milliseconds recognised) and PURE JSON parse into one clock', () => {
    const ubfc = parseUbfcGroundTruth('1.0e+00  2.0e+00 3.0e+00\n70 71 72\n5.0 5.5 6.0\n');
    assert.deepEqual(ubfc, { t: [0, 0.5, 1], ppg: [1, 2, 3], bpm: [70, 71, 72] });
    const ms = parseUbfcGroundTruth(`1 2 3\n70 71 72\n0 2000000 4000000\n`);
    assert.deepEqual(ms.t, [0, 2000, 4000]);
    assert.throws(() => parseUbfcGroundTruth('1 2 3\n70 71\n0 1 2\n'), /differ in length/);
    const pure = parsePureJson(
      JSON.stringify({ '/FullPackage': [{ Timestamp: 10, Value: { waveform: 120, pulseRate: 66 } }], '/Image': [{ Timestamp: 5 }, { Timestamp: 38 }] }),
    );
    assert.deepEqual(pure, { reference: { tNs: [10], ppg: [120], bpm: [66] }, imageNs: [5, 38] });
  });
});

describe('dataset readers and evaluation on generated recordings', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pulsecam-eval-'));
  const ubfcDir = path.join(dir, 'UBFC');
  const pureDir = path.join(dir, 'PURE');
  const truth: Record<string, number> = {};
  const pureTimes: number[] = [];
  const config = loadWorkerConfig({});
  const settings = { methods: ['pulsecam', 'pos', 'green'] as const, windowSeconds: 10, minSignalSeconds: config.MIN_SIGNAL_SECONDS, bufferSeconds: config.BUFFER_SECONDS, maxSide: config.ANALYSIS_MAX_SIDE };

  before(async () => {
    const template = await portraitTemplate();
    for (const [subject, name] of [['subject1', 'still'], ['subject3', 'still~1']] as const) {
      const sc = scenario(name, 20);
      const renderer = new SceneRenderer({ ...sc.spec, durationSeconds: 20, timestampJitter: 0, dropRate: 0 }, template);
      await writeUbfcRecording(ubfcDir, subject, renderer, ffmpegPath());
      truth[subject] = meanHeartRate(renderer.physiology, 0, 20);
    }
    const sc = webcamScenario(84, 20);
    const renderer = new SceneRenderer({ ...sc.spec, timestampJitter: 0.3 }, template);
    await writePureRecording(pureDir, '01-02', renderer);
    truth['01-02'] = meanHeartRate(renderer.physiology, 0, 20);
    pureTimes.push(...renderer.times.map((t) => t * 1000));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('UBFC-rPPG: both subjects found, the reference rate is the clip\'s, and every method\'s errors add up', async (t) => {
    const recordings = await readUbfc(ubfcDir, ffmpegPath());
    assert.deepEqual(recordings.map((r) => r.name), ['subject1', 'subject3']);
    const pipeline = pipelineFromConfig(await detectorFromConfig(config), config);
    const results: RecordingResult[] = [];
    for (const rec of recordings) {
      assert.equal(rec.frameCount, 600);
      assert.equal(rec.reference.t.length, 600);
      close(rec.reference.t[1], 1 / 30, 1e-6, 'reference clock');
      results.push(await evaluateRecording(rec, pipeline, { ...settings, methods: [...settings.methods] }));
    }
    for (const r of results) {
      t.diagnostic(`${r.name}: truth ${truth[r.name].toFixed(1)}, reference ${r.whole.pulsecam.reference?.toFixed(1)}, pulsecam ${r.whole.pulsecam.bpm?.toFixed(1)}, pos ${r.whole.pos.bpm?.toFixed(1)}, SNR ${r.whole.pulsecam.snrDb?.toFixed(1)} dB`);
      assert.equal(r.frames, 600);
      close(r.whole.pulsecam.reference, truth[r.name], 1, `${r.name} reference rate`);
      close(r.whole.pulsecam.bpm, truth[r.name], 3, `${r.name} pulsecam`);
      close(r.whole.pos.bpm, truth[r.name], 3, `${r.name} POS`);
      assert.ok((r.whole.pulsecam.snrDb ?? -Infinity) > 0, 'a clean clip\'s pulse stands above its noise');
      assert.equal(r.windows.pulsecam.length, 2, 'two 10 s windows in 20 s');
    }
    // The summary is the per-video numbers put together (computed here by hand).
    const summary = summarizeDataset(results, settings.methods);
    for (const s of summary) {
      const answered = results.filter((r) => r.whole[s.method].bpm !== null);
      const errors = answered.map((r) => Math.abs(r.whole[s.method].bpm! - r.whole[s.method].reference!));
      close(s.whole.mae, errors.reduce((a, v) => a + v, 0) / errors.length, 1e-9, `${s.method} whole-video MAE`);
      close(s.whole.answered, answered.length / results.length, 1e-12, `${s.method} answered`);
      const windows = results.flatMap((r) => r.windows[s.method]).filter((w) => w.bpm !== null && w.reference !== null);
      close(s.windows.rmse, Math.sqrt(windows.reduce((a, w) => a + (w.bpm! - w.reference!) ** 2, 0) / windows.length), 1e-9, `${s.method} window RMSE`);
    }
  });

  test('PURE: frames timed by the JSON (jittered capture times kept), reference from the oximeter', async () => {
    const recordings = await readPure(pureDir);
    assert.deepEqual(recordings.map((r) => r.name), ['01-02']);
    const rec = recordings[0];
    assert.equal(rec.frameCount, pureTimes.length);
    let i = 0;
    for await (const frame of rec.frames(640)) {
      close(frame.tMs, pureTimes[i] - pureTimes[0], 0.001, `frame ${i} time`);
      assert.equal(frame.width, 320);
      i++;
    }
    assert.equal(i, pureTimes.length);
    close(rec.reference.t[60], 1 - pureTimes[0] / 1000, 1e-6, 'oximeter clock (60 Hz) on the frames\' clock');
    const pipeline = pipelineFromConfig(await detectorFromConfig(config), config);
    const result = await evaluateRecording(rec, pipeline, { ...settings, methods: ['pulsecam'] });
    close(result.whole.pulsecam.reference, truth['01-02'], 1, 'reference rate');
    close(result.whole.pulsecam.bpm, truth['01-02'], 3, 'pulsecam');
  });

  test('npm run eval prints the per-video table and both summaries, and --json writes them', async () => {
    const jsonFile = path.join(dir, 'eval.json');
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/eval.ts'), '--dataset', 'ubfc-rppg', ubfcDir, '--methods', 'pulsecam,chrom', '--json', jsonFile], { cwd: ROOT });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /subject1\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d/);
    assert.match(run.stdout, /Whole video/);
    assert.match(run.stdout, /10 s windows/);
    assert.match(run.stdout, /pulsecam\s+\d+\.\d\d\s+\d+\.\d\d\s+\d+\.\d\d/);
    const written = JSON.parse(await readFile(jsonFile, 'utf8'));
    assert.equal(written.results.length, 2);
    assert.deepEqual(written.summaries.map((s: { method: string }) => s.method), ['pulsecam', 'chrom']);
    const bad = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/eval.ts'), '--dataset', 'pure', ubfcDir], { cwd: ROOT });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no PURE recordings in .*: expected NN-NN\/ folders/);
  });
});
