/**
 * `pulsecam analyze <video>`: heart rate over time for a recording, in this process, with the
 * same vision and DSP code the workers run. No Redis, no service.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { analyzeVideo, detectorFromConfig, NoFaceError, openVideoInput, pipelineFromConfig, type EstimatorName } from '@pulsecam/analysis';
import { ConfigError, loadWorkerConfig } from '@pulsecam/config';
import { ffmpegPath, VideoError } from '@pulsecam/video';
import { ProgressBar } from './progress.ts';
import { htmlReport } from './report.ts';
import { seriesCsv, seriesTable, summaryText } from './table.ts';

const USAGE = `usage: pulsecam analyze <video file | folder of images> [options]

  --fps N          frame rate of a folder of numbered images
  --method M       pulsecam (default), pos, chrom, green, lgi, omit
  --json FILE      write the result as JSON
  --csv FILE       write the heart rate per second as CSV
  --report FILE    write a self-contained HTML report
  --quiet          no table, no progress: only the summary (and the files asked for)

Settings come from the environment as for the workers (FFMPEG_PATH, ANALYSIS_MAX_SIDE, WINDOW_SECONDS …).
Exit codes: 0 done, 1 the video could not be analysed, 2 bad usage, 130 interrupted.`;

const METHODS = ['pulsecam', 'pos', 'chrom', 'green', 'lgi', 'omit'] as const;

class UsageError extends Error {}

function fail(message: string, code: number): never {
  process.stderr.write(`pulsecam: ${message}\n`);
  process.exit(code);
}

async function analyzeCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      fps: { type: 'string' },
      method: { type: 'string' },
      json: { type: 'string' },
      csv: { type: 'string' },
      report: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one video file or image folder');
  const input = positionals[0];
  const fps = values.fps === undefined ? undefined : Number(values.fps);
  if (fps !== undefined && !(fps > 0 && fps <= 1000)) throw new UsageError(`--fps must be a number of frames per second, not "${values.fps}"`);
  const config = loadWorkerConfig(process.env);
  const method = (values.method ?? config.HR_METHOD) as EstimatorName;
  if (!METHODS.includes(method as (typeof METHODS)[number])) throw new UsageError(`--method must be one of ${METHODS.join(', ')}`);

  const stop = new AbortController();
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('\npulsecam: stopping (Ctrl-C again to quit at once)\n');
    stop.abort();
  });

  const video = await openVideoInput(input, { ffmpeg: ffmpegPath(config.FFMPEG_PATH), maxSide: config.ANALYSIS_MAX_SIDE, fps, signal: stop.signal }).catch((err: unknown) => {
    throw aboutInput(err, input);
  });
  const detector = await detectorFromConfig(config);
  const pipeline = pipelineFromConfig(detector, config);
  const progress = values.quiet ? null : new ProgressBar(video.expectedFrames);
  let frames = 0;
  const analysis = await analyzeVideo(input, video, pipeline, {
    settings: { method, minSignalSeconds: config.MIN_SIGNAL_SECONDS, windowSeconds: config.WINDOW_SECONDS },
    bufferSeconds: config.BUFFER_SECONDS,
    snapshots: values.report ? 6 : 0,
    onFrame: (done) => {
      frames = done;
      progress?.update(done);
    },
  }).catch((err) => {
    if (stop.signal.aborted) fail(`stopped after ${frames} frames; nothing written`, 130);
    throw aboutInput(err, input);
  });
  progress?.finish();
  if (stop.signal.aborted) fail(`stopped after ${frames} frames; nothing written`, 130);

  const { result } = analysis;
  if (!values.quiet) process.stdout.write(`${seriesTable(result)}\n\n`);
  process.stdout.write(`${summaryText(result)}\n`);
  if (values.json) await writeFile(values.json, JSON.stringify(result, null, 2) + '\n');
  if (values.csv) await writeFile(values.csv, seriesCsv(result));
  if (values.report) await writeFile(values.report, await htmlReport(analysis));
  for (const [flag, file] of [['json', values.json], ['csv', values.csv], ['report', values.report]] as const) {
    if (file) process.stderr.write(`pulsecam: wrote ${flag} to ${file}\n`);
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command !== 'analyze') throw new UsageError(`unknown command "${command}"`);
  await analyzeCommand(rest);
}

/** Errors about the input name it, except "no such file", which already does. */
function aboutInput(err: unknown, input: string): unknown {
  if ((err instanceof VideoError || err instanceof NoFaceError) && !err.message.includes(input)) err.message = `${input}: ${err.message}`;
  return err;
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) fail(`${(err as Error).message}\n\n${USAGE}`, 2);
    if (err instanceof VideoError || err instanceof NoFaceError || err instanceof ConfigError) fail((err as Error).message, 1);
    fail(`unexpected error: ${(err as Error).stack ?? String(err)}`, 1);
  },
);
