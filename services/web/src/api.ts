/** The few API calls the page makes, with errors turned into ApiProblem. */
import type { RichSample } from '@pulsecam/contracts';

export interface Estimate {
  heart_rate: number | null;
  confidence: 'high' | 'medium' | 'low' | 'none';
  /** Liveness: a pulse found (true), none in a full window (false), undecided (null). */
  pulse_detected: boolean | null;
  signal_quality: number;
  buffer_seconds: number;
  guidance: string[];
  message: string;
  waveform: { fs: number; values: number[] } | null;
  hrv: { rmssd_ms: number | null; quality: number } | null;
  respiration: { rate: number | null; quality: number } | null;
}

export interface BatchItem {
  face_detected: boolean;
  face_box: { x: number; y: number; width: number; height: number } | null;
  regions: Record<'forehead' | 'left_cheek' | 'right_cheek', [number, number][]> | null;
  guidance: string[];
}

export interface BatchResponse extends Estimate {
  results: BatchItem[];
  faces_detected: number;
}

export interface SamplesResponse extends Estimate {
  accepted: number;
  stored: number;
  refused: { field: string; message: string }[];
  /** 0: made for this post; else the newest estimate, reused while recent. */
  estimate_age_ms: number;
}

/** How the service analyses frames (GET /status): private mode runs the same vision with these. */
export interface AnalysisSettings {
  detector_input_size: number;
  min_face_score: number;
  landmark_model: 'full' | 'tiny';
  track_check_every_frames: number;
  face_search_max_wait: number;
}

export interface ServiceStatus {
  limits: { min_signal_seconds: number; window_seconds: number };
  analysis: AnalysisSettings;
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds from the Retry-After header, when the service sent one. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiProblem(0, 'unreachable', 'The Pulsecam service cannot be reached.');
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new ApiProblem(res.status, String(body.code ?? 'error'), String(body.detail ?? res.statusText), Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
  }
  return body as T;
}

/** A session and its secret token (kept in memory only, sent as a Bearer token). */
export interface Session {
  id: string;
  token: string;
}

/**
 * With AUTH=keys the page needs an API key: open it as `/#key=<key>`. The fragment never leaves
 * the browser (it is not part of any request URL); the key goes only in the X-API-Key header.
 */
const apiKey = new URLSearchParams(location.hash.slice(1)).get('key');
const keyHeader = (): Record<string, string> => (apiKey ? { 'X-API-Key': apiKey } : {});
const bearer = (session: Session) => ({ ...keyHeader(), Authorization: `Bearer ${session.token}` });

export const api = {
  status: () => call<ServiceStatus>('/status'),
  createSession: async (): Promise<Session> => {
    const created = await call<{ session_id: string; session_token: string }>('/create-session', { method: 'POST', headers: keyHeader() });
    return { id: created.session_id, token: created.session_token };
  },
  /** Deletes the session; `keepalive` lets it finish while the page is being closed. */
  deleteSession: (session: Session, keepalive = false) =>
    call<unknown>(`/session/${session.id}`, { method: 'DELETE', headers: bearer(session), keepalive }).catch(() => undefined),
  analyzeBatch: (session: Session, frames: { blob: Blob; t: number }[]) => {
    const form = new FormData();
    form.set('session_id', session.id);
    form.set('timestamps', frames.map((f) => f.t.toFixed(1)).join(','));
    frames.forEach((f, i) => form.append('images', f.blob, `frame-${i}.jpg`));
    return call<BatchResponse>('/analyze-batch', { method: 'POST', body: form, headers: bearer(session) });
  },
  /** Private mode: the device's own measurements of its frames, no image. */
  postSamples: (session: Session, samples: RichSample[]) =>
    call<SamplesResponse>(`/session/${session.id}/samples`, {
      method: 'POST',
      body: JSON.stringify({ samples }),
      headers: { ...bearer(session), 'Content-Type': 'application/json' },
    }),
};
