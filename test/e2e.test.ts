/**
 * End to end: real Redis, the real gateway on a real port, two real worker processes, and a
 * 20 s synthetic video at 30 fps with a known heart rate.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { connectRedis, DueEstimates, savedEstimate, SessionStore } from '@pulsecam/store';
import { pulsingTrace } from '../shared/dsp/test/signals.ts';
import { renderScenario, type SyntheticVideo } from './support/frames.ts';
import { apiFetch, tokenOf } from './support/api.ts';
import { startService, type RunningService } from './support/service.ts';

interface Json {
  [k: string]: any;
}

async function post(base: string, path: string, body: unknown): Promise<{ status: number; body: Json; type: string }> {
  const res = await apiFetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Json, type: res.headers.get('content-type') ?? '' };
}

async function createSession(base: string): Promise<string> {
  const r = await post(base, '/create-session', {});
  assert.equal(r.status, 201);
  return r.body.session_id as string;
}

describe('the service end to end', { timeout: 600_000 }, () => {
  let service: RunningService;
  let video: SyntheticVideo;
  let truth: number;

  before(async () => {
    [service, video] = await Promise.all([startService({ workers: 2 }), renderScenario('still', 20)]);
    truth = video.truthBpm(10);
  });
  after(async () => {
    await service?.stop();
  });

  test('20 s at 30 fps through /analyze-batch gives the heart rate within 3 bpm', async (t) => {
    const id = await createSession(service.baseUrl);
    let last: Json = {};
    const batch = 30;
    for (let i = 0; i < video.frames.length; i += batch) {
      const images = video.frames.slice(i, i + batch).map((f) => ({ image_data: f.jpeg.toString('base64'), timestamp: f.timestampMs }));
      const r = await post(service.baseUrl, '/analyze-batch', { session_id: id, images });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.results.length, images.length);
      last = r.body;
    }
    assert.equal(last.faces_detected, 30);
    assert.ok(typeof last.heart_rate === 'number', `no heart rate: ${JSON.stringify(last)}`);
    assert.ok(Math.abs(last.heart_rate - truth) < 3, `batch: ${last.heart_rate} vs truth ${truth.toFixed(1)}`);
    t.diagnostic(`analyze-batch: ${last.heart_rate} bpm (${last.confidence}, quality ${last.signal_quality}) vs truth ${truth.toFixed(1)}`);
    assert.ok(last.buffer_seconds > 19);
    assert.notEqual(last.confidence, 'none');
    // Beyond the number: the waveform for display, beat intervals with RMSSD, breathing.
    assert.ok(last.waveform.values.length >= 100, 'waveform');
    assert.ok(last.waveform.values.every((v: number) => v >= -1 && v <= 1));
    assert.ok(last.hrv.ibi_ms.length >= 10, 'beat intervals');
    const meanIbi = last.hrv.ibi_ms.reduce((a: number, b: number) => a + b, 0) / last.hrv.ibi_ms.length;
    assert.ok(Math.abs(60000 / meanIbi - truth) < 5, `beat intervals give ${60000 / meanIbi} bpm`);
    // RMSSD and breathing rate are withheld (null) where the benchmark shows them inaccurate.
    assert.equal(last.hrv.rmssd_ms, null);
    assert.equal(last.respiration.rate, null);
    assert.ok(last.respiration.quality >= 0 && last.respiration.quality <= 1);
    assert.equal(last.pulse_detected, true);

    const status = await apiFetch(`${service.baseUrl}/session/${id}/status`).then((r) => r.json() as Promise<Json>);
    assert.equal(status.frames_received, video.frames.length);
    assert.equal(status.estimate.heart_rate, last.heart_rate);
  });

  test('the same video through /analyze-image, several frames in flight, gives the same answer', async (t) => {
    const id = await createSession(service.baseUrl);
    const responses: Json[] = new Array(video.frames.length);
    let next = 0;
    const inFlight = async () => {
      while (next < video.frames.length) {
        const i = next++;
        const f = video.frames[i];
        const r = await post(service.baseUrl, '/analyze-image', { session_id: id, image_data: f.jpeg.toString('base64'), timestamp: f.timestampMs });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        responses[i] = r.body;
      }
    };
    await Promise.all([inFlight(), inFlight(), inFlight(), inFlight()]);
    assert.ok(responses.every((r) => r.face_detected === true));
    const first = responses[0];
    assert.equal(first.heart_rate, null, 'no number from a single frame');
    assert.ok(first.guidance.includes('warming_up'));
    assert.ok(first.face_box.width > 50);

    // The newest answer is computed after the last frame lands; ask the session.
    const status = await apiFetch(`${service.baseUrl}/session/${id}/status`).then((r) => r.json() as Promise<Json>);
    const finalRate = await post(service.baseUrl, '/analyze-batch', {
      session_id: id,
      images: [{ image_data: video.frames.at(-1)!.jpeg.toString('base64'), timestamp: video.frames.at(-1)!.timestampMs + 33 }],
    });
    assert.ok(typeof finalRate.body.heart_rate === 'number');
    assert.ok(Math.abs(finalRate.body.heart_rate - truth) < 3, `image: ${finalRate.body.heart_rate} vs truth ${truth.toFixed(1)}`);
    t.diagnostic(`analyze-image: ${finalRate.body.heart_rate} bpm vs truth ${truth.toFixed(1)}; mean worker time ${(responses.reduce((a, r) => a + r.processing_ms, 0) / responses.length).toFixed(1)} ms/frame`);
    assert.equal(status.frames_received, video.frames.length);

    // Both workers took jobs.
    for (const port of service.workerMetricsPorts) {
      const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
      const m = /pulsecam_worker_frames_total\{outcome="face"\} (\d+)/.exec(text);
      assert.ok(m && Number(m[1]) > 50, `worker on ${port} processed ${m?.[1] ?? 0} frames`);
    }
    // The trace in Redis is in capture order and holds every frame.
    const redis = connectRedis(service.redisUrl);
    try {
      const store = new SessionStore(redis, service.prefix, { ttlSeconds: 300, maxSessions: 100, bufferSeconds: 30, bufferMaxSamples: 1800 });
      const trace = await store.trace(id);
      const times = trace.map((s) => s.t);
      assert.equal(times.length, video.frames.length + 1);
      for (let i = 1; i < times.length; i++) assert.ok(times[i] > times[i - 1], `trace out of order at ${i}`);
    } finally {
      await redis.quit();
    }
  });

  test('a batch is analysed in capture order and answered in the order sent; batches of one session sent together all land', async () => {
    const id = await createSession(service.baseUrl);
    const frames = video.frames.slice(0, 60);
    // One batch, shuffled: the worker sorts by capture time; the answer keeps the sent order.
    const shuffled = frames.slice(0, 20).map((f, i) => ({ f, key: (i * 7) % 20 })).sort((a, b) => a.key - b.key).map((x) => x.f);
    const one = await post(service.baseUrl, '/analyze-batch', { session_id: id, images: shuffled.map((f) => ({ image_data: f.jpeg.toString('base64'), timestamp: f.timestampMs })) });
    assert.equal(one.status, 200, JSON.stringify(one.body));
    assert.deepEqual(one.body.results.map((r: Json) => r.timestamp), shuffled.map((f) => f.timestampMs));
    assert.ok(one.body.results.every((r: Json) => r.face_detected));
    // Two more batches at once: one worker holds the session's stream at a time, the other job waits its turn.
    const rest = [frames.slice(20, 40), frames.slice(40, 60)];
    const answers = await Promise.all(
      rest.map((b) => post(service.baseUrl, '/analyze-batch', { session_id: id, images: b.map((f) => ({ image_data: f.jpeg.toString('base64'), timestamp: f.timestampMs })) })),
    );
    for (const a of answers) assert.equal(a.status, 200, JSON.stringify(a.body));
    const status = await apiFetch(`${service.baseUrl}/session/${id}/status`).then((r) => r.json() as Promise<Json>);
    assert.equal(status.frames_received, 60);
    assert.equal(status.faces_detected, 60);
    // After the first frame the face is followed, not searched for.
    let tracked = 0;
    let detected = 0;
    for (const port of service.workerMetricsPorts) {
      const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
      tracked += Number(/pulsecam_worker_frame_paths_total\{path="tracked"\} (\d+)/.exec(text)?.[1] ?? 0);
      tracked += Number(/pulsecam_worker_frame_paths_total\{path="held"\} (\d+)/.exec(text)?.[1] ?? 0);
      detected += Number(/pulsecam_worker_frame_paths_total\{path="detected"\} (\d+)/.exec(text)?.[1] ?? 0);
    }
    assert.ok(tracked > 10 * detected, `tracked ${tracked} frames, detected ${detected}`);
  });

  test('guidance tells a pause in the frames (frame_gap) from a lost face (no_face)', async () => {
    const grey = await sharp({ create: { width: 512, height: 512, channels: 3, background: { r: 110, g: 110, b: 110 } } }).jpeg().toBuffer();
    const send = async (id: string, frames: { jpeg: Buffer; timestampMs: number }[]) => {
      let last: Json = {};
      for (let i = 0; i < frames.length; i += 30) {
        const images = frames.slice(i, i + 30).map((f) => ({ image_data: f.jpeg.toString('base64'), timestamp: f.timestampMs }));
        const r = await post(service.baseUrl, '/analyze-batch', { session_id: id, images });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        last = r.body;
      }
      return last;
    };
    const before = video.frames.slice(0, 240);
    const after = video.frames.slice(330, 420);
    // 3 s with no frames at all.
    const paused = await send(await createSession(service.baseUrl), [...before, ...after]);
    assert.equal(paused.heart_rate, null);
    assert.deepEqual(paused.guidance, ['frame_gap'], JSON.stringify(paused));
    // The same 3 s filled with frames in which there is no face.
    const empty = video.frames.slice(240, 330).map((f) => ({ jpeg: grey, timestampMs: f.timestampMs }));
    const lost = await send(await createSession(service.baseUrl), [...before, ...empty, ...after]);
    assert.equal(lost.heart_rate, null);
    assert.deepEqual(lost.guidance, ['no_face'], JSON.stringify(lost));
  });

  test('one clock rule: frames far outside the session timeline are refused (422 naming the field), never stored then dropped; a retried batch is stored once', async () => {
    const id = await createSession(service.baseUrl);
    const frames = video.frames.slice(0, 30);
    const body = { session_id: id, images: frames.map((f) => ({ image_data: f.jpeg.toString('base64'), timestamp: f.timestampMs })) };
    assert.equal((await post(service.baseUrl, '/analyze-batch', body)).status, 200);
    // The client retries the same batch (a lost answer): nothing is stored or counted twice.
    assert.equal((await post(service.baseUrl, '/analyze-batch', body)).status, 200);
    const image = video.frames[30].jpeg.toString('base64');
    const noClock = await post(service.baseUrl, '/analyze-image', { session_id: id, image_data: image });
    assert.equal(noClock.status, 422, JSON.stringify(noClock.body));
    assert.equal(noClock.body.code, 'timestamp_out_of_range');
    assert.equal(noClock.body.errors[0].field, 'timestamp');
    const future = await post(service.baseUrl, '/analyze-image', { session_id: id, image_data: image, timestamp: 1e12 });
    assert.equal(future.status, 422);
    assert.match(future.body.detail, /expected -?\d+ to \d+ ms/);
    // In a batch, the frame that fits is analysed and the one that does not is answered in place.
    const mixed = await post(service.baseUrl, '/analyze-batch', {
      session_id: id,
      images: [{ image_data: image, timestamp: video.frames[30].timestampMs }, { image_data: image, timestamp: 1e12 }],
    });
    assert.equal(mixed.status, 200, JSON.stringify(mixed.body));
    assert.equal(mixed.body.refused, 1);
    assert.equal(mixed.body.results[0].face_detected, true);
    assert.match(mixed.body.results[1].error, /outside this session's timeline/);
    const status = await apiFetch(`${service.baseUrl}/session/${id}/status`).then((r) => r.json() as Promise<Json>);
    assert.equal(status.frames_received, 31, 'every accepted frame once, no refused one');
    assert.equal(status.estimate.buffer_seconds > 0.9, true, 'the trace was not cut by the refused frames');
    const redis = connectRedis(service.redisUrl);
    try {
      const store = new SessionStore(redis, service.prefix, { ttlSeconds: 300, maxSessions: 100, bufferSeconds: 30, bufferMaxSamples: 1800 });
      assert.deepEqual((await store.trace(id)).map((x) => x.t), video.frames.slice(0, 31).map((f) => f.timestampMs));
    } finally {
      await redis.quit();
    }
  });

  test('device-measured samples (no images): dark skin, weak pulse, 10 and 60 fps', async () => {
    for (const fps of [10, 60]) {
      const id = await createSession(service.baseUrl);
      const trace = pulsingTrace({ bpm: 64, seconds: 20, fps, amplitude: 0.0015, level: 0.35, noise: 0.02, jitter: 0.3, seed: fps });
      let last: Json = {};
      const chunk = fps * 2;
      for (let i = 0; i < trace.t.length; i += chunk) {
        const samples = trace.t.slice(i, i + chunk).map((t, j) => ({
          timestamp: 5_000_000 + t * 1000,
          r: trace.r[i + j],
          g: trace.g[i + j],
          b: trace.b[i + j],
        }));
        const r = await post(service.baseUrl, `/session/${id}/samples`, { samples });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.accepted, samples.length);
        last = r.body;
      }
      assert.ok(typeof last.heart_rate === 'number' && Math.abs(last.heart_rate - 64) < 3, `${fps} fps: ${last.heart_rate}`);
      // A post right after an estimate reuses it (SAMPLES_ESTIMATE_INTERVAL_MS, 1.5 s by default) and says how old it is.
      const fresh = await post(service.baseUrl, `/session/${id}/samples`, { samples: [{ timestamp: 5_000_000 + 20_100, r: trace.r[0], g: trace.g[0], b: trace.b[0] }] });
      const reused = await post(service.baseUrl, `/session/${id}/samples`, { samples: [{ timestamp: 5_000_000 + 20_200, r: trace.r[1], g: trace.g[1], b: trace.b[1] }] });
      assert.ok(fresh.body.estimate_age_ms >= 0 && fresh.body.estimate_age_ms < 1500, `estimate age ${fresh.body.estimate_age_ms}`);
      assert.ok(reused.body.estimate_age_ms > 0 && reused.body.estimate_age_ms < 1500, `reused estimate age ${reused.body.estimate_age_ms}`);
      assert.equal(reused.body.heart_rate, fresh.body.heart_rate);
    }
    const bad = await post(service.baseUrl, `/session/${await createSession(service.baseUrl)}/samples`, { samples: [{ timestamp: 0, r: 300, g: 1, b: 1 }] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'samples.0.r');
  });

  test('a background estimate (the session marked due while the workers are behind) brings the session estimate up to date', async () => {
    const id = await createSession(service.baseUrl);
    const trace = pulsingTrace({ bpm: 72, seconds: 22, fps: 10, amplitude: 0.003, level: 0.5, noise: 0.01, jitter: 0.2, seed: 7 });
    const samplesIn = (from: number, to: number) =>
      trace.t
        .map((t, i) => ({ timestamp: 7_000_000 + t * 1000, r: trace.r[i], g: trace.g[i], b: trace.b[i] }))
        .filter((s) => s.timestamp >= 7_000_000 + from * 1000 && s.timestamp < 7_000_000 + to * 1000);
    for (let s = 0; s < 20; s += 2) assert.equal((await post(service.baseUrl, `/session/${id}/samples`, { samples: samplesIn(s, s + 2) })).status, 200);
    // Less than SAMPLES_ESTIMATE_INTERVAL_MS more: stored, answered with the estimate there is.
    const extra = samplesIn(20, 21);
    const reused = await post(service.baseUrl, `/session/${id}/samples`, { samples: extra });
    assert.ok(reused.body.estimate_age_ms > 0, JSON.stringify(reused.body));
    const newest = extra[extra.length - 1].timestamp;
    const redis = connectRedis(service.redisUrl);
    try {
      const store = new SessionStore(redis, service.prefix, { ttlSeconds: 300, maxSessions: 100, bufferSeconds: 30, bufferMaxSamples: 1800 });
      const before = await store.meta(id);
      assert.ok((before?.estimatedThroughTs ?? 0) < newest);
      // As the gateway marks it (scored by its estimate's time); a worker's refresher takes it.
      await new DueEstimates(redis, service.prefix).mark(id, before!.estimatedAt!);
      const deadline = Date.now() + 60_000;
      let meta = await store.meta(id);
      while (meta?.estimatedThroughTs !== newest && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        meta = await store.meta(id);
      }
      assert.equal(meta?.estimatedThroughTs, newest, 'the worker estimated the session through its newest sample and kept it');
      const estimate = savedEstimate(meta!) as Json;
      assert.ok(typeof estimate.heart_rate === 'number' && Math.abs(estimate.heart_rate - 72) < 3, JSON.stringify(estimate));
    } finally {
      await redis.quit();
    }
  });

  test('a frame with no face is a result: face_detected false and no number', async () => {
    const id = await createSession(service.baseUrl);
    const grey = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 128, g: 120, b: 110 } } }).jpeg().toBuffer();
    const r = await post(service.baseUrl, '/analyze-image', { session_id: id, image_data: `data:image/jpeg;base64,${grey.toString('base64')}` });
    assert.equal(r.status, 200);
    assert.equal(r.body.face_detected, false);
    assert.equal(r.body.heart_rate, null);
    assert.equal(r.body.confidence, 'none');
    assert.deepEqual(r.body.guidance, ['no_face']);
    assert.equal(r.body.face_box, null);
  });

  test('multipart upload and ?async=true with GET /jobs/{id}', async () => {
    const id = await createSession(service.baseUrl);
    const png = await sharp(video.frames[0].jpeg).png().toBuffer();
    const form = new FormData();
    form.set('session_id', id);
    form.set('timestamp', '1000');
    form.set('image', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'frame.png');
    const res = await apiFetch(`${service.baseUrl}/analyze-image?async=true`, { method: 'POST', body: form });
    assert.equal(res.status, 202);
    const accepted = (await res.json()) as Json;
    let job: Json = {};
    // A job is its session's: without the token, or with another session's, it does not exist.
    const other = await createSession(service.baseUrl);
    for (const headers of [{}, { authorization: `Bearer ${tokenOf(other)}` }] as Record<string, string>[]) {
      const hidden = await fetch(service.baseUrl + accepted.status_url, { headers });
      assert.equal(hidden.status, 404);
      assert.equal(((await hidden.json()) as Json).code, 'job_not_found');
    }
    const owner = { authorization: `Bearer ${tokenOf(id)}` };
    for (let i = 0; i < 100; i++) {
      job = await fetch(service.baseUrl + accepted.status_url, { headers: owner }).then((r) => r.json() as Promise<Json>);
      if (job.state === 'completed' || job.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(job.state, 'completed', JSON.stringify(job));
    assert.equal(job.result.face_detected, true);
    assert.equal(job.result.timestamp, 1000);

    // A whole batch is one job; its result is the batch answer.
    const batch = await apiFetch(`${service.baseUrl}/analyze-batch?async=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: id, images: video.frames.slice(1, 4).map((f) => ({ image_data: f.jpeg.toString('base64'), timestamp: 1000 + f.timestampMs })) }),
    });
    assert.equal(batch.status, 202);
    const queued = (await batch.json()) as Json;
    assert.equal(queued.session_status_url, `/session/${id}/status`);
    for (let i = 0; i < 100; i++) {
      job = await fetch(service.baseUrl + queued.status_url, { headers: owner }).then((r) => r.json() as Promise<Json>);
      if (job.state === 'completed' || job.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(job.state, 'completed', JSON.stringify(job));
    assert.equal(job.result.results.length, 3);
    assert.equal(job.result.faces_detected, 3);
  });

  test('an image the workers cannot decode is a 400 naming the field', async () => {
    const id = await createSession(service.baseUrl);
    // A valid JPEG signature followed by garbage passes the gateway's sniffing; sharp refuses it.
    const broken = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);
    const r = await post(service.baseUrl, '/analyze-image', { session_id: id, image_data: broken.toString('base64') });
    assert.equal(r.status, 400);
    assert.match(r.type, /application\/problem\+json/);
    assert.equal(r.body.code, 'invalid_image');
    assert.equal(r.body.errors[0].field, 'image_data');
    // The decoder's own words (libvips internals) are logged by the worker, never returned.
    assert.doesNotMatch(JSON.stringify(r.body), /vips|libjpeg|premature|marker|Input buffer/i);
  });
});
