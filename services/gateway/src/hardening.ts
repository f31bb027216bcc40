/**
 * HTTP hardening that applies to every route: security headers (helmet), CORS from an allowlist
 * (cors), request ids that are safe to log, and a bound on any request body's size before it is
 * read (JSON is bounded by its parser; this covers multipart too).
 */
import { randomUUID } from 'node:crypto';
import cors from 'cors';
import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { ApiError } from './errors.ts';

/** A client's X-Request-Id is kept only when it is short and plain; otherwise a fresh id. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export function requestId(header: string | undefined): string {
  return header && SAFE_REQUEST_ID.test(header) ? header : randomUUID();
}

/** Helmet, configured for the API, /docs and the page. */
export function helmetPolicy(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        // The page and /docs load only their own scripts; Swagger UI styles inline; the favicon is a data: URL.
        // The page's private mode compiles TensorFlow.js's WebAssembly (its own, served from /vision/wasm).
        'default-src': ["'self'"],
        'script-src': ["'self'", "'wasm-unsafe-eval'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'frame-ancestors': ["'none'"],
      },
    },
  });
}

/**
 * Helmet's headers, worked out by helmet once and set on every response in one step. This
 * configuration depends on nothing in the request (no nonces, no per-request directives), so
 * the headers helmet sets on one response are the ones it sets on all; its dozen middlewares then
 * cost one loop per request (a private-mode device posts every second). Checked by test against
 * helmet itself.
 */
export function securityHeaders(): RequestHandler {
  const set = new Map<string, string | number | readonly string[]>();
  const removed = new Set<string>();
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set.set(name, value);
      removed.delete(name.toLowerCase());
      return recorder;
    },
    removeHeader(name: string) {
      set.delete(name);
      removed.add(name.toLowerCase());
    },
  };
  let finished = false;
  helmetPolicy()({} as Request, recorder as unknown as Response, (err?: unknown) => {
    if (err) throw err;
    finished = true;
  });
  if (!finished) throw new Error('helmet did not finish synchronously: its headers cannot be worked out once');
  const headers = [...set];
  const removals = [...removed];
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    for (const name of removals) res.removeHeader(name);
    next();
  };
}

/** `*` allows any origin (the open local default); otherwise only the listed ones. */
export function corsPolicy(origins: string): RequestHandler {
  const allowed = origins.split(',').map((o) => o.trim()).filter(Boolean);
  return cors({
    origin: allowed.includes('*') ? '*' : allowed,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Authorization', 'X-API-Key', 'X-Request-Id'],
    exposedHeaders: ['Location', 'Retry-After', 'RateLimit', 'RateLimit-Policy', 'X-Request-Id'],
    maxAge: 600,
  });
}

/** Refuses a body whose Content-Length is larger than `maxBytes`, before reading any of it. */
export function bodySizeLimit(maxBytes: number): RequestHandler {
  return (req, _res, next) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    next(Number.isFinite(declared) && declared > maxBytes ? new ApiError('payload_too_large', `request body is larger than ${maxBytes} bytes`) : undefined);
  };
}

/**
 * Bounds a body sent without a Content-Length (chunked) as it streams: once past `maxBytes` the
 * request errors, and the parser reading it stops and answers 413. Call it in the same tick the
 * parser starts reading (a 'data' listener sets the stream flowing).
 */
export function limitStreamedBody(req: Request, maxBytes: number): void {
  if (req.headers['content-length'] !== undefined) return;
  let seen = 0;
  const count = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen <= maxBytes) return;
    req.off('data', count);
    req.emit('error', Object.assign(new Error(`request body is larger than ${maxBytes} bytes`), { type: 'entity.too.large' }));
  };
  req.on('data', count);
}
