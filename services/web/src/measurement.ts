/**
 * What both ways of measuring (frames sent to the service, or private mode's samples) report to
 * the page, and how they read the service's refusals.
 */
import { ApiProblem, type BatchItem, type Estimate, type Session } from './api.ts';

export interface MeasurementHost {
  /** The session being measured (null once stopped). */
  session(): Session | null;
  /** The service's answer, with the frames it was about (newest last). */
  estimate(estimate: Estimate, items: BatchItem[]): void;
  /** The newest analysed frame, for the overlay (private mode draws its own analysis). */
  frame(item: BatchItem, width: number, height: number): void;
  /** The session expired (e.g. the tab slept): a new one replaces it. */
  sessionLost(): Promise<void>;
  error(text: string | null): void;
}

export type Refusal = { kind: 'busy'; retryAfter: number | null } | { kind: 'session_lost' } | { kind: 'other' };

/** Reports an API error to the person and says what the caller should do about it. */
export function readRefusal(err: unknown, host: MeasurementHost): Refusal {
  if (err instanceof ApiProblem && (err.status === 429 || err.status === 503)) {
    host.error('The service is busy: sending less for a moment.');
    return { kind: 'busy', retryAfter: err.retryAfter };
  }
  if (err instanceof ApiProblem && err.code === 'session_not_found') return { kind: 'session_lost' };
  if (err instanceof ApiProblem && err.code === 'unreachable') host.error('The Pulsecam service cannot be reached. Retrying…');
  else host.error(err instanceof Error ? `Measurement failed: ${err.message}` : 'Measurement failed.');
  return { kind: 'other' };
}

/** Every way of measuring starts, and stops once its last request is answered. */
export interface MeasurementMode {
  start(): void;
  stop(): Promise<void>;
}
