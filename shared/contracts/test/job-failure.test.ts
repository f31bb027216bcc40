/** A worker's failure travels as JSON in the job's failed reason and reads back exactly; anything else has no code. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeJobFailure, encodeJobFailure } from '../src/index.ts';

test('a job failure reads back as it was written; prose, crashes and unknown codes carry no code', () => {
  const detail = 'not a readable video (moov atom not found): "quoted", and a colon: here';
  assert.deepEqual(decodeJobFailure(encodeJobFailure({ code: 'invalid_video', detail })), { code: 'invalid_video', detail });
  assert.deepEqual(decodeJobFailure('job stalled more than allowable limit'), { code: null, detail: 'job stalled more than allowable limit' });
  assert.deepEqual(decodeJobFailure('invalid_image: the old prose form'), { code: null, detail: 'invalid_image: the old prose form' });
  assert.deepEqual(decodeJobFailure('{"code":"made_up","detail":"x"}'), { code: null, detail: '{"code":"made_up","detail":"x"}' });
  assert.deepEqual(decodeJobFailure('{not json'), { code: null, detail: '{not json' });
  assert.throws(() => encodeJobFailure({ code: 'made_up' as never, detail: 'x' }));
});
