/**
 * fetch() as a well-behaved client uses the API: every call on a session carries that session's
 * token (remembered from its POST /create-session answer). Every secret handed out is also
 * written to test-artifacts/secrets.txt, so the last test can check that none reached a log.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { checkAnswer } from './contract.ts';

const root = path.resolve(import.meta.dirname, '../..');
export const SECRETS_FILE = path.join(root, 'test-artifacts', 'secrets.txt');

const tokens = new Map<string, string>();

/** Notes a secret the service handed out (for the no-secrets-in-logs check). */
export function rememberSecret(secret: string): void {
  mkdirSync(path.dirname(SECRETS_FILE), { recursive: true });
  appendFileSync(SECRETS_FILE, `${secret}\n`);
}

export function tokenOf(sessionId: string): string | undefined {
  return tokens.get(sessionId);
}

function sessionIdOf(url: string, body: unknown): string | undefined {
  const fromPath = /\/session\/([0-9a-f-]{36})/.exec(url)?.[1];
  if (fromPath) return fromPath;
  if (body instanceof FormData) return String(body.get('session_id') ?? '') || undefined;
  if (typeof body === 'string') {
    try {
      const id = (JSON.parse(body) as { session_id?: unknown }).session_id;
      return typeof id === 'string' ? id : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * fetch(), with the session's Bearer token added, new sessions' tokens remembered, and every
 * answer checked against the contract (support/contract.ts).
 */
export async function apiFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const id = sessionIdOf(url, init.body);
  const token = id ? tokens.get(id) : undefined;
  if (token && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(url, { ...init, headers });
  checkAnswer(init.method ?? 'GET', url, res.status, res.headers.get('content-type') ?? '', await res.clone().text());
  if (url.endsWith('/create-session') && res.status === 201) {
    const created = (await res.clone().json()) as { session_id: string; session_token: string };
    tokens.set(created.session_id, created.session_token);
    rememberSecret(created.session_token);
  }
  return res;
}
