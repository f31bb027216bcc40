/** Typed access to the frames queue: every payload is validated against the catalog before add. */
import { randomUUID } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobs, QUEUE_NAME, type JobName, type PayloadOf, type ResultOf } from '@pulsecam/contracts';
import { JobWaiter } from './job-waiter.ts';

export interface JobQueueOptions {
  connection: Redis;
  prefix: string;
  asyncResultTtlSeconds: number;
}

export class JobQueue {
  readonly queue: Queue;
  readonly waiter: JobWaiter;

  constructor(private readonly options: JobQueueOptions) {
    this.queue = new Queue(QUEUE_NAME, { connection: options.connection, prefix: options.prefix });
    this.waiter = new JobWaiter(options.connection, options.prefix);
  }

  async ready(): Promise<void> {
    await Promise.all([this.queue.waitUntilReady(), this.waiter.ready()]);
  }

  private jobOptions(jobId: string, keepResult: boolean): JobsOptions {
    const keep = { age: this.options.asyncResultTtlSeconds };
    return {
      jobId,
      attempts: 2,
      backoff: { type: 'fixed', delay: 250 },
      // Synchronous jobs answer through the event stream and vanish at once; async ones keep
      // their result (the worker strips the image bytes) until the client fetches it.
      removeOnComplete: keepResult ? keep : true,
      removeOnFail: keepResult ? keep : true,
    };
  }

  /** Adds a job and resolves with its validated result, or rejects on failure or timeout. */
  async run<K extends JobName>(name: K, payload: PayloadOf<K>, timeoutMs: number): Promise<ResultOf<K>> {
    const data = jobs[name].payload.parse(payload);
    const jobId = randomUUID();
    const outcome = this.waiter.expect(jobId, timeoutMs);
    try {
      await this.queue.add(name, data, this.jobOptions(jobId, false));
    } catch (err) {
      this.waiter.forget(jobId);
      throw err;
    }
    return jobs[name].result.parse(await outcome) as ResultOf<K>;
  }

  /** Adds a job whose result is fetched later with GET /jobs/{id}. */
  async enqueue<K extends JobName>(name: K, payload: PayloadOf<K>): Promise<string> {
    const data = jobs[name].payload.parse(payload);
    const jobId = randomUUID();
    await this.queue.add(name, data, this.jobOptions(jobId, true));
    return jobId;
  }

  async close(): Promise<void> {
    await this.waiter.close();
    await this.queue.close();
  }
}
