/**
 * API keys (AUTH=keys): each key has a name, optional per-key limits and an admin flag. Redis
 * holds only the key's SHA-256; the plain key is printed once by `npm run keys -- create`.
 */
import { defineScripts, type ScriptCall } from './scripts.ts';
import type { Redis } from 'ioredis';
import { apiKeyKeys } from '@pulsecam/contracts';
import { hashSecret, newSecret } from './secrets.ts';

export interface ApiKeyLimits {
  /** Live sessions at once (null: the gateway's CLIENT_MAX_SESSIONS). */
  maxSessions: number | null;
  /** Requests per minute (null: CLIENT_REQUESTS_PER_MINUTE). */
  rpm: number | null;
  /** Frames (or samples) per second, averaged over the rate window (null: CLIENT_FRAMES_PER_SECOND). */
  fps: number | null;
}

export interface ApiKeyRecord extends ApiKeyLimits {
  name: string;
  admin: boolean;
  createdAt: number;
}

export class ApiKeyExistsError extends Error {
  override readonly name = 'ApiKeyExistsError';
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

// KEYS: byHash, byName. ARGV: name, hash, record json. Refuses a name in use.
const CREATE_SCRIPT = `
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
return 1
`;

// KEYS: byHash, byName. ARGV: name.
const REVOKE_SCRIPT = `
local hash = redis.call('HGET', KEYS[2], ARGV[1])
if not hash then return 0 end
redis.call('HDEL', KEYS[1], hash)
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
`;

export class ApiKeyStore {
  private readonly scripts: Record<'apiKeyCreate' | 'apiKeyRevoke', ScriptCall>;
  private readonly keys: ReturnType<typeof apiKeyKeys>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.keys = apiKeyKeys(prefix);
    this.scripts = defineScripts(redis, { apiKeyCreate: { numberOfKeys: 2, lua: CREATE_SCRIPT }, apiKeyRevoke: { numberOfKeys: 2, lua: REVOKE_SCRIPT } });
  }

  /**
   * Moves keys stored before key names carried a hash tag (`pulsecam:apikeys`, now
   * `{pulsecam}:apikeys`) under the new names, once; returns how many keys moved. Sessions and
   * jobs need no move: they expire within minutes.
   */
  async adoptUntagged(): Promise<number> {
    const legacy = { byHash: `${this.prefix}:apikeys`, byName: `${this.prefix}:apikeys:names` };
    const [byHash, byName] = await Promise.all([this.redis.hgetall(legacy.byHash), this.redis.hgetall(legacy.byName)]);
    const moved = Object.keys(byHash).length;
    if (moved === 0) return 0;
    await this.redis.hset(this.keys.byHash, byHash);
    if (Object.keys(byName).length) await this.redis.hset(this.keys.byName, byName);
    await this.redis.del(legacy.byHash);
    await this.redis.del(legacy.byName);
    return moved;
  }

  /** Creates a key and returns it in plain text (the only time it exists outside the client). */
  async create(name: string, options: Partial<ApiKeyLimits> & { admin?: boolean } = {}): Promise<{ key: string; record: ApiKeyRecord }> {
    if (!NAME.test(name)) throw new Error(`key name "${name}" must be 1-64 letters, digits, dot, dash or underscore`);
    const key = newSecret('pk');
    const record: ApiKeyRecord = {
      name,
      admin: options.admin ?? false,
      createdAt: Date.now(),
      maxSessions: options.maxSessions ?? null,
      rpm: options.rpm ?? null,
      fps: options.fps ?? null,
    };
    const ok = await this.scripts.apiKeyCreate([this.keys.byHash, this.keys.byName], [name, hashSecret(key), JSON.stringify(record)]);
    if (ok !== 1) throw new ApiKeyExistsError(`a key named "${name}" exists; revoke it first or choose another name`);
    return { key, record };
  }

  /** The record of a plain key, or null for an unknown (or revoked) key. */
  async lookup(key: string): Promise<ApiKeyRecord | null> {
    const raw = await this.redis.hget(this.keys.byHash, hashSecret(key));
    return raw ? (JSON.parse(raw) as ApiKeyRecord) : null;
  }

  async list(): Promise<ApiKeyRecord[]> {
    const all = await this.redis.hvals(this.keys.byHash);
    return all.map((raw) => JSON.parse(raw) as ApiKeyRecord).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Revokes a key by name; false when no key has that name. */
  async revoke(name: string): Promise<boolean> {
    return (await this.scripts.apiKeyRevoke([this.keys.byHash, this.keys.byName], [name])) === 1;
  }
}
