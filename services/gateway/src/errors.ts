/**
 * Every error the API can answer with, by code, with its HTTP status. Bodies are RFC 9457
 * problem details; nothing else (and never a stack trace) reaches the client.
 */
import type { Problem } from '@pulsecam/contracts';

export const ERRORS = {
  validation_failed: { status: 400, title: 'Request validation failed' },
  invalid_json: { status: 400, title: 'Body is not valid JSON' },
  invalid_image: { status: 400, title: 'Image could not be read' },
  unsupported_media_type: { status: 415, title: 'Unsupported content type' },
  image_too_large: { status: 413, title: 'Image too large' },
  invalid_video: { status: 400, title: 'Video could not be read' },
  video_too_large: { status: 413, title: 'Video too large' },
  video_too_long: { status: 413, title: 'Video too long' },
  payload_too_large: { status: 413, title: 'Request body too large' },
  session_not_found: { status: 404, title: 'Session not found' },
  job_not_found: { status: 404, title: 'Job not found' },
  not_found: { status: 404, title: 'Not found' },
  unauthorized: { status: 401, title: 'API key missing or not valid' },
  too_many_sessions: { status: 429, title: 'Too many sessions' },
  rate_limited: { status: 429, title: 'Rate limit reached' },
  too_many_pending_frames: { status: 429, title: 'Too many frames waiting for this session' },
  timeout: { status: 504, title: 'Processing timed out' },
  unavailable: { status: 503, title: 'Service unavailable' },
  overloaded: { status: 503, title: 'Service overloaded' },
  shutting_down: { status: 503, title: 'Service shutting down' },
  timestamp_out_of_range: { status: 422, title: 'Capture time outside the session timeline' },
  internal: { status: 500, title: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly fieldErrors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(`${code}: ${detail}`);
  }

  get status(): number {
    return ERRORS[this.code].status;
  }

  toProblem(instance?: string): Problem {
    return {
      type: `https://pulsecam.dev/problems/${this.code.replace(/_/g, '-')}`,
      title: ERRORS[this.code].title,
      status: this.status,
      detail: this.detail,
      code: this.code,
      ...(instance ? { instance } : {}),
      ...(this.fieldErrors?.length ? { errors: this.fieldErrors } : {}),
    };
  }
}

/** Redis could not be reached: a 503 the client may retry in a moment. */
export function redisUnavailable(): ApiError {
  return new ApiError('unavailable', 'the session store (Redis) is not reachable; retry in a moment', undefined, { 'Retry-After': '2' });
}

/** Zod issues to field errors: `images.3.image_data: Required`. */
interface Issue {
  path: PropertyKey[];
  message: string;
  code?: string;
  /** An `unrecognized_keys` issue's keys. */
  keys?: string[];
  /** An `invalid_union` issue's issues, per alternative. */
  errors?: Issue[][];
}

/**
 * Field errors of a validation failure. A value that fits none of a union's forms is reported
 * against the form it came closest to (fewest issues), so the field named is the one to fix
 * (`samples.3.regions.1.2`), not just `samples.3`.
 */
export function fieldErrorsOf(issues: readonly Issue[]): FieldError[] {
  return issues.flatMap((i) => {
    if (i.code === 'invalid_union' && i.errors && i.errors.length > 0) {
      const closest = [...i.errors].sort((a, b) => a.length - b.length)[0];
      return fieldErrorsOf(closest.map((e) => ({ ...e, path: [...i.path, ...e.path] })));
    }
    // A key the schema does not know is the field to name (`samples.0.mouth`), not its object.
    const paths = i.code === 'unrecognized_keys' && i.keys && i.keys.length > 0 ? i.keys.map((k) => [...i.path, k]) : [i.path];
    return paths.map((path) => ({ field: path.map(String).join('.') || '(body)', message: i.message }));
  });
}
