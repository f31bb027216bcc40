import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { decodeNotice, encodeNotice, type EstimateNotice } from '../src/index.ts';

describe('estimate notices', () => {
  test('every notice reads back as it was written (estimates and reasons may hold any text, new lines too)', () => {
    const head = { sessionId: fc.uuid(), ticket: fc.integer({ min: -(2 ** 43), max: 2 ** 43 }) };
    const notice: fc.Arbitrary<EstimateNotice> = fc.oneof(
      fc.record({ ...head, outcome: fc.constant('estimated' as const), estimateJson: fc.json() }),
      fc.record({ ...head, outcome: fc.constant('gone' as const) }),
      fc.record({ ...head, outcome: fc.constant('failed' as const), reason: fc.string() }),
    );
    fc.assert(fc.property(notice, (n) => assert.deepEqual(decodeNotice(encodeNotice(n)), { ...n })));
  });

  test('a message that is not a notice is none', () => {
    for (const message of ['', 'hello', '12 abc estimated', '12 abc made\n{}', 'x abc gone\n', '12 abc gone extra\n', ' abc gone\n']) {
      assert.equal(decodeNotice(message), null, JSON.stringify(message));
    }
  });
});
