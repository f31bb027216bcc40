/**
 * Who is calling: with AUTH=keys the holder of a valid X-API-Key (401 otherwise); with AUTH=open
 * the client address (as TRUST_PROXY allows it to be read). Quotas, rate limits and session
 * ownership hang off this identity. Addresses are kept only as a short hash.
 */
import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { GatewayConfig } from '@pulsecam/config';
import type { ApiKeyStore } from '@pulsecam/store';
import { ApiError } from './errors.ts';

export interface ClientLimits {
  maxSessions: number;
  rpm: number;
  fps: number;
}

export interface Client {
  /** Stable id for Redis keys and session ownership: `key:<name>` or `ip:<hash>`. */
  id: string;
  /** Whether this identity is an API key (keys mode) or an address (open mode). */
  kind: 'key' | 'address';
  /** An admin key lists every session (it still needs each session's token to open it). */
  admin: boolean;
  limits: ClientLimits;
}

const ADDRESS_HASH_CHARS = 16;

export function addressId(address: string): string {
  return `ip:${createHash('sha256').update(address).digest('hex').slice(0, ADDRESS_HASH_CHARS)}`;
}

/** The identity resolved for this request (set by identifyClient). */
export function clientOf(res: Response): Client {
  const client = res.locals.client as Client | undefined;
  if (!client) throw new Error('identifyClient did not run for this route');
  return client;
}

export function identifyClient(config: GatewayConfig, keys: ApiKeyStore): RequestHandler {
  const defaults: ClientLimits = { maxSessions: config.CLIENT_MAX_SESSIONS, rpm: config.CLIENT_REQUESTS_PER_MINUTE, fps: config.CLIENT_FRAMES_PER_SECOND };
  return async (req: Request, res: Response, next) => {
    try {
      if (config.AUTH === 'open') {
        res.locals.client = { id: addressId(req.ip ?? 'unknown'), kind: 'address', admin: false, limits: defaults } satisfies Client;
        return next();
      }
      const key = req.get('x-api-key');
      const record = key ? await keys.lookup(key) : null;
      if (!record) {
        throw new ApiError('unauthorized', key ? 'the X-API-Key is not valid (unknown or revoked)' : 'send your API key in the X-API-Key header', undefined, {
          'WWW-Authenticate': 'ApiKey header="X-API-Key"',
        });
      }
      res.locals.client = {
        id: `key:${record.name}`,
        kind: 'key',
        admin: record.admin,
        limits: { maxSessions: record.maxSessions ?? defaults.maxSessions, rpm: record.rpm ?? defaults.rpm, fps: record.fps ?? defaults.fps },
      } satisfies Client;
      next();
    } catch (err) {
      next(err);
    }
  };
}
