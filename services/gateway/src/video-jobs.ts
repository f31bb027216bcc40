/**
 * Uploaded videos as BullMQ flows on the "videos" queue: one segment job per stretch of the file
 * (any free worker takes one), and a join job, their parent, that runs when all are done.
 */
import { FlowProducer, Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { VIDEO_QUEUE_NAME, videoJobs, redisPrefix } from '@pulsecam/contracts';
import type { VideoStore } from '@pulsecam/store';
import type { z } from 'zod';

/** Seconds before each segment's start that its tracker runs over to settle (samples dropped). */
export const SEGMENT_LEAD_IN_SECONDS = 2;

export interface VideoPlan {
  videoId: string;
  join: z.infer<(typeof videoJobs)['video.join']['payload']>;
  segmentSeconds: number;
  resultTtlSeconds: number;
}

/** [start, end) of each segment: equal stretches, the last one open-ended (end null). */
export function segmentBounds(durationSeconds: number, segmentSeconds: number): { start: number; end: number | null }[] {
  const count = Math.max(1, Math.ceil(durationSeconds / segmentSeconds - 1e-6));
  const length = durationSeconds / count;
  return Array.from({ length: count }, (_, i) => ({ start: Math.round(i * length * 1000) / 1000, end: i === count - 1 ? null : Math.round((i + 1) * length * 1000) / 1000 }));
}

export class VideoJobs {
  readonly queue: Queue;
  private readonly flows: FlowProducer;

  constructor(
    connection: Redis,
    prefix: string,
    readonly store: VideoStore,
  ) {
    this.queue = new Queue(VIDEO_QUEUE_NAME, { connection, prefix: redisPrefix(prefix) });
    this.flows = new FlowProducer({ connection, prefix: redisPrefix(prefix) });
  }

  async add(plan: VideoPlan): Promise<number> {
    const join = videoJobs['video.join'].payload.parse(plan.join);
    const bounds = segmentBounds(join.duration_s, plan.segmentSeconds);
    const keep = { age: plan.resultTtlSeconds };
    await this.flows.add({
      name: 'video.join',
      queueName: VIDEO_QUEUE_NAME,
      data: { ...join, segments: bounds.length },
      opts: { jobId: plan.videoId, attempts: 2, removeOnComplete: keep, removeOnFail: keep },
      children: bounds.map((b, index) => ({
        name: 'video.segment',
        queueName: VIDEO_QUEUE_NAME,
        data: videoJobs['video.segment'].payload.parse({
          video_id: plan.videoId,
          index,
          width: join.width,
          height: join.height,
          start_s: b.start,
          end_s: b.end,
          lead_in_s: index === 0 ? 0 : SEGMENT_LEAD_IN_SECONDS,
        }),
        // A segment's trace reaches the join job as its return value (kept by the parent).
        opts: { jobId: `${plan.videoId}-${index}`, attempts: 2, failParentOnFailure: true, removeOnComplete: true, removeOnFail: keep },
      })),
    });
    return bounds.length;
  }

  async get(id: string): Promise<{ job: Job; state: string } | null> {
    const state = await this.queue.getJobState(id);
    const job = state === 'unknown' ? null : await this.queue.getJob(id);
    return job && job.name === 'video.join' ? { job, state } : null;
  }

  /** Why a failed video job failed: its own reason, or the first failed segment's. */
  async failure(job: Job): Promise<string> {
    const children = await job.getFailedChildrenValues().catch(() => ({}) as Record<string, string>);
    return Object.values(children)[0] ?? job.failedReason ?? 'failed';
  }

  async close(): Promise<void> {
    await this.flows.close();
    await this.queue.close();
  }
}
