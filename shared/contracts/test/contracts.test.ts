import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { jobs, requestSchemas } from '../src/index.ts';

describe('job payloads', () => {
  const frame = { image_b64: 'abcd', timestamp_ms: 1234.5 };
  const good = { session_id: randomUUID(), frames: [frame], estimate: 'always', reply: 'batch' };
  test('a well-formed frames job passes', () => {
    assert.equal(jobs['frames.analyze'].payload.safeParse(good).success, true);
  });
  test('bad session id, no frames, empty image, negative time, unknown estimate mode are refused', () => {
    const bads = [
      { ...good, session_id: 'x' },
      { ...good, frames: [] },
      { ...good, frames: [{ ...frame, image_b64: '' }] },
      { ...good, frames: [{ ...frame, timestamp_ms: -1 }] },
      { ...good, estimate: true },
      { ...good, reply: undefined },
    ];
    for (const bad of bads) assert.equal(jobs['frames.analyze'].payload.safeParse(bad).success, false, JSON.stringify(bad));
  });
});

describe('request schemas', () => {
  const { AnalyzeImageRequest, AnalyzeBatchRequest, SamplesRequest } = requestSchemas({ maxBatchImages: 2, maxSamples: 3 });
  test('timestamp is optional; image_data required', () => {
    assert.equal(AnalyzeImageRequest.safeParse({ session_id: randomUUID(), image_data: 'x' }).success, true);
    const r = AnalyzeImageRequest.safeParse({ session_id: randomUUID() });
    assert.equal(r.success, false);
    assert.deepEqual(r.error?.issues[0].path, ['image_data']);
  });
  test('batch size is limited by configuration', () => {
    const img = { image_data: 'x' };
    assert.equal(AnalyzeBatchRequest.safeParse({ session_id: randomUUID(), images: [img, img] }).success, true);
    assert.equal(AnalyzeBatchRequest.safeParse({ session_id: randomUUID(), images: [img, img, img] }).success, false);
    assert.equal(AnalyzeBatchRequest.safeParse({ session_id: randomUUID(), images: [] }).success, false);
  });
  test('samples: 0-255 colour, non-negative time, limited count', () => {
    const ok = { timestamp: 0, r: 150, g: 110.5, b: 90 };
    assert.equal(SamplesRequest.safeParse({ samples: [ok] }).success, true);
    assert.equal(SamplesRequest.safeParse({ samples: [{ ...ok, g: 300 }] }).success, false);
    assert.equal(SamplesRequest.safeParse({ samples: [{ ...ok, timestamp: -5 }] }).success, false);
    assert.equal(SamplesRequest.safeParse({ samples: [ok, ok, ok, ok] }).success, false);
  });
});
