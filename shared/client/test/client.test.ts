import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ApiProblem, bearer, call, createPulsecamClient } from '../src/index.ts';
import { generateClientSchema, SCHEMA_FILE } from '../../../scripts/generate-client.ts';
import { freePort, startService, type RunningService } from '../../../test/support/service.ts';
import { rememberSecret } from '../../../test/support/api.ts';

describe('@pulsecam/client', () => {
  test('schema.ts is generated from the current contract (run npm run client:generate after changing it)', async () => {
    assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), await generateClientSchema());
  });

  describe('against the real gateway', { timeout: 120_000 }, () => {
    let service: RunningService;
    before(async () => {
      service = await startService({ workers: 1 });
    });
    after(async () => {
      await service?.stop();
    });

    test('a session created, read and deleted; errors arrive as ApiProblem with their code and fields', async () => {
      const api = createPulsecamClient({ baseUrl: service.baseUrl });
      const session = await call(() => api.POST('/create-session'));
      rememberSecret(session.session_token);
      const auth = bearer(session.session_token);
      const path = { id: session.session_id };
      const status = await call(() => api.GET('/session/{id}/status', { params: { path }, ...auth }));
      assert.equal(status.session_id, session.session_id);
      assert.equal(status.frames_received, 0);
      const refused = await call(() => api.POST('/session/{id}/samples', { params: { path }, body: { samples: [{ timestamp: 0, r: 300, g: 1, b: 1 }] }, ...auth })).catch((e: unknown) => e);
      assert.ok(refused instanceof ApiProblem, String(refused));
      assert.equal(refused.status, 400);
      assert.equal(refused.code, 'validation_failed');
      assert.equal(refused.errors[0].field, 'samples.0.r');
      const wrongToken = await call(() => api.GET('/session/{id}/status', { params: { path }, ...bearer('pst_not-the-token') })).catch((e: unknown) => e);
      assert.ok(wrongToken instanceof ApiProblem && wrongToken.code === 'session_not_found');
      const deleted = await call(() => api.DELETE('/session/{id}', { params: { path }, ...auth }));
      assert.equal(deleted.session_id, session.session_id);
    });

    test('nothing listening: ApiProblem "unreachable"', async () => {
      const api = createPulsecamClient({ baseUrl: `http://127.0.0.1:${await freePort()}` });
      const err = await call(() => api.GET('/health')).catch((e: unknown) => e);
      assert.ok(err instanceof ApiProblem);
      assert.equal(err.code, 'unreachable');
      assert.equal(err.status, 0);
    });
  });
});
