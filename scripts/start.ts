/**
 * `npm start`: one command runs the whole service on this machine: Redis (an existing one at
 * REDIS_URL, or a local redis-server child), the gateway, and WORKERS worker processes, with
 * their logs on this terminal. Ctrl-C stops everything in order.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchedWorkerSettings, loadLauncherConfig } from '@pulsecam/config';
import { loadOrExit } from '@pulsecam/lifecycle';
import { redisAnswers } from '@pulsecam/store';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (msg: string) => process.stdout.write(`[pulsecam] ${msg}\n`);

/** The gateway's own shutdown deadline is 15 s, the workers' 20 s; past these they are killed. */
const GATEWAY_GRACE_MS = 17_000;
const WORKER_GRACE_MS = 22_000;
/** Crashed services come back after 1, 2, 4 … seconds, at most this long. */
const MAX_RESTART_DELAY_MS = 30_000;

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

  let stopping = false;
  const gateways = new Set<ChildProcess>();
  const workers = new Set<ChildProcess>();
  const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));
  const stopGroup = async (group: Set<ChildProcess>, graceMs: number) => {
    for (const c of group) c.kill('SIGTERM');
    await Promise.race([Promise.all([...group].map(exited)), new Promise((r) => setTimeout(r, graceMs))]);
    for (const c of group) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };

  // In order: the gateway stops taking work and finishes its in-flight requests (whose jobs the
  // workers are still running), then the workers finish their active jobs, then Redis.
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping: gateway first (finishes in-flight requests), then workers (finish active jobs)...');
    await stopGroup(gateways, GATEWAY_GRACE_MS);
    await stopGroup(workers, WORKER_GRACE_MS);
    if (redisChild) {
      redisChild.kill('SIGTERM');
      await exited(redisChild);
    }
    process.exit(code);
  };

  /** Runs a service and restarts it when it dies, with a back-off that grows with crashes in the last minute. */
  const supervise = (name: string, group: Set<ChildProcess>, entry: string, env: NodeJS.ProcessEnv) => {
    const crashes: number[] = [];
    const run = () => {
      const child = nodeService(entry, env);
      group.add(child);
      child.on('exit', (code, signal) => {
        group.delete(child);
        if (stopping) return;
        const now = Date.now();
        crashes.push(now);
        while (crashes.length && now - crashes[0] > 60_000) crashes.shift();
        const delay = Math.min(MAX_RESTART_DELAY_MS, 1000 * 2 ** (crashes.length - 1));
        console.error(`[pulsecam] ${name} exited (${signal ?? `code ${code}`}); restarting in ${delay / 1000} s (${crashes.length} exit(s) in the last minute)`);
        setTimeout(() => !stopping && run(), delay);
      });
    };
    run();
  };

  supervise('gateway', gateways, 'services/gateway/src/main.ts', {
    ...process.env,
    REDIS_URL: config.REDIS_URL,
    // The web client (built by `npm run build`, which `npm start` runs first) is served at /.
    WEB_ROOT: process.env.WEB_ROOT ?? path.join(root, 'services', 'web', 'dist'),
  });
  for (let i = 0; i < config.WORKERS; i++) {
    supervise(`worker ${i}`, workers, 'services/worker/src/main.ts', {
      ...process.env,
      REDIS_URL: config.REDIS_URL,
      METRICS_PORT: String(config.METRICS_PORT + i),
      ...launchedWorkerSettings(config, i),
    });
  }
  const workerPorts = config.WORKERS > 0 ? ` (metrics on ports ${config.METRICS_PORT}..${config.METRICS_PORT + config.WORKERS - 1})` : '';
  const estimating = Math.min(config.WORKERS, config.REFRESHER_WORKERS);
  const estimators = config.WORKERS > estimating ? `, device sessions estimated in ${estimating} of them (REFRESHER_WORKERS)` : '';
  say(`gateway on http://localhost:${process.env.PORT ?? 8000} (web page, /docs), ${config.WORKERS} worker(s)${workerPorts}${estimators}; Ctrl-C stops`);

  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
}

void main();
