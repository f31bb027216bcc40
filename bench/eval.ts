/**
 * `npm run eval -- --dataset ubfc-rppg|pure <dir>`: Pulsecam and the textbook methods on a public
 * rPPG data set, scored as the literature scores them (see eval/evaluate.ts). Prints a table per
 * video and per method; --json FILE writes everything.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { detectorFromConfig, pipelineFromConfig, type EstimatorName } from '@pulsecam/analysis';
import { loadWorkerConfig } from '@pulsecam/config';
import { ffmpegPath } from '@pulsecam/video';
import { DatasetError, readDataset, type DatasetName } from './eval/datasets.ts';
import { evaluateRecording, METHODS, summarizeDataset, type MethodSummary, type RecordingResult } from './eval/evaluate.ts';

const USAGE = 'usage: npm run eval -- --dataset ubfc-rppg|pure <dir> [--methods pulsecam,pos,...] [--window 10] [--json FILE]';

const f1 = (v: number | null) => (v === null || !Number.isFinite(v) ? '-' : v.toFixed(1));
const f2 = (v: number | null) => (v === null || !Number.isFinite(v) ? '-' : v.toFixed(2));
const pad = (s: string, n: number) => s.padStart(n);

function videoTable(results: RecordingResult[], methods: readonly string[]): string {
  const lines = [`${pad('video', 12)} ${pad('ref bpm', 8)} ${methods.map((m) => pad(m, 9)).join(' ')}   (whole-video rate, bpm)`];
  for (const r of results) {
    const ref = r.whole[methods[0]].reference;
    lines.push(`${pad(r.name, 12)} ${pad(f1(ref), 8)} ${methods.map((m) => pad(f1(r.whole[m].bpm), 9)).join(' ')}`);
  }
  return lines.join('\n');
}

function summaryTable(summaries: MethodSummary[], kind: 'whole' | 'windows', title: string): string {
  const lines = [title, `${pad('method', 9)} ${pad('MAE', 6)} ${pad('RMSE', 6)} ${pad('MAPE %', 7)} ${pad('r', 6)} ${pad('SNR dB', 7)} ${pad('answered', 9)} ${pad('n', 5)}`];
  for (const s of summaries) {
    const m = s[kind];
    lines.push(`${pad(s.method, 9)} ${pad(f2(m.mae), 6)} ${pad(f2(m.rmse), 6)} ${pad(f2(m.mape), 7)} ${pad(f2(m.pearson), 6)} ${pad(f1(m.snrDb), 7)} ${pad(`${Math.round(m.answered * 100)} %`, 9)} ${pad(String(m.n), 5)}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { dataset: { type: 'string' }, methods: { type: 'string' }, window: { type: 'string' }, json: { type: 'string' } },
  });
  const dataset = values.dataset as DatasetName | undefined;
  if ((dataset !== 'ubfc-rppg' && dataset !== 'pure') || positionals.length !== 1) throw new DatasetError(USAGE);
  const methods = values.methods ? (values.methods.split(',') as EstimatorName[]) : [...METHODS];
  const unknown = methods.filter((m) => !METHODS.includes(m));
  if (unknown.length) throw new DatasetError(`unknown method(s) ${unknown.join(', ')}; known: ${METHODS.join(', ')}`);
  const config = loadWorkerConfig(process.env);
  const windowSeconds = values.window ? Number(values.window) : config.WINDOW_SECONDS;
  const ffmpeg = ffmpegPath(config.FFMPEG_PATH);
  const recordings = await readDataset(dataset, positionals[0], ffmpeg);
  process.stderr.write(`eval: ${recordings.length} recordings of ${dataset} in ${positionals[0]}\n`);
  const pipeline = pipelineFromConfig(await detectorFromConfig(config), config);
  const settings = { methods, windowSeconds, minSignalSeconds: config.MIN_SIGNAL_SECONDS, bufferSeconds: config.BUFFER_SECONDS, maxSide: config.ANALYSIS_MAX_SIDE };
  const results: RecordingResult[] = [];
  for (const [i, rec] of recordings.entries()) {
    const started = performance.now();
    results.push(await evaluateRecording(rec, pipeline, settings));
    const r = results[results.length - 1];
    process.stderr.write(`eval: ${i + 1}/${recordings.length} ${rec.name}: ${r.frames} frames, face in ${Math.round(r.faceShare * 100)} %, ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const summaries = summarizeDataset(results, methods);
  process.stdout.write(`${videoTable(results, methods)}\n\n`);
  process.stdout.write(`${summaryTable(summaries, 'whole', `Whole video (rate from the whole trace; reference: periodogram peak of the contact PPG), ${results.length} videos`)}\n\n`);
  process.stdout.write(`${summaryTable(summaries, 'windows', `${windowSeconds} s windows (the live estimate at each window's end, with the service's gating)`)}\n`);
  if (values.json) await writeFile(values.json, JSON.stringify({ dataset, settings, summaries, results }, null, 2) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`eval: ${err instanceof DatasetError || (err as { name?: string }).name === 'VideoError' ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`);
  process.exit(err instanceof DatasetError ? 2 : 1);
});
