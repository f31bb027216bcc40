/**
 * Lua scripts, registered once per connection with ioredis's defineCommand: each call is an
 * EVALSHA (the script's text crosses the wire only the first time a server sees it, or after a
 * SCRIPT FLUSH, when ioredis falls back to EVAL by itself). Every script declares the keys it
 * touches (KEYS), so Redis Cluster can route it.
 */
import type { Cluster, Redis } from 'ioredis';

export interface LuaScript {
  numberOfKeys: number;
  lua: string;
}

export type ScriptCall = (keys: readonly string[], args: readonly (string | number | Buffer)[]) => Promise<unknown>;

type Callable = Record<string, (...args: (string | number | Buffer)[]) => Promise<unknown>>;

/**
 * Registers `scripts` on the connection (names are global to it: prefix them by their module)
 * and returns a caller for each. Registering the same name twice is a no-op.
 */
export function defineScripts<N extends string>(redis: Redis | Cluster, scripts: Record<N, LuaScript>): Record<N, ScriptCall> {
  const commands = redis as unknown as Callable;
  const calls = {} as Record<N, ScriptCall>;
  for (const name of Object.keys(scripts) as N[]) {
    if (typeof commands[name] !== 'function') redis.defineCommand(name, scripts[name]);
    const { numberOfKeys } = scripts[name];
    calls[name] = (keys, args) => {
      if (keys.length !== numberOfKeys) throw new Error(`script ${name} takes ${numberOfKeys} keys, got ${keys.length}`);
      return commands[name](...keys, ...args);
    };
  }
  return calls;
}
