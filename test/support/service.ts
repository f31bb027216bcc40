/**
 * Starts the real service for end-to-end tests: the gateway and N worker processes, exactly as
 * `npm start` runs them, on free ports and a key prefix of their own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { launchedWorkerSettings } from '@pulsecam/config';
import { connectRedis } from '@pulsecam/store';
import { cleanPrefix, testPrefix, testRedis } from './redis.ts';

const root = path.resolve(import.meta.dirname, '../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningService {
  baseUrl: string;
  prefix: string;
  redisUrl: string;
  workerMetricsPorts: number[];
  /** Process ids: the gateway first, then the workers. */
  pids: { gateway: number; workers: number[] };
  /** Starts one more worker process (e.g. after a test killed one); resolves with its pid. */
  addWorker: () => Promise<number>;
  logs: string[];
  stop: () => Promise<void>;
}

function start(entry: string, env: NodeJS.ProcessEnv, logs: string[], file: WriteStream): ChildProcess {
  const child = spawn(process.execPath, [...(process.env.PULSECAM_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PULSECAM_PROFILE_DIR}`] : []), '--import', 'tsx', path.join(root, entry)], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.on('exit', (code, signal) => file.write(`${entry} (pid ${child.pid}) exited: code ${code}, signal ${signal}\n`));
  const keep = (chunk: Buffer) => {
    file.write(chunk);
    logs.push(chunk.toString());
    if (logs.length > 2000) logs.splice(0, 1000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return child;
}

export interface ServiceOptions {
  workers: number;
  env?: Record<string, string>;
  redisUrl?: string;
  /**
   * As `npm start` does (REFRESHER_WORKERS): only the first this many workers estimate device
   * sessions. Unset: every worker does (tests that stop a worker rely on another taking over).
   */
  refresherWorkers?: number;
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const redisUrl = options.redisUrl ?? (await testRedis()).url;
  const prefix = testPrefix();
  const port = await freePort();
  const logs: string[] = [];
  // Every service log line also goes to test-artifacts/, to read after a failure.
  mkdirSync(path.join(root, 'test-artifacts'), { recursive: true });
  const file = createWriteStream(path.join(root, 'test-artifacts', `service-${prefix}.log`));
  // Every test client calls from 127.0.0.1, one address: per-client quotas are raised out of the
  // way unless a test sets them (the quota tests do).
  const clientLimits = { CLIENT_MAX_SESSIONS: '1000', CLIENT_REQUESTS_PER_MINUTE: '1000000', CLIENT_FRAMES_PER_SECOND: '100000' };
  const env = { ...process.env, REDIS_URL: redisUrl, KEY_PREFIX: prefix, LOG_LEVEL: 'warn', ...clientLimits, ...options.env };
  const children: ChildProcess[] = [start('services/gateway/src/main.ts', { ...env, PORT: String(port), HOST: '127.0.0.1' }, logs, file)];
  const workerMetricsPorts: number[] = [];
  const addWorker = async () => {
    const metricsPort = await freePort();
    const index = workerMetricsPorts.push(metricsPort) - 1;
    const launched = options.refresherWorkers === undefined ? {} : launchedWorkerSettings({ REFRESHER_WORKERS: options.refresherWorkers }, index);
    const child = start('services/worker/src/main.ts', { ...env, METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1', ...launched }, logs, file);
    children.push(child);
    return child.pid!;
  };
  for (let i = 0; i < options.workers; i++) await addWorker();
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const kill = setTimeout(() => c.kill('SIGKILL'), 10_000);
            c.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    file.end();
    // Nothing of this run stays in the shared Redis (a Redis of the test's own may be gone already).
    if (!options.redisUrl) {
      const redis = connectRedis(redisUrl);
      await cleanPrefix(redis, prefix).finally(() => redis.disconnect());
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`${baseUrl}/ready`);
      const body = (await res.json()) as { workers: number };
      if (res.ok && body.workers >= options.workers) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || children.some((c) => c.exitCode !== null)) {
      await stop();
      throw new Error(`service did not become ready:\n${logs.join('').slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const pids = { gateway: children[0].pid!, workers: children.slice(1).map((c) => c.pid!) };
  return { baseUrl, prefix, redisUrl, workerMetricsPorts, pids, addWorker, logs, stop };
}
