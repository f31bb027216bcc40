/**
 * `npm run bench:accuracy`: the synthetic benchmark through the worker's vision path (traces
 * cached), then every method scored by the service's own estimator on sliding 10 s windows
 * against the known heart rate, with 95 % bootstrap intervals over clips.
 *   npm run bench:accuracy                          # full suite: 3 clips of 60 s per scenario
 *   npm run bench:accuracy -- --quick               # the published clips (one 20-30 s clip each)
 *   npm run bench:accuracy -- --clips 5 --seconds 90 --scenarios still,head_bob
 *   npm run bench:accuracy -- --calibrate           # also: how error and answers vary with each quality gate
 *   npm run bench:accuracy -- --quick --stateless   # every estimate afresh (a live session hands its tracker windows on)
 *   npm run bench:accuracy -- --quick --fps 10      # every clip filmed at 10 fps (the page's private mode measures 10 a second)
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadWorkerConfig } from '@pulsecam/config';
import { benchmarkSuite, pulseFreeTrace, scenarios, type Scenario } from '@pulsecam/synth';
import { estimateSessionTracked, type EstimateSettings } from '@pulsecam/analysis';
import type { TrackerHistory } from '@pulsecam/dsp';
import { scoreClip, share, summarize, WINDOW_SECONDS, type ClipResult, type Summary, type WindowResult } from './accuracy-score.ts';
import { codeVersion, readCached, ROOT, visionSettings, type CachedTrace } from './trace-cache.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    clips: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '60' },
    scenarios: { type: 'string', default: process.env.SCENARIOS ?? '' },
    methods: { type: 'string', default: 'green,chrom,pos,lgi,omit,pulsecam' },
    step: { type: 'string' },
    calibrate: { type: 'boolean', default: false },
    // Every estimate afresh (no tracker windows handed on), to compare with the live sessions' way.
    stateless: { type: 'boolean', default: false },
    // Every clip rendered and measured at this many frames a second instead of its own (a slower
    // camera, or the web page's private mode at 10); cached apart. (The pulse-free colour traces
    // are generated, not filmed, and keep their rate.)
    fps: { type: 'string' },
  },
});
const config = loadWorkerConfig();
const METHODS = args.methods!.split(',') as EstimateSettings['method'][];
const seconds = Number(args.seconds);
const wanted = args.scenarios ? args.scenarios.split(',').map((s) => s.trim()) : null;
const suite = (args.quick ? scenarios() : benchmarkSuite({ clips: Number(args.clips), durationSeconds: seconds }))
  .filter((s) => !wanted || wanted.includes(s.family))
  .map((s) => (args.fps ? { ...s, spec: { ...s.spec, fps: Number(args.fps) } } : s));
// Windows every second on the short published clips; every 2 s on 60 s clips (still 5x overlapped).
const stepSeconds = Number(args.step ?? (args.quick ? 1 : 2));
const started = performance.now();

async function extractMissing(version: string): Promise<void> {
  const missing = suite.filter((s) => !readCached(s.name, version)).map((s) => s.name);
  if (missing.length === 0) return;
  const procs = Math.max(1, Math.min(missing.length, Number(process.env.BENCH_PROCESSES ?? os.availableParallelism())));
  console.log(`Extracting ${missing.length} clip trace(s) with ${procs} process(es) (cached afterwards in bench/.cache)...`);
  const t0 = performance.now();
  const groups: string[][] = Array.from({ length: procs }, () => []);
  missing.forEach((name, i) => groups[i % procs].push(name));
  await Promise.all(
    groups.map(
      (names) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'extract-traces.ts'), version, String(seconds), ...names], {
            cwd: ROOT,
            env: { ...process.env, ...(args.fps ? { PULSECAM_BENCH_FPS: args.fps } : {}) },
            stdio: ['ignore', 'inherit', 'inherit'],
          });
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`trace extraction failed (exit ${code})`))));
        }),
    ),
  );
  console.log(`Extraction took ${((performance.now() - t0) / 1000).toFixed(0)} s.\n`);
}

const version = codeVersion(visionSettings(config)) + (args.fps ? `-fps${Number(args.fps)}` : '');
const traceOf = (sc: Scenario): CachedTrace => readCached(sc.name, version)!;
await extractMissing(version);
const options = (method: EstimateSettings['method']) => ({
  settings: { method, minSignalSeconds: config.MIN_SIGNAL_SECONDS, windowSeconds: config.WINDOW_SECONDS },
  bufferSeconds: config.BUFFER_SECONDS,
  stepSeconds,
  stateless: args.stateless,
});
const results = new Map<EstimateSettings['method'], ClipResult[]>(METHODS.map((m) => [m, suite.map((sc) => scoreClip(sc, traceOf(sc), options(m)))]));

// Pulse-free colour traces through the samples path (what a device sends for a photo or a mask).
const PULSE_FREE_TRACES = 30;
/** Every window of the pulse-free traces, estimated with `settings` as the samples endpoint would. */
function pulseFreeWindows(settings: EstimateSettings): WindowResult[] {
  const windows: WindowResult[] = [];
  for (let k = 0; k < PULSE_FREE_TRACES; k++) {
    const trace = pulseFreeTrace(9000 + k, seconds);
    let tracker: TrackerHistory | null = null;
    for (let end = WINDOW_SECONDS * 1000; end <= trace[trace.length - 1].t; end += stepSeconds * 1000) {
      const samples = trace.filter((s) => s.t <= end && s.t >= end - config.BUFFER_SECONDS * 1000);
      const { estimate: e, tracker: next } = estimateSessionTracked(samples, { lastFrameTs: samples[samples.length - 1].t, noFaceTimes: [] }, settings, args.stateless ? null : tracker);
      tracker = next;
      windows.push({ truth: NaN, bpm: e.heart_rate, confidence: e.confidence, pulseDetected: e.pulse_detected, quality: e.signal_quality, rmssd: null, hrvQuality: 0, truthRmssd: NaN, breathing: null, breathingQuality: 0, truthBreathing: NaN });
    }
  }
  return windows;
}
const pulseFree = pulseFreeWindows(options('pulsecam').settings);

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : '–');
const ci = (s: Summary) => (s.clips > 1 && Number.isFinite(s.maeCi[0]) ? ` [${f1(s.maeCi[0])}–${f1(s.maeCi[1])}]` : '');
const families = [...new Set(suite.map((s) => s.family))];
const byFamily = (m: EstimateSettings['method'], family: string) => results.get(m)!.filter((c) => c.family === family);
const pulseClips = (m: EstimateSettings['method']) => results.get(m)!.filter((c) => c.expect === 'pulse');

const clipsPerFamily = Math.max(...families.map((f) => suite.filter((s) => s.family === f).length));
console.log(
  `Pulsecam accuracy benchmark: ${families.length} scenarios × ${clipsPerFamily} clip(s) (${suite.length} clips, ${args.quick ? 'published 20-30 s clips' : `${seconds} s each`}), ${WINDOW_SECONDS} s windows every ${stepSeconds} s after warm-up; errors in bpm against each window's true mean rate; [95 % CI of the MAE, bootstrap over clips].`,
);
console.log(
  `Traces: version ${version}; vision = worker defaults (backend ${config.TF_BACKEND}, landmarks ${config.LANDMARK_MODEL}); ` +
    (args.fps ? `every clip filmed at ${args.fps} frames/s (--fps); ` : '') +
    (args.stateless ? 'every estimate afresh (--stateless).\n' : "each estimate reuses the previous one's tracker windows, as a live session's do.\n"),
);

const lines: string[] = [];
lines.push(`| scenario | windows (independent) | ${METHODS.map((m) => `${m} MAE [CI] / RMSE / answered`).join(' | ')} |`);
lines.push(`|---|---|${METHODS.map(() => '---').join('|')}|`);
for (const family of families) {
  const expect = suite.find((s) => s.family === family)!.expect;
  const first = summarize(byFamily(METHODS[0], family));
  const cells = METHODS.map((m) => {
    const clips = byFamily(m, family);
    const s = summarize(clips);
    if (expect === 'no_face') return `no answer in ${pct(1 - s.answered)}`;
    if (expect === 'no_pulse') return `no answer in ${pct(1 - s.answered)}; pulse_detected false in ${pct(share(clips, (w) => w.pulseDetected === false))}`;
    return `${f1(s.mae)}${ci(s)} / ${f1(s.rmse)} / ${pct(s.answered)}`;
  });
  lines.push(`| ${family} | ${first.windows} (${first.independentWindows}) | ${cells.join(' | ')} |`);
}
lines.push(
  `| **all pulse scenarios** | ${summarize(pulseClips(METHODS[0])).windows} (${summarize(pulseClips(METHODS[0])).independentWindows}) | ${METHODS.map((m) => {
    const s = summarize(pulseClips(m));
    return `**${f1(s.mae)}${ci(s)} / ${f1(s.rmse)} / ${pct(s.answered)}**`;
  }).join(' | ')} |`,
);
console.log(lines.join('\n'));

console.log(
  `\nPulse-free colour traces through the samples path (pulsecam, ${PULSE_FREE_TRACES} traces, ${pulseFree.length} windows): heart rate answered in ${pct(pulseFree.filter((w) => w.bpm !== null).length / pulseFree.length)}, pulse_detected false in ${pct(pulseFree.filter((w) => w.pulseDetected === false).length / pulseFree.length)}, null in ${pct(pulseFree.filter((w) => w.pulseDetected === null).length / pulseFree.length)}.`,
);

console.log('\nConfidence vs error (pulse scenarios, answered windows): MAE (windows)');
console.log('| method | high | medium | low |');
console.log('|---|---|---|---|');
for (const m of METHODS) {
  const cell = (c: string) => {
    const s = summarize(pulseClips(m), (w) => w.confidence === c);
    return s.answered > 0 ? `${f1(s.mae)} (${Math.round(s.answered * s.windows)})` : '– (0)';
  };
  console.log(`| ${m} | ${cell('high')} | ${cell('medium')} | ${cell('low')} |`);
}

if (METHODS.includes('pulsecam')) {
  console.log('\nBeyond heart rate (pulsecam): RMSSD and breathing rate where the service answers them (answers are null below their quality gates)');
  console.log('| scenario | true RMSSD ms | RMSSD MAE ms / answered | true breathing /min | breathing MAE /min / answered |');
  console.log('|---|---|---|---|---|');
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const row = (name: string, clips: ClipResult[]) => {
    const windows = clips.flatMap((c) => c.windows);
    const hrv = windows.filter((w) => w.rmssd !== null && Number.isFinite(w.truthRmssd));
    const br = windows.filter((w) => w.breathing !== null);
    const truthBr = [...new Set(windows.map((w) => w.truthBreathing))];
    console.log(
      `| ${name} | ${f1(mean(windows.map((w) => w.truthRmssd).filter(Number.isFinite)))} | ${f1(mean(hrv.map((w) => Math.abs(w.rmssd! - w.truthRmssd))))} / ${pct(hrv.length / windows.length)} | ${truthBr.length > 3 ? `${f1(Math.min(...truthBr))}-${f1(Math.max(...truthBr))}` : truthBr.map(f1).join(', ')} | ${f1(mean(br.map((w) => Math.abs(w.breathing! - w.truthBreathing))))} / ${pct(br.length / windows.length)} |`,
    );
  };
  for (const family of families.filter((f) => suite.find((s) => s.family === f)!.expect === 'pulse')) row(family, byFamily('pulsecam', family));
  row('**all pulse scenarios**', pulseClips('pulsecam'));
}

if (args.calibrate) {
  // One more pulsecam pass with every gate open: each window's answer and quality, to see where
  // answers stop being right. The service's gates (minQuality, HRV and breathing) are chosen here.
  const open = { ...options('pulsecam').settings, minQuality: 0, hrvMinQuality: 0, breathingMinQuality: 0 };
  const calibrated = suite.map((sc) => scoreClip(sc, traceOf(sc), { ...options('pulsecam'), settings: open }));
  const openFree = pulseFreeWindows(open);
  const pulse = calibrated.filter((c) => c.expect === 'pulse');
  const noPulse = calibrated.filter((c) => c.expect === 'no_pulse').flatMap((c) => c.windows);
  console.log('\nCalibration: heart-rate quality gate (pulsecam; answered = quality at or above the gate)');
  console.log('| gate | pulse scenarios: answered / MAE | worst scenario MAE | no-pulse face answered | pulse-free traces answered |');
  console.log('|---|---|---|---|---|');
  for (const gate of [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]) {
    const pick = (w: WindowResult) => w.quality >= gate;
    const s = summarize(pulse, pick);
    const answered = pulse.flatMap((c) => c.windows).filter((w) => w.bpm !== null && pick(w)).length / pulse.flatMap((c) => c.windows).length;
    const worst = families
      .filter((f) => suite.find((x) => x.family === f)!.expect === 'pulse')
      .map((f) => ({ f, s: summarize(pulse.filter((c) => c.family === f), pick) }))
      .filter((x) => Number.isFinite(x.s.mae))
      .sort((a, b) => b.s.mae - a.s.mae)[0];
    const rate = (ws: WindowResult[]) => pct(ws.filter((w) => w.bpm !== null && pick(w)).length / ws.length);
    console.log(`| ${gate} | ${pct(answered)} / ${f1(s.mae)} | ${worst ? `${worst.f} ${f1(worst.s.mae)}` : '–'} | ${rate(noPulse)} | ${rate(openFree)} |`);
  }
  // The blood-signature check's colour share: compression (video codecs) moves the pulse towards
  // brightness, light changes are brightness only. Service gates otherwise as configured.
  console.log('\nCalibration: least colour share of the blood-signature check (pulsecam; quality gates as the service)');
  console.log('| colour share | pulse scenarios: answered / MAE | worst scenario MAE | video-codec scenarios: answered / MAE | no-pulse face answered | pulse-free traces answered |');
  console.log('|---|---|---|---|---|---|');
  for (const minChromaShare of [0.04, 0.06, 0.08, 0.1, 0.12, 0.15]) {
    const settings = { ...options('pulsecam').settings, minChromaShare };
    const clips = suite.map((sc) => scoreClip(sc, traceOf(sc), { ...options('pulsecam'), settings }));
    const pulseOnly = clips.filter((c) => c.expect === 'pulse');
    const video = pulseOnly.filter((c) => suite.find((x) => x.name === c.clip)?.spec.videoCodec);
    const worst = families
      .filter((f) => suite.find((x) => x.family === f)!.expect === 'pulse')
      .map((f) => ({ f, s: summarize(pulseOnly.filter((c) => c.family === f)) }))
      .filter((x) => Number.isFinite(x.s.mae))
      .sort((a, b) => b.s.mae - a.s.mae)[0];
    const all = summarize(pulseOnly);
    const vid = video.length ? summarize(video) : null;
    const noFace = clips.filter((c) => c.expect === 'no_pulse').flatMap((c) => c.windows);
    const free = pulseFreeWindows(settings);
    const answeredShare = (ws: WindowResult[]) => pct(ws.filter((w) => w.bpm !== null).length / ws.length);
    console.log(
      `| ${minChromaShare} | ${pct(all.answered)} / ${f1(all.mae)} | ${worst ? `${worst.f} ${f1(worst.s.mae)}` : '–'} | ${vid ? `${pct(vid.answered)} / ${f1(vid.mae)}` : '–'} | ${answeredShare(noFace)} | ${answeredShare(free)} |`,
    );
  }
  const bins = [0, 0.2, 0.35, 0.5, 0.65, 0.8, 1.01];
  const binned = (label: string, value: (w: WindowResult) => number | null, truth: (w: WindowResult) => number, quality: (w: WindowResult) => number) => {
    console.log(`\nCalibration: ${label} error by its quality (pulse scenarios, gates open)`);
    console.log('| quality | windows | MAE | median error |');
    console.log('|---|---|---|---|');
    const ws = pulse.flatMap((c) => c.windows).filter((w) => value(w) !== null && Number.isFinite(truth(w)));
    for (let i = 0; i + 1 < bins.length; i++) {
      const sel = ws.filter((w) => quality(w) >= bins[i] && quality(w) < bins[i + 1]).map((w) => Math.abs(value(w)! - truth(w))).sort((a, b) => a - b);
      console.log(`| ${bins[i]}-${Math.min(1, bins[i + 1])} | ${sel.length} | ${f1(sel.reduce((a, b) => a + b, 0) / sel.length)} | ${f1(sel[Math.floor(sel.length / 2)])} |`);
    }
  };
  binned('heart rate (bpm)', (w) => w.bpm, (w) => w.truth, (w) => w.quality);
  binned('RMSSD (ms)', (w) => w.rmssd, (w) => w.truthRmssd, (w) => w.hrvQuality);
  binned('breathing rate (/min)', (w) => w.breathing, (w) => w.truthBreathing, (w) => w.breathingQuality);
}

const cpuSeconds = suite.reduce((a, s) => a + readCached(s.name, version)!.extractMs, 0) / 1000;
const frames = suite.reduce((a, s) => a + readCached(s.name, version)!.frames, 0);
console.log(`\nFrames: ${frames} in ${suite.length} clips; extraction when not cached: ${cpuSeconds.toFixed(0)} s of CPU; this run: ${((performance.now() - started) / 1000).toFixed(0)} s.`);
