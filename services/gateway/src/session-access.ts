/**
 * A session opens only with its token (`Authorization: Bearer <session_token>`) and, with API
 * keys, only for the key that created it. Every failure answers exactly as an unknown session
 * does, so nobody can tell a wrong token from a session that does not exist.
 */
import type { Request } from 'express';
import { secretMatches, type SessionMeta, type SessionStore } from '@pulsecam/store';
import { sessionNotFound } from './admission.ts';
import type { Client } from './client-identity.ts';

/** The bearer token of the request, if it carries one. */
export function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m?.[1];
}

/** True when this client, holding this request's token, may use the session. */
export function mayOpen(meta: SessionMeta, req: Request, client: Client): boolean {
  if (!secretMatches(bearerToken(req), meta.tokenHash ?? undefined)) return false;
  return client.kind === 'address' || client.admin || meta.owner === client.id;
}

/** The session's metadata, or 404 session_not_found when it is missing or not this caller's. */
export async function openSession(store: SessionStore, id: string, req: Request, client: Client): Promise<SessionMeta> {
  const meta = await store.meta(id);
  if (!meta || !mayOpen(meta, req, client)) throw sessionNotFound(id);
  return meta;
}
