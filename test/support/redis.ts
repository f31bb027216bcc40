/**
 * A real Redis for tests: REDIS_URL when set, else 127.0.0.1:6379 when it answers, else a
 * throwaway container started with testcontainers (needs Docker). Never a mock.
 */
import { redisPrefix } from '@pulsecam/contracts';
import { randomUUID } from 'node:crypto';
import { connectRedis, redisAnswers } from '@pulsecam/store';
import type { Redis } from 'ioredis';

export interface TestRedis {
  url: string;
  stop: () => Promise<void>;
}

let shared: Promise<TestRedis> | undefined;

async function startRedis(): Promise<TestRedis> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) {
    if (!(await redisAnswers(fromEnv))) throw new Error(`REDIS_URL=${fromEnv} is set but nothing answers there`);
    return { url: fromEnv, stop: async () => undefined };
  }
  const local = 'redis://127.0.0.1:6379';
  if (await redisAnswers(local)) return { url: local, stop: async () => undefined };
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer('redis:7-alpine')
    .withExposedPorts(6379)
    .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
    .start();
  return {
    url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
    stop: async () => {
      await container.stop();
    },
  };
}

/** The Redis every test in this process shares. */
export function testRedis(): Promise<TestRedis> {
  shared ??= startRedis();
  return shared;
}

/** A key prefix of its own for each test, so tests never see each other's keys. */
export function testPrefix(): string {
  return `test-${randomUUID()}`;
}

/** Deletes every key under a prefix. */
export async function cleanPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix(prefix)}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

export async function connectTestRedis(): Promise<{ redis: Redis; url: string }> {
  const { url } = await testRedis();
  return { redis: connectRedis(url), url };
}
