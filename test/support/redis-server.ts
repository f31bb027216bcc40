/** A redis-server child process of a test's own, on a free port, that the test may stop and start again. */
import { spawn, type ChildProcess } from 'node:child_process';
import { redisAnswers } from '@pulsecam/store';
import { freePort } from './service.ts';

export class RedisChild {
  private child: ChildProcess | null = null;
  private constructor(
    readonly port: number,
    private readonly extraArgs: string[],
  ) {}

  /** On a free port unless one is given; `args` are added to redis-server's (e.g. cluster mode). */
  static async start(options: { port?: number; args?: string[] } = {}): Promise<RedisChild> {
    const r = new RedisChild(options.port ?? (await freePort()), options.args ?? []);
    await r.up();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server (nothing saved to disk: a restart loses every key, as a cache-only Redis does). */
  async up(): Promise<void> {
    const child = spawn(process.env.REDIS_SERVER_BIN ?? 'redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    // Its last log lines, to say why when it does not come up (a port taken meanwhile, say).
    let log = '';
    const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-2000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const deadline = Date.now() + 15_000;
    while (!(await redisAnswers(this.url, 300))) {
      const exited = child.exitCode !== null || child.signalCode !== null;
      if (exited || Date.now() > deadline) {
        if (!exited) child.kill('SIGKILL');
        this.child = null;
        throw new Error(`redis-server on port ${this.port} ${exited ? `exited (${child.exitCode ?? child.signalCode})` : 'did not answer'}: ${log.trim().split('\n').slice(-3).join(' | ')}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Kills it at once (SIGKILL), as a crash or a lost network would. */
  async down(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
  }
}
