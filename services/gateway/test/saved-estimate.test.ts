import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { withSavedEstimate } from '../src/routes/samples.route.ts';

describe('a samples answer with the saved estimate spliced in', () => {
  test('is the text JSON.stringify gives for the merged object', () => {
    const answer = fc.record({ session_id: fc.uuid(), accepted: fc.nat(), stored: fc.nat(), refused: fc.array(fc.record({ field: fc.string(), message: fc.string() }), { maxLength: 3 }) });
    // The estimate's keys never collide with the answer's (an Estimate has none of them), nor are
    // they array indexes (which an object lists first, whatever order they were written in).
    const estimate = fc.dictionary(
      fc.string({ minLength: 1 }).filter((k) => !['session_id', 'accepted', 'stored', 'refused', 'estimate_age_ms', '__proto__'].includes(k) && !/^(0|[1-9]\d*)$/.test(k)),
      fc.jsonValue(),
      { maxKeys: 8 },
    );
    fc.assert(
      fc.property(answer, estimate, fc.integer({ min: 1, max: 1e7 }), (a, e, age) => {
        const text = withSavedEstimate(a, JSON.stringify(e), age);
        assert.equal(text, JSON.stringify({ ...a, ...e, estimate_age_ms: age }));
      }),
    );
  });

  test('an estimate saved with whitespace still gives valid JSON', () => {
    const text = withSavedEstimate({ session_id: 'x' }, ' { "heart_rate" : 71.5 } ', 5);
    assert.deepEqual(JSON.parse(text), { session_id: 'x', heart_rate: 71.5, estimate_age_ms: 5 });
  });
});
