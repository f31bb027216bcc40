/**
 * `npm run bench:accuracy`: every scenario of the synthetic benchmark through the worker's
 * vision path (traces cached), then every method scored by the service's own estimator on
 * sliding 10 s windows against the known heart rate.
 *   npm run bench:accuracy                  # all scenarios, all methods
 *   SCENARIOS=still,head_bob npm run bench:accuracy
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { loadWorkerConfig } from '@pulsecam/config';
import type { Estimate } from '@pulsecam/contracts';
import { createPhysiology, meanHeartRate, scenarios, type Scenario } from '@pulsecam/synth';
import type { TraceSample } from '@pulsecam/store';
import { estimateSession, type EstimateSettings } from '../services/worker/src/estimate-session.ts';
import { codeVersion, readCached, ROOT, visionSettings, type CachedTrace } from './trace-cache.ts';

const WINDOW_SECONDS = 10;
const STEP_SECONDS = 1;
// The worker's defaults, or the settings in the environment (part of the trace cache key).
const config = loadWorkerConfig();
const METHODS: EstimateSettings['method'][] = ['green', 'chrom', 'pos', 'lgi', 'omit', 'pulsecam'];

const wanted = process.env.SCENARIOS?.split(',').map((s) => s.trim());
const list = scenarios().filter((s) => !wanted || wanted.includes(s.name));

async function extractMissing(version: string): Promise<void> {
  const missing = list.filter((s) => !readCached(s.name, version)).map((s) => s.name);
  if (missing.length === 0) return;
  const procs = Math.max(1, Math.min(missing.length, Number(process.env.BENCH_PROCESSES ?? os.availableParallelism())));
  console.log(`Extracting ${missing.length} scenario trace(s) with ${procs} process(es) (cached afterwards in bench/.cache)...`);
  const started = performance.now();
  const groups: string[][] = Array.from({ length: procs }, () => []);
  missing.forEach((name, i) => groups[i % procs].push(name));
  await Promise.all(
    groups.map(
      (names) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'extract-traces.ts'), version, ...names], {
            cwd: ROOT,
            stdio: ['ignore', 'inherit', 'inherit'],
          });
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`trace extraction failed (exit ${code})`))));
        }),
    ),
  );
  console.log(`Extraction took ${((performance.now() - started) / 1000).toFixed(0)} s.\n`);
}

interface WindowResult {
  truth: number;
  bpm: number | null;
  confidence: Estimate['confidence'];
  quality: number;
  rmssd: number | null;
  truthRmssd: number;
  breathing: number | null;
  truthBreathing: number;
}

/** RMSSD (ms) of the true beats inside [t0, t1]. */
function trueRmssd(beats: number[], t0: number, t1: number): number {
  const inside = beats.filter((b) => b >= t0 && b <= t1);
  let sum = 0;
  let n = 0;
  for (let i = 2; i < inside.length; i++) {
    sum += ((inside[i] - inside[i - 1] - (inside[i - 1] - inside[i - 2])) * 1000) ** 2;
    n++;
  }
  return n ? Math.sqrt(sum / n) : NaN;
}

function scoreScenario(sc: Scenario, trace: CachedTrace, method: EstimateSettings['method']): WindowResult[] {
  const duration = sc.spec.durationSeconds;
  const physiology = createPhysiology(sc.spec.physiology, duration);
  const settings: EstimateSettings = { method, minSignalSeconds: config.MIN_SIGNAL_SECONDS, windowSeconds: config.WINDOW_SECONDS };
  const out: WindowResult[] = [];
  const lastFrame = trace.frameTimes[trace.frameTimes.length - 1] / 1000;
  for (let end = WINDOW_SECONDS; end <= lastFrame + 1e-9; end += STEP_SECONDS) {
    const endMs = end * 1000;
    const startMs = endMs - config.BUFFER_SECONDS * 1000;
    const samples: TraceSample[] = trace.samples.filter((s) => s.t <= endMs && s.t >= startMs);
    const framesSoFar = trace.frameTimes.filter((t) => t <= endMs && t >= startMs);
    const lastFrameTs = framesSoFar.length ? framesSoFar[framesSoFar.length - 1] : null;
    const faceTimes = new Set(samples.map((x) => x.t));
    const e = estimateSession(samples, { lastFrameTs, noFaceTimes: framesSoFar.filter((t) => !faceTimes.has(t)) }, settings);
    const first = samples.length ? samples[0].t / 1000 : end;
    out.push({
      truth: meanHeartRate(physiology, end - WINDOW_SECONDS, end),
      bpm: e.heart_rate,
      confidence: e.confidence,
      quality: e.signal_quality,
      rmssd: e.hrv?.rmssd_ms ?? null,
      truthRmssd: trueRmssd(physiology.beats, first, end),
      breathing: e.respiration?.rate ?? null,
      truthBreathing: sc.spec.physiology.breathingRate,
    });
  }
  return out;
}

interface Score {
  mae: number;
  rmse: number;
  answered: number;
  windows: number;
}

function summarize(rows: WindowResult[]): Score {
  const answered = rows.filter((r) => r.bpm !== null);
  const errors = answered.map((r) => Math.abs(r.bpm! - r.truth));
  const mae = errors.length ? errors.reduce((a, b) => a + b, 0) / errors.length : NaN;
  const rmse = errors.length ? Math.sqrt(errors.reduce((a, b) => a + b * b, 0) / errors.length) : NaN;
  return { mae, rmse, answered: rows.length ? answered.length / rows.length : 0, windows: rows.length };
}

const version = codeVersion(visionSettings(config));
await extractMissing(version);
const traces = new Map(list.map((s) => [s.name, readCached(s.name, version)!]));

const results = new Map<string, Map<string, WindowResult[]>>();
for (const sc of list) {
  const byMethod = new Map<string, WindowResult[]>();
  for (const m of METHODS) byMethod.set(m, scoreScenario(sc, traces.get(sc.name)!, m));
  results.set(sc.name, byMethod);
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const pctf = (x: number) => `${Math.round(x * 100)}%`;
const lines: string[] = [];
lines.push(`| scenario | ${METHODS.map((m) => `${m} MAE / RMSE / answered`).join(' | ')} |`);
lines.push(`|---|${METHODS.map(() => '---').join('|')}|`);
const pooled = new Map<string, WindowResult[]>(METHODS.map((m) => [m, []]));
for (const sc of list) {
  const cells = METHODS.map((m) => {
    const rows = results.get(sc.name)!.get(m)!;
    const s = summarize(rows);
    if (sc.expectNoFace) return `no answer in ${pctf(1 - s.answered)}`;
    pooled.get(m)!.push(...rows);
    return `${f1(s.mae)} / ${f1(s.rmse)} / ${pctf(s.answered)}`;
  });
  lines.push(`| ${sc.name} | ${cells.join(' | ')} |`);
}
if (list.some((s) => !s.expectNoFace)) {
  lines.push(
    `| **all face scenarios** | ${METHODS.map((m) => {
      const s = summarize(pooled.get(m)!);
      return `**${f1(s.mae)} / ${f1(s.rmse)} / ${pctf(s.answered)}**`;
    }).join(' | ')} |`,
  );
}

console.log(`Pulsecam accuracy benchmark: ${list.length} scenarios, ${WINDOW_SECONDS} s windows every ${STEP_SECONDS} s, errors in bpm against the true mean rate of each window.`);
console.log(`Traces: version ${version}; vision = worker defaults (backend ${config.TF_BACKEND}, detector input ${config.DETECTOR_INPUT_SIZE}).\n`);
console.log(lines.join('\n'));

// Does confidence track error? Pooled over face scenarios, per method.
console.log('\nConfidence vs error (face scenarios, answered windows): MAE (windows)');
console.log('| method | high | medium | low |');
console.log('|---|---|---|---|');
for (const m of METHODS) {
  const rows = pooled.get(m)!.filter((r) => r.bpm !== null);
  const cell = (c: string) => {
    const sel = rows.filter((r) => r.confidence === c);
    return sel.length ? `${f1(sel.reduce((a, r) => a + Math.abs(r.bpm! - r.truth), 0) / sel.length)} (${sel.length})` : '– (0)';
  };
  console.log(`| ${m} | ${cell('high')} | ${cell('medium')} | ${cell('low')} |`);
}
// Beyond heart rate (the service's default method): HRV and breathing against the truth.
console.log('\nBeyond heart rate (pulsecam): RMSSD error (ms) and breathing-rate error (breaths/min), answered windows');
console.log('| scenario | true RMSSD | RMSSD MAE / answered | true breathing | breathing MAE / answered |');
console.log('|---|---|---|---|---|');
for (const s of list.filter((x) => !x.expectNoFace)) {
  const rows = results.get(s.name)!.get('pulsecam')!;
  const hrv = rows.filter((r) => r.rmssd !== null && Number.isFinite(r.truthRmssd));
  const br = rows.filter((r) => r.breathing !== null);
  const mae = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const truthR = mae(rows.map((r) => r.truthRmssd).filter(Number.isFinite));
  console.log(
    `| ${s.name} | ${f1(truthR)} | ${f1(mae(hrv.map((r) => Math.abs(r.rmssd! - r.truthRmssd))))} / ${pctf(hrv.length / rows.length)} | ${s.spec.physiology.breathingRate} | ${f1(mae(br.map((r) => Math.abs(r.breathing! - r.truthBreathing))))} / ${pctf(br.length / rows.length)} |`,
  );
}
const sc = list.map((s) => traces.get(s.name)!);
console.log(`\nFrames: ${sc.reduce((a, t) => a + t.frames, 0)} in ${sc.length} scenarios; extraction time when not cached: ${(sc.reduce((a, t) => a + t.extractMs, 0) / 1000).toFixed(0)} s of CPU.`);
