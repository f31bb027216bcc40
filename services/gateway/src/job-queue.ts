/** Typed access to the frames queue: every payload is validated against the catalog before add. */
import { randomUUID } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobs, QUEUE_NAME, type JobName, type PayloadOf, type ResultOf, redisPrefix } from '@pulsecam/contracts';
import { sharedReading } from '@pulsecam/store';
import { JobTimeoutError, JobWaiter } from './job-waiter.ts';

/** Results kept in BullMQ's events stream (approximately; trimmed as it grows). */
const EVENTS_MAX_LEN = 1000;

export interface JobQueueOptions {
  /** The request-path connection (fails fast). */
  connection: Redis;
  /** A connection of the waiter's own for the blocking events stream. */
  eventsConnection: Redis;
  prefix: string;
  asyncResultTtlSeconds: number;
}

export class JobQueue {
  readonly queue: Queue;
  readonly waiter: JobWaiter;
  /**
   * Jobs waiting for a worker (the admission check reads it). Requests arriving while a reading
   * is on its way share it: under load, one Redis call answers many posts.
   */
  readonly waiting: () => Promise<number>;
  /**
   * The producer's connection, for the other BullMQ queues of the gateway: BullMQ defines its Lua
   * scripts (64) on the connection it is given, and every pipeline made on a connection copies
   * them (ioredis), so they are kept off the store's auto-pipelined connection.
   */
  readonly connection: Redis;

  constructor(private readonly options: JobQueueOptions) {
    this.connection = options.connection;
    // The events stream carries every result to the waiting gateways; it only needs to hold them
    // until they are read, so it is kept short (BullMQ's default of 10,000 results is tens of MB).
    this.queue = new Queue(QUEUE_NAME, { connection: options.connection, prefix: redisPrefix(options.prefix), streams: { events: { maxLen: EVENTS_MAX_LEN } } });
    this.waiter = new JobWaiter(options.eventsConnection, options.prefix);
    this.waiting = sharedReading(() => this.queue.getWaitingCount());
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
  async run<K extends JobName>(name: K, payload: PayloadOf<K>, timeoutMs: number, jobId: string = randomUUID()): Promise<ResultOf<K>> {
    const data = jobs[name].payload.parse(payload);
    const outcome = this.waiter.expect(jobId, timeoutMs);
    try {
      await this.queue.add(name, data, this.jobOptions(jobId, false));
    } catch (err) {
      this.waiter.forget(jobId);
      throw err;
    }
    try {
      return jobs[name].result.parse(await outcome) as ResultOf<K>;
    } catch (err) {
      // Nobody waits for it any more: a job still waiting for a worker is withdrawn, so no
      // frame is analysed (and stored) for a client that was already told it timed out.
      if (err instanceof JobTimeoutError) err.withdrawn = await this.withdraw(jobId);
      throw err;
    }
  }

  /** Removes a job that has not started; a job a worker is already running finishes. */
  async withdraw(jobId: string): Promise<boolean> {
    try {
      return (await this.queue.remove(jobId)) === 1;
    } catch {
      return false;
    }
  }

  /** Adds a job whose result is fetched later with GET /jobs/{id}. */
  async enqueue<K extends JobName>(name: K, payload: PayloadOf<K>, jobId: string = randomUUID()): Promise<string> {
    const data = jobs[name].payload.parse(payload);
    await this.queue.add(name, data, this.jobOptions(jobId, true));
    return jobId;
  }

  async close(): Promise<void> {
    // Synchronous jobs that no worker has started would run for nobody after the gateway is gone.
    await Promise.all(this.waiter.pendingIds().map((id) => this.withdraw(id)));
    await this.waiter.close();
    await this.queue.close();
  }
}
