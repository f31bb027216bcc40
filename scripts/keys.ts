/**
 * `npm run keys -- <command>`: manage the API keys the gateway checks when AUTH=keys.
 *   create <name> [--max-sessions N] [--rpm N] [--fps N] [--admin]   prints the new key, once
 *   list                                                              names, limits, created
 *   revoke <name>                                                     the key stops working at once
 * Uses REDIS_URL and KEY_PREFIX like the services. Redis keeps only each key's SHA-256.
 */
import { parseArgs } from 'node:util';
import { CommonEnv } from '@pulsecam/config';
import { ApiKeyExistsError, ApiKeyStore, connectRedis } from '@pulsecam/store';

const USAGE = `usage: npm run keys -- create <name> [--max-sessions N] [--rpm N] [--fps N] [--admin]
       npm run keys -- list
       npm run keys -- revoke <name>`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a whole number of at least 1, not "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'max-sessions': { type: 'string' },
      rpm: { type: 'string' },
      fps: { type: 'string' },
      admin: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, name] = positionals;
  if (values.help || !command) fail(USAGE);
  const env = CommonEnv.pick({ REDIS_URL: true, REDIS_CLUSTER: true, KEY_PREFIX: true }).safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v)));
  if (!env.success) fail(`invalid configuration: ${env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const redis = connectRedis(env.data.REDIS_URL, { maxRetriesPerRequest: 1, retryStrategy: () => null }, { cluster: env.data.REDIS_CLUSTER });
  redis.on('error', () => undefined);
  const keys = new ApiKeyStore(redis, env.data.KEY_PREFIX);
  await keys.adoptUntagged();
  try {
    if (command === 'create') {
      if (!name) fail(USAGE);
      const { key, record } = await keys.create(name, {
        maxSessions: positiveInt('max-sessions', values['max-sessions']),
        rpm: positiveInt('rpm', values.rpm),
        fps: positiveInt('fps', values.fps),
        admin: values.admin,
      });
      process.stderr.write(`created key "${record.name}"${record.admin ? ' (admin)' : ''}; it is shown only now, store it safely:\n`);
      process.stdout.write(`${key}\n`);
    } else if (command === 'list') {
      const all = await keys.list();
      if (all.length === 0) process.stdout.write('no keys\n');
      for (const k of all) {
        const limit = (v: number | null) => (v === null ? 'default' : String(v));
        process.stdout.write(
          `${k.name}\t${k.admin ? 'admin' : 'client'}\tmax-sessions=${limit(k.maxSessions)}\trpm=${limit(k.rpm)}\tfps=${limit(k.fps)}\tcreated=${new Date(k.createdAt).toISOString()}\n`,
        );
      }
    } else if (command === 'revoke') {
      if (!name) fail(USAGE);
      if (!(await keys.revoke(name))) fail(`no key named "${name}"`);
      process.stdout.write(`revoked "${name}"\n`);
    } else {
      fail(USAGE);
    }
  } catch (err) {
    if (err instanceof ApiKeyExistsError) fail(err.message);
    const message = err instanceof Error ? err.message : String(err);
    fail(`keys: ${message} (is Redis running at ${env.data.REDIS_URL.replace(/\/\/[^@]*@/, '//***@')}?)`);
  } finally {
    redis.disconnect();
  }
}

void main();
