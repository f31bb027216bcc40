/**
 * Worker heartbeats: each worker process says every few seconds that it is alive, so the gateway
 * can tell "no worker is running" (readiness 503) from "the workers are busy". A sorted set scored
 * by the last beat (ms) and a hash of each worker's details; entries older than the horizon are
 * pruned when read.
 */
import { workerKeys } from '@pulsecam/contracts';
import type { Redis } from 'ioredis';

export interface WorkerBeat {
  id: string;
  pid: number;
  host: string;
  startedAt: number;
  /** Jobs this worker has finished. */
  jobs: number;
}

export interface LiveWorker extends WorkerBeat {
  lastSeen: number;
}


export async function beat(redis: Redis, prefix: string, worker: WorkerBeat, now = Date.now()): Promise<void> {
  const k = workerKeys(prefix);
  await redis.multi().zadd(k.index, now, worker.id).hset(k.info, worker.id, JSON.stringify(worker)).exec();
}

export async function forget(redis: Redis, prefix: string, id: string): Promise<void> {
  const k = workerKeys(prefix);
  await redis.multi().zrem(k.index, id).hdel(k.info, id).exec();
}

/** Workers whose last beat is younger than `horizonMs`; older ones are removed. */
export async function liveWorkers(redis: Redis, prefix: string, horizonMs: number, now = Date.now()): Promise<LiveWorker[]> {
  const k = workerKeys(prefix);
  const stale = await redis.zrangebyscore(k.index, '-inf', String(now - horizonMs));
  const [live, infos] = await Promise.all([
    redis.zrangebyscore(k.index, String(now - horizonMs), '+inf', 'WITHSCORES'),
    redis.hgetall(k.info),
  ]);
  if (stale.length) await redis.multi().zrem(k.index, ...stale).hdel(k.info, ...stale).exec();
  const out: LiveWorker[] = [];
  for (let i = 0; i < live.length; i += 2) {
    const info = infos[live[i]];
    if (info) out.push({ ...(JSON.parse(info) as WorkerBeat), lastSeen: Number(live[i + 1]) });
  }
  return out;
}
