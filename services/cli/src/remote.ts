/**
 * `pulsecam analyze <video> --server URL`: the same analysis by a running Pulsecam service
 * instead of this process, through @pulsecam/client: the file is uploaded (POST /analyze-video),
 * its job followed (GET /jobs/{id} with the job token) until the workers have the result, which
 * is the same JSON the local analysis writes.
 */
import { openAsBlob } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiProblem, bearer, call, createPulsecamClient, formBody, type Schemas } from '@pulsecam/client';
import { VideoResult } from '@pulsecam/contracts';

/** How often the job's progress is asked for. */
const POLL_MS = 1000;

export interface RemoteOptions {
  server: string;
  apiKey: string | null;
  signal: AbortSignal;
  /** Frames analysed so far, of about how many. */
  onProgress: (done: number, expected: number) => void;
}

export class RemoteError extends Error {
  override readonly name = 'RemoteError';
}

function explain(err: unknown, server: string): never {
  if (err instanceof ApiProblem) {
    if (err.code === 'unreachable') throw new RemoteError(`nothing answers at ${server}: start the service (npm start) or check --server`);
    throw new RemoteError(`the service refused the video: ${err.message} (${err.status} ${err.code})`);
  }
  throw err;
}

export async function analyzeOnServer(file: string, options: RemoteOptions): Promise<VideoResult> {
  const api = createPulsecamClient({ baseUrl: options.server.replace(/\/$/, ''), apiKey: options.apiKey });
  const form = new FormData();
  form.set('video', await openAsBlob(file), path.basename(file));
  const accepted = await call(() =>
    api.POST('/analyze-video', { ...formBody<Schemas['AnalyzeVideoForm']>(form), signal: options.signal }),
  ).catch((err: unknown) => explain(err, options.server));
  const job = { params: { path: { id: accepted.job_id } }, ...bearer(accepted.job_token) };
  options.onProgress(0, accepted.frames_expected);
  for (;;) {
    await sleep(POLL_MS, undefined, { signal: options.signal });
    const status = await call(() => api.GET('/jobs/{id}', { ...job, signal: options.signal })).catch((err: unknown) => explain(err, options.server));
    if (!('progress' in status)) throw new RemoteError(`job ${accepted.job_id} is not a video job`);
    options.onProgress(status.progress.frames_done, status.progress.frames_expected);
    if (status.state === 'completed') return VideoResult.parse(status.result);
    if (status.state === 'failed') throw new RemoteError(status.error ?? `the service could not analyse the video (${status.error_code ?? 'failed'})`);
  }
}
