/**
 * @pulsecam/client: a typed client for the Pulsecam API. The types are generated from the
 * gateway's /openapi.json (schema.ts, `npm run client:generate`), so a call that does not match
 * the contract does not compile; requests go through openapi-fetch.
 *
 *   const api = createPulsecamClient({ baseUrl: 'http://localhost:8000' });
 *   const session = unwrap(await api.POST('/create-session'));
 *   const auth = bearer(session.session_token);
 *   const answer = unwrap(await api.POST('/session/{id}/samples', { params: { path: { id: session.session_id } }, body: { samples }, ...auth }));
 *   console.log(answer.heart_rate);
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema.ts';

export type { components, paths };
/** The API's schemas by name (AnalyzeBatchResponse, SamplesResponse, Problem, ...). */
export type Schemas = components['schemas'];
export type PulsecamClient = Client<paths>;

export interface ClientOptions {
  /** Where the gateway is ('' for the same origin, as the web page uses it). */
  baseUrl?: string;
  /** With AUTH=keys: the API key, sent as X-API-Key on every call. */
  apiKey?: string | null;
  fetch?: typeof fetch;
}

/** An answer that is not a success (problem+json), or no answer at all (status 0, code "unreachable"). */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds from the Retry-After header, when the service sent one. */
    readonly retryAfter: number | null = null,
    /** Field-level errors (validation), when given. */
    readonly errors: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export function createPulsecamClient(options: ClientOptions = {}): PulsecamClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl ?? '', ...(options.fetch ? { fetch: options.fetch } : {}) });
  const apiKey = options.apiKey;
  if (apiKey) {
    client.use({
      onRequest({ request }) {
        request.headers.set('X-API-Key', apiKey);
        return request;
      },
    });
  }
  return client;
}

/** Request options carrying a session's (or a video job's) token. */
export function bearer(token: string): { headers: { Authorization: string } } {
  return { headers: { Authorization: `Bearer ${token}` } };
}

/**
 * Request options that send a multipart form as it is. The generated types describe file fields
 * as binary strings; a FormData carries Blobs, so it stands in for the typed body `T`.
 */
export function formBody<T>(form: FormData): { body: T; bodySerializer: () => FormData } {
  return { body: form as unknown as T, bodySerializer: () => form };
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/** The answer's body, or an ApiProblem for an error answer. */
export function unwrap<T>(result: Result<T>): T {
  const { data, error, response } = result;
  if (error === undefined && data !== undefined) return data;
  const problem = (error ?? {}) as Partial<Schemas['Problem']>;
  const retryAfter = Number(response.headers.get('retry-after'));
  throw new ApiProblem(
    response.status,
    String(problem.code ?? 'error'),
    String(problem.detail ?? response.statusText),
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    problem.errors ?? [],
  );
}

/** Runs a call; a network failure (nothing answered) becomes ApiProblem(0, 'unreachable'). */
export async function call<T>(request: () => Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await request();
  } catch (err) {
    if (err instanceof ApiProblem) throw err;
    throw new ApiProblem(0, 'unreachable', 'The Pulsecam service cannot be reached.');
  }
  return unwrap(result);
}
