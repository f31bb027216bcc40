import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import express, { type RequestHandler } from 'express';
import { helmetPolicy, securityHeaders } from '../src/hardening.ts';

/** The headers a real HTTP response carries through `middleware` (without the per-response date). */
async function headersThrough(middleware: RequestHandler, path: string, preset?: [string, string]): Promise<Record<string, string>> {
  const app = express();
  app.disable('x-powered-by');
  if (preset) app.use((_req, res, next) => (res.setHeader(...preset), next()));
  app.use(middleware);
  app.get(/.*/, (_req, res) => res.type('application/json').send('{"ok":true}'));
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, { headers: { origin: 'https://example.org' } });
    await res.arrayBuffer();
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      if (name !== 'date') headers[name] = value;
    });
    return headers;
  } finally {
    await new Promise((r) => server.close(r));
  }
}

describe('security headers worked out once', () => {
  test('every response carries exactly the headers helmet itself sets', async () => {
    for (const path of ['/session/x/samples', '/docs/', '/']) {
      const byHelmet = await headersThrough(helmetPolicy(), path);
      assert.ok(byHelmet['content-security-policy']?.includes("default-src 'self'"), 'helmet set its policy');
      assert.deepEqual(await headersThrough(securityHeaders(), path), byHelmet, path);
    }
  });

  test('a header helmet removes is removed (X-Powered-By set before it)', async () => {
    const byHelmet = await headersThrough(helmetPolicy(), '/', ['X-Powered-By', 'Express']);
    assert.equal(byHelmet['x-powered-by'], undefined);
    assert.deepEqual(await headersThrough(securityHeaders(), '/', ['X-Powered-By', 'Express']), byHelmet);
  });
});
