/**
 * Every answer of the API, by route and status: the one table the OpenAPI document's response
 * bodies come from and that the integration tests check each answer against. Errors (4xx/5xx)
 * are problem+json everywhere, except /ready's 503 (a readiness report).
 */
import { z } from 'zod';
import {
  AnalyzeBatchResponse,
  AnalyzeImageResponse,
  BatchAccepted,
  CreateSessionResponse,
  DeleteSessionResponse,
  HealthResponse,
  JobAccepted,
  JobStatus,
  Problem,
  ReadyResponse,
  SamplesResponse,
  SessionList,
  SessionStatus,
  StatusResponse,
  VideoAccepted,
  VideoJobStatus,
} from './api.ts';

/** Success (and /ready's not-ready) bodies by "METHOD /path/{param}" and status. */
export const API_RESPONSES = {
  'POST /create-session': { 201: CreateSessionResponse },
  'GET /session/{id}/status': { 200: SessionStatus },
  'DELETE /session/{id}': { 200: DeleteSessionResponse },
  'GET /sessions': { 200: SessionList },
  'POST /analyze-image': { 200: AnalyzeImageResponse, 202: JobAccepted },
  'POST /analyze-batch': { 200: AnalyzeBatchResponse, 202: BatchAccepted },
  'POST /session/{id}/samples': { 200: SamplesResponse },
  'POST /analyze-video': { 202: VideoAccepted },
  'GET /jobs/{id}': { 200: z.union([JobStatus, VideoJobStatus]) },
  'GET /health': { 200: HealthResponse },
  'GET /ready': { 200: ReadyResponse, 503: ReadyResponse },
  'GET /status': { 200: StatusResponse },
} as const satisfies Record<string, Partial<Record<number, z.ZodType>>>;

export type ApiRoute = keyof typeof API_RESPONSES;

const TEMPLATES = (Object.keys(API_RESPONSES) as ApiRoute[]).map((route) => {
  const [method, path] = route.split(' ');
  const pattern = new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
  return { route, method, pattern };
});

/** The documented route a request went to (null for paths outside the API: the page, /docs, /metrics). */
export function apiRouteOf(method: string, pathname: string): ApiRoute | null {
  const upper = method.toUpperCase();
  return TEMPLATES.find((t) => t.method === upper && t.pattern.test(pathname))?.route ?? null;
}

/**
 * The schema an answer must match: the route's body for that status, problem+json for any other
 * error; null when the API documents no body (e.g. a 2xx it never sends) or the path is not the API's.
 */
export function responseSchema(method: string, pathname: string, status: number): z.ZodType | null {
  const route = apiRouteOf(method, pathname);
  if (!route) return null;
  const bodies = API_RESPONSES[route] as Partial<Record<number, z.ZodType>>;
  return bodies[status] ?? (status >= 400 ? Problem : null);
}
