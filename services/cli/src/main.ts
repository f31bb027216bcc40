/**
 * `pulsecam analyze <video>`: heart rate over time for a recording, in this process, with the
 * same vision and DSP code the workers run (no Redis, no service); or, with --server, by a
 * running Pulsecam service through its API.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { analyzeVideo, detectorFromConfig, NoFaceError, openVideoInput, pipelineFromConfig, type EstimatorName } from '@pulsecam/analysis';
import { ConfigError, loadWorkerConfig } from '@pulsecam/config';
import type { VideoResult } from '@pulsecam/contracts';
import { ffmpegPath, isDirectory, VideoError } from '@pulsecam/video';
import { ProgressBar } from './progress.ts';
import { analyzeOnServer, RemoteError } from './remote.ts';
import { htmlReport } from './report.ts';
import { seriesCsv, seriesTable, summaryText } from './table.ts';

const USAGE = `usage: pulsecam analyze <video file | folder of images> [options]

  --fps N          frame rate of a folder of numbered images
  --method M       pulsecam (default), pos, chrom, green, lgi, omit
  --json FILE      write the result as JSON
  --csv FILE       write the heart rate per second as CSV
  --report FILE    write a self-contained HTML report
  --quiet          no table, no progress: only the summary (and the files asked for)
  --server URL     have a running Pulsecam service analyse the video (upload, then follow its job);
                   an API key from PULSECAM_API_KEY; not with --report or an image folder

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
      server: { type: 'string' },
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

  if (values.server !== undefined) {
    if (values.report) throw new UsageError('--report needs the frames, so it works only without --server');
    if (values.method) throw new UsageError('--method is the service\'s setting (HR_METHOD) with --server');
    if (fps !== undefined || (await isDirectory(input))) throw new UsageError('--server takes a video file, not a folder of images');
    let bar: ProgressBar | null = null;
    const result = await analyzeOnServer(input, {
      server: values.server,
      apiKey: process.env.PULSECAM_API_KEY ?? null,
      signal: stop.signal,
      onProgress: (done, expected) => {
        if (values.quiet) return;
        bar ??= new ProgressBar(expected);
        bar.update(done);
      },
    }).catch((err: unknown) => {
      if (stop.signal.aborted) fail('stopped; nothing written (the service finishes the job on its own)', 130);
      throw err;
    });
    (bar as ProgressBar | null)?.finish();
    await writeResult(result, values);
    return;
  }

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

  await writeResult(analysis.result, values);
  if (values.report) {
    await writeFile(values.report, await htmlReport(analysis));
    process.stderr.write(`pulsecam: wrote report to ${values.report}\n`);
  }
}

/** The table and summary on the terminal, and the JSON and CSV files asked for. */
async function writeResult(result: VideoResult, values: { quiet?: boolean; json?: string; csv?: string }): Promise<void> {
  if (!values.quiet) process.stdout.write(`${seriesTable(result)}\n\n`);
  process.stdout.write(`${summaryText(result)}\n`);
  if (values.json) await writeFile(values.json, JSON.stringify(result, null, 2) + '\n');
  if (values.csv) await writeFile(values.csv, seriesCsv(result));
  for (const [flag, file] of [['json', values.json], ['csv', values.csv]] as const) {
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
    if (err instanceof VideoError || err instanceof NoFaceError || err instanceof ConfigError || err instanceof RemoteError) fail((err as Error).message, 1);
    fail(`unexpected error: ${(err as Error).stack ?? String(err)}`, 1);
  },
);
