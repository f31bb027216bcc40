/**
 * `npm start`: one command runs the whole service on this machine: Redis (an existing one at
 * REDIS_URL, or a local redis-server child), the gateway, and WORKERS worker processes, with
 * their logs on this terminal. Ctrl-C stops everything in order.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLauncherConfig, loadOrExit } from '@pulsecam/config';
import { redisAnswers } from '@pulsecam/store';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (msg: string) => process.stdout.write(`[pulsecam] ${msg}\n`);

function redisServerAvailable(bin: string): boolean {
  const r = spawnSync(bin, ['--version'], { stdio: 'ignore' });
  return r.status === 0;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 150));
  }
  return false;
}

function nodeService(entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(root, entry)], { cwd: root, env, stdio: 'inherit' });
}

async function main(): Promise<void> {
  const config = loadOrExit('start', () => loadLauncherConfig());
  const url = new URL(config.REDIS_URL);
  let redisChild: ChildProcess | undefined;

  if (!(await redisAnswers(config.REDIS_URL))) {
    const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(url.hostname);
    if (config.START_REDIS === 'never' || !local) {
      console.error(`[pulsecam] nothing answers at ${config.REDIS_URL}: start Redis there, or point REDIS_URL at one.`);
      process.exit(1);
    }
    if (!redisServerAvailable(config.REDIS_SERVER_BIN)) {
      console.error(
        `[pulsecam] no Redis at ${config.REDIS_URL} and no redis-server on PATH: install Redis (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL to a running one.`,
      );
      process.exit(1);
    }
    const port = url.port || '6379';
    redisChild = spawn(config.REDIS_SERVER_BIN, ['--port', port, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (!(await waitFor(() => redisAnswers(config.REDIS_URL, 500), 10_000))) {
      console.error(`[pulsecam] started redis-server on port ${port} but it did not answer within 10 s.`);
      redisChild.kill('SIGTERM');
      process.exit(1);
    }
    say(`no Redis answered at ${config.REDIS_URL}: started a local redis-server (pid ${redisChild.pid}, port ${port}, nothing saved to disk)`);
  } else {
    say(`using Redis at ${url.protocol}//${url.host}`);
  }

  const children = new Set<ChildProcess>();
  let stopping = false;

  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping...');
    const exits = [...children].map((c) => new Promise<void>((r) => (c.exitCode !== null ? r() : c.once('exit', () => r()))));
    for (const c of children) c.kill('SIGTERM');
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 25_000))]);
    if (redisChild) {
      redisChild.kill('SIGTERM');
      await new Promise((r) => redisChild!.once('exit', r));
    }
    process.exit(code);
  };

  const gateway = nodeService('services/gateway/src/main.ts', {
    ...process.env,
    REDIS_URL: config.REDIS_URL,
    // The web client (built by `npm run build`, which `npm start` runs first) is served at /.
    WEB_ROOT: process.env.WEB_ROOT ?? path.join(root, 'services', 'web', 'dist'),
  });
  children.add(gateway);
  gateway.on('exit', (code) => {
    children.delete(gateway);
    if (!stopping) {
      console.error(`[pulsecam] gateway exited (code ${code}); stopping`);
      void stopAll(code || 1);
    }
  });

  const restarts: number[] = [];
  const startWorker = (index: number) => {
    const worker = nodeService('services/worker/src/main.ts', {
      ...process.env,
      REDIS_URL: config.REDIS_URL,
      METRICS_PORT: String(config.METRICS_PORT + index),
    });
    children.add(worker);
    worker.on('exit', (code) => {
      children.delete(worker);
      if (stopping) return;
      const now = Date.now();
      restarts.push(now);
      while (restarts.length && now - restarts[0] > 60_000) restarts.shift();
      if (restarts.length > 5) {
        console.error(`[pulsecam] workers keep exiting (last code ${code}); stopping`);
        void stopAll(1);
        return;
      }
      console.error(`[pulsecam] worker ${index} exited (code ${code}); restarting in 1 s`);
      setTimeout(() => !stopping && startWorker(index), 1000);
    });
  };
  for (let i = 0; i < config.WORKERS; i++) startWorker(i);
  const workerPorts = config.WORKERS > 0 ? ` (metrics on ports ${config.METRICS_PORT}..${config.METRICS_PORT + config.WORKERS - 1})` : '';
  say(`gateway on http://localhost:${process.env.PORT ?? 8000} (web page, /docs), ${config.WORKERS} worker(s)${workerPorts}; Ctrl-C stops`);

  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
}

void main();
