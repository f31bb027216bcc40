import { Router } from 'express';
import { sessionNotFoundDetail, type Estimate } from '@pulsecam/contracts';
import { hashSecret, newSecret, savedEstimate, SessionLimitError, type SessionMeta } from '@pulsecam/store';
import { clientOf } from '../client-identity.ts';
import type { RouteDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { openSession } from '../session-access.ts';
import { SessionIdParam } from './params.ts';
import { parseOrThrow } from '../validate.ts';

const iso = (ms: number) => new Date(ms).toISOString();

function expiresIn(meta: SessionMeta): number {
  return Math.max(0, Math.round((meta.expiresAt - Date.now()) / 100) / 10);
}

/** The session's newest estimate as saved by a worker, or a warming-up answer before the first. */
export function sessionEstimate(meta: SessionMeta, method: string, minSeconds: number): Estimate {
  const saved = savedEstimate(meta);
  if (saved) return saved as Estimate;
  return {
    heart_rate: null,
    confidence: 'none',
    pulse_detected: null,
    signal_quality: 0,
    buffer_seconds: 0,
    samples: 0,
    method,
    guidance: ['warming_up'],
    message: `No estimate yet: send at least ${minSeconds} s of frames with a face.`,
    waveform: null,
    hrv: null,
    respiration: null,
  };
}

export function sessionsRouter(deps: RouteDeps): Router {
  const router = Router();
  const { store, config } = deps;

  router.post('/create-session', async (_req, res) => {
    const client = clientOf(res);
    // The token is shown once, here; Redis keeps only its hash.
    const token = newSecret('pst');
    try {
      const id = await store.create({ id: client.id, maxSessions: client.limits.maxSessions }, hashSecret(token));
      res.status(201).json({
        session_id: id,
        session_token: token,
        message: 'Session created successfully. Send the token as "Authorization: Bearer <session_token>" on every call for this session.',
        expires_in_seconds: config.SESSION_TTL_SECONDS,
      });
    } catch (err) {
      if (err instanceof SessionLimitError) {
        const how = err.scope === 'client' ? 'delete one of yours (DELETE /session/{id}) or wait for one to expire' : 'retry when one expires';
        throw new ApiError('too_many_sessions', `${err.message}; ${how}`, undefined, {
          'Retry-After': String(Math.min(60, config.SESSION_TTL_SECONDS)),
        });
      }
      throw err;
    }
  });

  router.get('/session/:id/status', async (req, res) => {
    const { id } = parseOrThrow(SessionIdParam, req.params);
    const meta = await openSession(store, id, req, clientOf(res));
    res.json({
      session_id: id,
      created_at: iso(meta.createdAt),
      last_activity: iso(meta.lastSeen),
      expires_in_seconds: expiresIn(meta),
      frames_received: meta.frames,
      faces_detected: meta.faces,
      estimate: sessionEstimate(meta, config.HR_METHOD, config.MIN_SIGNAL_SECONDS),
    });
  });

  router.delete('/session/:id', async (req, res) => {
    const { id } = parseOrThrow(SessionIdParam, req.params);
    const meta = await openSession(store, id, req, clientOf(res));
    if (!(await store.delete(id, meta.owner))) throw new ApiError('session_not_found', sessionNotFoundDetail(id));
    res.json({ session_id: id, message: 'Session deleted' });
  });

  // Ids and times only: never tokens, estimates or counts of another client's session. With API
  // keys, a key sees its own sessions (an admin key all); in open mode every live session is
  // listed (its id opens nothing without its token).
  router.get('/sessions', async (_req, res) => {
    const client = clientOf(res);
    const sessions = await store.list(client.kind === 'key' && !client.admin ? client.id : undefined);
    res.json({
      count: sessions.length,
      max_sessions: config.MAX_SESSIONS,
      client_max_sessions: client.limits.maxSessions,
      sessions: sessions.map((m) => ({
        session_id: m.id,
        created_at: iso(m.createdAt),
        last_activity: iso(m.lastSeen),
        expires_in_seconds: expiresIn(m),
      })),
    });
  });

  return router;
}
