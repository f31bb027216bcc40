import { Router } from 'express';
import type { Estimate } from '@pulsecam/contracts';
import { SessionLimitError, type SessionMeta } from '@pulsecam/store';
import type { GatewayDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { SessionIdParam } from './params.ts';
import { parseOrThrow } from '../validate.ts';

const iso = (ms: number) => new Date(ms).toISOString();

function expiresIn(meta: SessionMeta): number {
  return Math.max(0, Math.round((meta.expiresAt - Date.now()) / 100) / 10);
}

/** The session's newest estimate as saved by a worker, or a warming-up answer before the first. */
export function sessionEstimate(meta: SessionMeta, method: string, minSeconds: number): Estimate {
  if (meta.lastEstimate) return meta.lastEstimate as Estimate;
  return {
    heart_rate: null,
    confidence: 'none',
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

export function sessionsRouter(deps: GatewayDeps): Router {
  const router = Router();
  const { store, config } = deps;

  router.post('/create-session', async (_req, res) => {
    try {
      const id = await store.create();
      res.status(201).json({ session_id: id, message: 'Session created successfully', expires_in_seconds: config.SESSION_TTL_SECONDS });
    } catch (err) {
      if (err instanceof SessionLimitError) {
        throw new ApiError('too_many_sessions', `${err.message}; delete one (DELETE /session/{id}) or wait for one to expire`, undefined, {
          'Retry-After': String(Math.min(60, config.SESSION_TTL_SECONDS)),
        });
      }
      throw err;
    }
  });

  router.get('/session/:id/status', async (req, res) => {
    const { id } = parseOrThrow(SessionIdParam, req.params);
    const meta = await store.meta(id);
    if (!meta) throw new ApiError('session_not_found', `session ${id} does not exist or has expired`);
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
    if (!(await store.delete(id))) throw new ApiError('session_not_found', `session ${id} does not exist or has expired`);
    res.json({ session_id: id, message: 'Session deleted' });
  });

  router.get('/sessions', async (_req, res) => {
    const sessions = await store.list();
    res.json({
      count: sessions.length,
      max_sessions: config.MAX_SESSIONS,
      sessions: sessions.map((m) => ({
        session_id: m.id,
        created_at: iso(m.createdAt),
        last_activity: iso(m.lastSeen),
        expires_in_seconds: expiresIn(m),
        frames_received: m.frames,
      })),
    });
  });

  return router;
}
