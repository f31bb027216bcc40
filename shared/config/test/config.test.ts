import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, launchedWorkerSettings, loadGatewayConfig, loadLauncherConfig, loadWorkerConfig } from '../src/index.ts';

describe('configuration', () => {
  test('defaults', () => {
    const g = loadGatewayConfig({});
    assert.equal(g.PORT, 8000);
    assert.equal(g.REDIS_URL, 'redis://127.0.0.1:6379');
    assert.equal(g.MAX_SESSIONS, 100);
    assert.equal(g.SESSION_TTL_SECONDS, 300);
    const w = loadWorkerConfig({});
    assert.equal(w.TF_BACKEND, 'wasm');
    assert.equal(loadLauncherConfig({}).WORKERS, 2);
  });

  test('the launcher runs device-session estimators in the first REFRESHER_WORKERS workers only', () => {
    const launcher = loadLauncherConfig({ WORKERS: '3' });
    assert.equal(launcher.REFRESHER_WORKERS, 1);
    assert.deepEqual(launchedWorkerSettings(launcher, 0), {});
    assert.deepEqual(launchedWorkerSettings(launcher, 1), { ESTIMATE_REFRESHERS: '0' });
    assert.deepEqual(launchedWorkerSettings(launcher, 2), { ESTIMATE_REFRESHERS: '0' });
    const two = loadLauncherConfig({ WORKERS: '3', REFRESHER_WORKERS: '2' });
    assert.deepEqual([0, 1, 2].map((i) => launchedWorkerSettings(two, i)), [{}, {}, { ESTIMATE_REFRESHERS: '0' }]);
    // What a worker started with those settings runs.
    assert.equal(loadWorkerConfig(launchedWorkerSettings(launcher, 1)).ESTIMATE_REFRESHERS, 0);
    assert.equal(loadWorkerConfig(launchedWorkerSettings(launcher, 0)).ESTIMATE_REFRESHERS, 4);
    assert.throws(() => loadLauncherConfig({ REFRESHER_WORKERS: '0' }), /REFRESHER_WORKERS/);
  });

  test('coerces numbers and treats empty strings as unset', () => {
    const g = loadGatewayConfig({ PORT: '9000', MAX_SESSIONS: '', SESSION_TTL_SECONDS: '60' });
    assert.equal(g.PORT, 9000);
    assert.equal(g.MAX_SESSIONS, 100);
    assert.equal(g.SESSION_TTL_SECONDS, 60);
  });

  test('names every bad setting in one error', () => {
    assert.throws(
      () => loadWorkerConfig({ TF_BACKEND: 'cuda', DETECTOR_INPUT_SIZE: '300', REDIS_URL: 'http://x' }),
      (err: unknown) =>
        err instanceof ConfigError && /TF_BACKEND/.test(err.message) && /DETECTOR_INPUT_SIZE/.test(err.message) && /REDIS_URL/.test(err.message),
    );
  });
});
