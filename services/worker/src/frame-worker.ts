/**
 * The BullMQ worker: takes jobs off the queue, validates each payload against the catalog, runs
 * its handler, and strips image bytes from any job that stays in Redis after it finishes.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { jobs, QUEUE_NAME, type JobName, redisPrefix } from '@pulsecam/contracts';
import type { WorkLedger } from '@pulsecam/store';
import type { HandlerContext } from './handlers/context.ts';
import { permanentFailure, StreamBusyError } from './handlers/errors.ts';
import { handlers } from './handlers/index.ts';

export interface FrameWorkerOptions {
  connection: Redis;
  prefix: string;
  concurrency: number;
  /** How long a job stays locked to a worker that stopped renewing it (it died). */
  lockMs: number;
  context: HandlerContext;
  /** Where the gateway reserved each frames job's place; released here when the job is done. */
  ledger: WorkLedger;
  log: Logger;
}

function isJobName(name: string): name is JobName {
  return Object.hasOwn(jobs, name);
}

/** How long a job whose session stream is busy waits before it is tried again. */
const BUSY_RETRY_MS = 20;

async function stripImage(job: Job): Promise<void> {
  if (job.opts.removeOnComplete === true && job.opts.removeOnFail === true) return;
  const frames = job.data?.frames as { image_b64: string; timestamp_ms: number }[] | undefined;
  if (Array.isArray(frames) && frames.some((f) => f.image_b64)) {
    await job.updateData({ ...job.data, frames: frames.map((f) => ({ ...f, image_b64: '' })) });
  }
}

async function run(job: Job, ctx: HandlerContext, log: Logger): Promise<unknown> {
  const name = job.name;
  if (!isJobName(name)) throw permanentFailure('invalid_payload', `unknown job "${name}"`);
  const parsed = jobs[name].payload.safeParse(job.data);
  if (!parsed.success) {
    throw permanentFailure('invalid_payload', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const handler = handlers[name] as (p: unknown, c: HandlerContext, l: Logger) => Promise<unknown>;
  return handler(parsed.data, ctx, log);
}

export function createFrameWorker(options: FrameWorkerOptions): Worker {
  const { context, log } = options;
  const worker = new Worker(
    QUEUE_NAME,
    async (job, token) => {
      const jobLog = log.child({ jobId: job.id, job: job.name });
      const end = context.metrics.jobDuration.startTimer({ job: job.name });
      const release = async () => {
        if (job.name !== 'frames.analyze' || !job.id) return;
        await options.ledger.release(job.id).catch((err: Error) => jobLog.warn({ err: err.message }, 'work reservation not released (it lapses by itself)'));
      };
      try {
        const result = await run(job, context, jobLog);
        await stripImage(job);
        await release();
        end({ result: 'completed' });
        return result;
      } catch (err) {
        if (err instanceof StreamBusyError) {
          // Not a failure and not an attempt: the job waits its turn behind the session's current one.
          context.metrics.deferred.inc();
          await job.moveToDelayed(Date.now() + BUSY_RETRY_MS, token);
          throw new DelayedError();
        }
        const final = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        if (final) {
          await stripImage(job).catch(() => undefined);
          await release();
        }
        end({ result: 'failed' });
        if (err instanceof UnrecoverableError) jobLog.info({ reason: err.message }, 'job rejected');
        else jobLog.error({ err, final }, 'job failed');
        throw err;
      }
    },
    {
      connection: options.connection,
      prefix: redisPrefix(options.prefix),
      concurrency: options.concurrency,
      autorun: false,
      // A worker that dies holding a job loses its lock after this long; the job then runs again
      // elsewhere (its frames are stored once: the trace keeps one entry per capture time).
      lockDuration: options.lockMs,
      stalledInterval: options.lockMs,
    },
  );
  worker.on('error', (err) => log.error({ err }, 'worker error'));
  return worker;
}
