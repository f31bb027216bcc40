/**
 * Private mode, the service's side: a device that runs the vision itself sends, per frame, the
 * same observation a worker would store (regions, pose, background, face found or not). Through a
 * real service (gateway + a worker, real Redis), such a trace must be estimated exactly as the
 * same frames uploaded as images would be, and malformed observations must be refused naming the
 * field. The device is simulated by the vision code in this process (the page runs the same code
 * in the browser: test/web.e2e.test.ts). The service keeps each session's tracker windows between
 * estimates; the test checks that they are stored and reused unchanged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { detectorFromConfig, estimateSessionTracked, pipelineFromConfig } from '@pulsecam/analysis';
import { loadWorkerConfig } from '@pulsecam/config';
import { richSampleOf, sessionKeys, type RichSample } from '@pulsecam/contracts';
import { DEFAULT_PULSECAM_OPTIONS, type TrackerHistory } from '@pulsecam/dsp';
import { connectRedis, decodeTracker } from '@pulsecam/store';
import { meanHeartRate, scenario, SceneRenderer } from '@pulsecam/synth';
import { renderTrace } from '../bench/render-trace.ts';
import type { CachedTrace } from '../bench/trace-cache.ts';
import { apiFetch } from './support/api.ts';
import { portraitTemplate } from './support/frames.ts';
import { startService, type RunningService } from './support/service.ts';

const config = loadWorkerConfig({});
const settings = { method: 'pulsecam' as const, minSignalSeconds: config.MIN_SIGNAL_SECONDS, windowSeconds: config.WINDOW_SECONDS };

/** Every frame of the trace as the device would send it: an observation, or "no face". */
function richSamples(trace: CachedTrace, fromMs: number, toMs: number): RichSample[] {
  const byTime = new Map(trace.samples.map((s) => [s.t, s]));
  return trace.frameTimes
    .filter((t) => t > fromMs && t <= toMs)
    .map((t) => {
      const s = byTime.get(t);
      return s ? richSampleOf(s) : { timestamp: t, face: false };
    });
}

describe('rich device samples through the service', { timeout: 600_000 }, () => {
  let service: RunningService;
  let trace: CachedTrace;
  let truth: number;
  before(async () => {
    const sc = scenario('mild_motion');
    const pipeline = pipelineFromConfig(await detectorFromConfig(config), config);
    trace = await renderTrace(sc, await portraitTemplate(), pipeline);
    truth = meanHeartRate(new SceneRenderer(sc.spec, await portraitTemplate()).physiology, 0, sc.spec.durationSeconds);
    // Every post estimated afresh, to compare each second with the server path.
    service = await startService({ workers: 1, env: { SAMPLES_ESTIMATE_INTERVAL_MS: '0' } });
  });
  after(async () => {
    await service?.stop();
  });

  const post = (path: string, body: unknown) =>
    apiFetch(service.baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  test('a second at a time, the answers equal the server path on the same frames (MAE between paths ≤ 0.5 bpm); the tracker windows are kept and reused', async (t) => {
    const created = (await (await post('/create-session', {})).json()) as { session_id: string };
    const id = created.session_id;
    const device: (number | null)[] = [];
    const server: (number | null)[] = [];
    const end = trace.frameTimes[trace.frameTimes.length - 1];
    const redis = connectRedis(service.redisUrl);
    const trackerKey = sessionKeys(service.prefix, id).tracker;
    const kept: TrackerHistory[] = [];
    let serverTracker: TrackerHistory | null = null;
    for (let second = 1; second * 1000 <= end + 1; second++) {
      const batch = richSamples(trace, (second - 1) * 1000, second * 1000);
      const res = await post(`/session/${id}/samples`, { session_id: id, samples: batch });
      const body = (await res.json()) as { heart_rate: number | null; accepted: number; refused: unknown[] };
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.equal(body.accepted, batch.length);
      device.push(body.heart_rate);
      // The server path: the same frames' samples as a worker stores them, estimated by the worker's code.
      const nowMs = second * 1000;
      const samples = trace.samples.filter((s) => s.t <= nowMs && s.t > nowMs - config.BUFFER_SECONDS * 1000);
      const frames = trace.frameTimes.filter((f) => f <= nowMs);
      const noFaceTimes = frames.filter((f) => !samples.some((s) => s.t === f));
      // As a live session's estimates do, each hands its tracker windows to the next.
      const tracked = estimateSessionTracked(samples, { lastFrameTs: frames[frames.length - 1], noFaceTimes }, settings, serverTracker);
      serverTracker = tracked.tracker;
      server.push(tracked.estimate.heart_rate);
      const stored = decodeTracker(await redis.getBuffer(trackerKey));
      if (stored) kept.push(stored);
    }
    await redis.quit();
    // The service kept the tracker's windows with its estimates, and later estimates reused them:
    // a window analysed again on a longer buffer would come out with other numbers.
    assert.ok(kept.length >= 5, `tracker kept after ${kept.length} posts`);
    const [older, newest] = [kept[kept.length - 4], kept[kept.length - 1]];
    const shared = older.windows.filter((w) => newest.windows.some((n) => n.endT === w.endT));
    // Three posts (3 s) apart: at most the windows that passed out of the tracker's history in
    // that time, and one a late sample made stale, are not in both.
    const mayLeave = Math.ceil(3 / DEFAULT_PULSECAM_OPTIONS.stepSeconds) + 1;
    assert.ok(shared.length >= 3 && shared.length >= older.windows.length - mayLeave, `windows in both: ${shared.length} of ${older.windows.length}`);
    for (const w of shared) {
      const again = newest.windows.find((n) => n.endT === w.endT)!;
      assert.deepEqual(Array.from(again.emission), Array.from(w.emission), `window ending ${w.endT} s was reused as it was`);
    }
    const both = device.map((d, i) => [d, server[i]] as const).filter(([d, s]) => d !== null && s !== null);
    const mae = both.reduce((a, [d, s]) => a + Math.abs(d! - s!), 0) / both.length;
    const sameVerdict = device.filter((d, i) => (d === null) === (server[i] === null)).length / device.length;
    const deviceAnswers = device.filter((d): d is number => d !== null);
    t.diagnostic(`device vs server: ${both.length} seconds answered by both, MAE between paths ${mae.toFixed(3)} bpm, same answered/withheld ${(sameVerdict * 100).toFixed(0)} %; device median ${deviceAnswers.sort((a, b) => a - b)[Math.floor(deviceAnswers.length / 2)]} (truth ${truth.toFixed(1)})`);
    assert.ok(both.length >= 10, `answered by both in ${both.length} seconds`);
    assert.ok(mae <= 0.5, `MAE between the paths ${mae}`);
    assert.ok(sameVerdict >= 0.9, `the same seconds answered in ${sameVerdict}`);
  });

  test('malformed observations: 400 problem+json naming the field; plain samples still work', async () => {
    const created = (await (await post('/create-session', {})).json()) as { session_id: string };
    const id = created.session_id;
    const refuse = async (sample: unknown, field: string, message?: string) => {
      const res = await post(`/session/${id}/samples`, { samples: [sample] });
      const body = (await res.json()) as { code: string; errors: { field: string; message: string }[] };
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.equal(body.code, 'validation_failed');
      assert.ok(body.errors.some((e) => e.field === field && (message === undefined || e.message === message)), `expected ${field} (${message ?? 'any message'}), got ${JSON.stringify(body.errors)}`);
    };
    await refuse({ timestamp: 1, face: true, skin: [1, 2, 3], regions: [[1, 2, 3], [4, 5, 300], [1, 2, 3]] }, 'samples.0.regions.1.2');
    await refuse({ timestamp: 1, face: true }, 'samples.0.skin');
    await refuse({ timestamp: 1, face: false, skin: [1, 2, 3] }, 'samples.0.skin', 'a frame without a face carries no colours or pose');
    await refuse({ timestamp: 1, skin: [1, 2, 3] }, 'samples.0.face');
    await refuse({ timestamp: 1, face: true, skin: [1, 2, 3], pose: [10, 10, -4, 0] }, 'samples.0.pose.2');
    await refuse({ timestamp: 1, face: true, skin: [1, 2, 3], mouth: [1, 2, 3] }, 'samples.0.mouth');
    await refuse({ timestamp: 1, r: 300, g: 1, b: 1 }, 'samples.0.r');
    const plain = await post(`/session/${id}/samples`, { samples: [{ timestamp: 1, r: 120, g: 90, b: 80 }, { timestamp: 34, face: false }] });
    const body = (await plain.json()) as { accepted: number; stored: number };
    assert.equal(plain.status, 200, JSON.stringify(body));
    assert.equal(body.accepted, 2);
  });
});
