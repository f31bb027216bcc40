/**
 * The API calls the page makes, through @pulsecam/client (types generated from /openapi.json),
 * with errors as ApiProblem.
 */
import { ApiProblem, bearer, call, createPulsecamClient, formBody, type Schemas } from '@pulsecam/client';
import type { RichSample } from '@pulsecam/contracts';

export { ApiProblem };

/** What the page shows of an answer (frames and samples answers both carry it). */
export type Estimate = Pick<
  Schemas['SamplesResponse'],
  'heart_rate' | 'confidence' | 'pulse_detected' | 'signal_quality' | 'buffer_seconds' | 'guidance' | 'message' | 'waveform' | 'hrv' | 'respiration'
> &
  Partial<Pick<Schemas['SamplesResponse'], 'estimate_age_ms'>>;
/**
 * One frame's face as the overlay draws it (from the service's answer, or private mode's own
 * analysis). Polygons as openapi-fetch reads them: [x, y] pairs as number arrays.
 */
export type BatchItem = Pick<Schemas['BatchItemResult'], 'face_detected' | 'face_box' | 'guidance'> & {
  regions: Record<'forehead' | 'left_cheek' | 'right_cheek', number[][]> | null;
};
export type BatchResponse = Schemas['AnalyzeBatchResponse'];
export type SamplesResponse = Schemas['SamplesResponse'];
/** How the service analyses frames (GET /status): private mode runs the same vision with these. */
export type AnalysisSettings = Schemas['StatusResponse']['analysis'];

/** A session and its secret token (kept in memory only, sent as a Bearer token). */
export interface Session {
  id: string;
  token: string;
}

/**
 * With AUTH=keys the page needs an API key: open it as `/#key=<key>`. The fragment never leaves
 * the browser (it is not part of any request URL); the key goes only in the X-API-Key header.
 */
const client = createPulsecamClient({ apiKey: new URLSearchParams(location.hash.slice(1)).get('key') });
const onSession = (session: Session) => ({ params: { path: { id: session.id } }, ...bearer(session.token) });

export const api = {
  status: () => call(() => client.GET('/status')),
  createSession: async (): Promise<Session> => {
    const created = await call(() => client.POST('/create-session'));
    return { id: created.session_id, token: created.session_token };
  },
  /** Deletes the session; `keepalive` lets it finish while the page is being closed. */
  deleteSession: (session: Session, keepalive = false) => call(() => client.DELETE('/session/{id}', { ...onSession(session), keepalive })).catch(() => undefined),
  /** Frames mode: camera frames as multipart, with their capture times. */
  analyzeBatch: async (session: Session, frames: { blob: Blob; t: number }[]) => {
    const form = new FormData();
    form.set('session_id', session.id);
    form.set('timestamps', frames.map((f) => f.t.toFixed(1)).join(','));
    frames.forEach((f, i) => form.append('images', f.blob, `frame-${i}.jpg`));
    const answer = await call(() => client.POST('/analyze-batch', { ...formBody<Schemas['AnalyzeBatchForm']>(form), ...bearer(session.token) }));
    // Without ?async the service answers the batch itself (200), never a job id (202).
    if (!('results' in answer)) throw new ApiProblem(202, 'queued', 'the batch was queued instead of answered');
    return answer;
  },
  /** Private mode: the device's own measurements of its frames, no image. */
  postSamples: (session: Session, samples: RichSample[]) => call(() => client.POST('/session/{id}/samples', { ...onSession(session), body: { samples } })),
};
