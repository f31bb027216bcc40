/**
 * A bounded overload on loopback: more live clients than one worker can serve, for ~30 s. Nothing
 * may fail with a 5xx other than a 503 refusal with Retry-After (no 504 after a long wait), and
 * every session must hold exactly the frames its 200 answers accepted.
 */
import { redisPrefix } from '@pulsecam/contracts';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectRedis } from '@pulsecam/store';
import { renderScenario, type SyntheticVideo } from './support/frames.ts';
import { apiFetch } from './support/api.ts';
import { startService, type RunningService } from './support/service.ts';

const CLIENTS = 8;
const SECONDS = 30;
const BATCH = 10;

describe('bounded overload', { timeout: 300_000 }, () => {
  let service: RunningService;
  let video: SyntheticVideo;
  before(async () => {
    [service, video] = await Promise.all([startService({ workers: 1, env: { MAX_QUEUED_JOBS: '2', JOB_TIMEOUT_MS: '20000' } }), renderScenario('still', 2)]);
  });
  after(async () => {
    await service?.stop();
  });

  test(`${CLIENTS} clients posting a batch a second to one worker for ${SECONDS} s: refusals are fast 503s with Retry-After, accepted frames are all stored`, async (t) => {
    const statuses: Record<string, number> = {};
    const sessions: { id: string; accepted: number }[] = [];
    let refusalsWithoutRetryAfter = 0;
    const end = Date.now() + SECONDS * 1000;
    const client = async (k: number) => {
      const created = await apiFetch(`${service.baseUrl}/create-session`, { method: 'POST' });
      const id = ((await created.json()) as { session_id: string }).session_id;
      const mine = { id, accepted: 0 };
      sessions.push(mine);
      let sent = 0;
      await new Promise((r) => setTimeout(r, (k * 1000) / CLIENTS));
      while (Date.now() < end) {
        const started = Date.now();
        const images = Array.from({ length: BATCH }, (_, i) => {
          const n = sent + i;
          return { image_data: video.frames[n % video.frames.length].jpeg.toString('base64'), timestamp: n * 33.3 };
        });
        const res = await apiFetch(`${service.baseUrl}/analyze-batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session_id: id, images }) });
        const body = (await res.json()) as { results?: unknown[]; code?: string };
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        let wait = 1000 - (Date.now() - started);
        if (res.status === 200) {
          mine.accepted += body.results!.length;
          sent += BATCH;
        } else if (res.status === 503 || res.status === 429) {
          const retry = Number(res.headers.get('retry-after'));
          if (!(retry > 0)) refusalsWithoutRetryAfter++;
          wait = Math.max(wait, retry * 1000);
        }
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, k) => client(k)));
    t.diagnostic(`answers: ${JSON.stringify(statuses)}; frames accepted ${sessions.reduce((a, s) => a + s.accepted, 0)}`);
    for (const status of Object.keys(statuses).map(Number)) assert.ok(status === 200 || status === 503, `status ${status}`);
    assert.equal(refusalsWithoutRetryAfter, 0);
    assert.ok((statuses[200] ?? 0) > 0, 'some batches were answered');
    const redis = connectRedis(service.redisUrl);
    try {
      for (const s of sessions) {
        assert.equal(await redis.zcard(`${redisPrefix(service.prefix)}:session:${s.id}:trace`), s.accepted, `session ${s.id}: stored = accepted`);
      }
    } finally {
      redis.disconnect();
    }
  });
});
