import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { z } from 'zod';
import { requestSchemas } from '@pulsecam/contracts';
import { compileJsonValidator, describedByJsonSchema } from '../src/json-validator.ts';
import { parseJsonOrThrow } from '../src/validate.ts';

const { SamplesRequest } = requestSchemas({ maxBatchImages: 16, maxSamples: 20 });

const colour = fc.double({ min: 0, max: 255, noNaN: true });
const rgb = fc.tuple(colour, colour, colour);
const timestamp = fc.double({ min: 0, max: 2e12, noNaN: true });
const faceFrame = fc.record(
  {
    timestamp,
    face: fc.constant(true),
    skin: rgb,
    regions: fc.tuple(rgb, rgb, rgb),
    pixels: fc.tuple(fc.nat(5000), fc.nat(5000), fc.nat(5000)),
    background: rgb,
    pose: fc.tuple(fc.double({ min: -50, max: 500, noNaN: true }), fc.double({ min: -50, max: 500, noNaN: true }), fc.double({ min: 0.01, max: 300, noNaN: true }), fc.double({ min: -Math.PI, max: Math.PI, noNaN: true })),
  },
  { requiredKeys: ['timestamp', 'face', 'skin'] },
);
const noFaceFrame = fc.record({ timestamp, face: fc.constant(false) });
const plain = fc.record({ timestamp, r: colour, g: colour, b: colour });
const validSample = fc.oneof(faceFrame, noFaceFrame, plain);

/** A value a field might wrongly hold: out of a colour's range, the wrong type, a tuple a value short or long. */
const wrongValue = fc.oneof(
  fc.constantFrom(-0.0001, 255.0001, -1, 1e300, 3.5, Math.PI + 0.01, 0, true, false, null, 'x', [], {}),
  fc.array(fc.double({ min: -1, max: 256, noNaN: true }), { maxLength: 5 }),
  fc.jsonValue({ maxDepth: 1 }),
);
const key = fc.constantFrom('timestamp', 'face', 'skin', 'regions', 'pixels', 'background', 'pose', 'r', 'g', 'b', 'mouth');

/** Sets `value` at a path of indexes into `target` (a copy), or deletes the key when `value` is undefined. */
function mutated(sample: Record<string, unknown>, field: string, path: number[], value: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(sample)) as Record<string, unknown>;
  if (value === undefined) {
    delete copy[field];
    return copy;
  }
  let holder: Record<string | number, unknown> = copy;
  let at: string | number = field;
  for (const i of path) {
    const next: unknown = holder[at];
    if (!Array.isArray(next) || next.length === 0) break;
    holder = next as unknown as Record<number, unknown>;
    at = i % next.length;
  }
  holder[at] = value;
  return copy;
}

/** Valid samples, each changed in one place (a value replaced deep in a tuple, a key removed or added) now and then. */
const sample = fc.oneof(
  { weight: 3, arbitrary: validSample },
  {
    weight: 1,
    arbitrary: fc
      .tuple(validSample, key, fc.array(fc.nat(3), { maxLength: 2 }), fc.option(wrongValue, { nil: undefined }))
      .map(([s, field, path, value]) => mutated(s as Record<string, unknown>, field, path, value)),
  },
);

describe('a request body checked by the check compiled from its zod schema', () => {
  test('accepts exactly the samples zod accepts, and then the body is what zod returns', (t) => {
    const check = compileJsonValidator(SamplesRequest);
    assert.ok(check, 'SamplesRequest has a compiled check');
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof({ weight: 9, arbitrary: fc.array(sample, { maxLength: 4 }) }, { weight: 1, arbitrary: fc.array(validSample, { minLength: 19, maxLength: 22 }) }), (samples) => {
        // Through JSON, as the body parser would give it (-0 and the like as JSON writes them).
        const body = JSON.parse(JSON.stringify({ samples }));
        const byZod = SamplesRequest.safeParse(body);
        assert.equal(check(body), byZod.success, JSON.stringify(byZod.error?.issues[0] ?? body));
        if (byZod.success) {
          accepted++;
          assert.deepEqual(parseJsonOrThrow(SamplesRequest, body), byZod.data);
        }
      }),
      { numRuns: 3000 },
    );
    t.diagnostic(`${accepted} of 3000 bodies valid`);
    // The arbitraries must reach both sides of the line, or the property says little.
    assert.ok(accepted > 100 && accepted < 2900, `${accepted} of 3000 bodies valid`);
  });

  test('any JSON the compiled check accepts, zod accepts too', () => {
    const check = compileJsonValidator(SamplesRequest)!;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        if (check(value)) assert.ok(SamplesRequest.safeParse(value).success);
      }),
      { numRuns: 2000 },
    );
  });

  test('a refused body is refused by zod, naming the field', () => {
    assert.throws(
      () => parseJsonOrThrow(SamplesRequest, { samples: [{ timestamp: 1, face: true, skin: [1, 2, 300] }] }),
      (err: { fieldErrors: { field: string }[] }) => err.fieldErrors.some((f) => f.field === 'samples.0.skin.2'),
    );
  });

  test('schemas whose JSON Schema would not say all that zod checks get no compiled check', () => {
    const notDescribed: [string, z.ZodType][] = [
      ['a refinement', z.object({ a: z.number() }).refine((o) => o.a > 1)],
      ['a transform', z.object({ a: z.string().transform((s) => s.length) })],
      ['a default', z.object({ a: z.number().default(3) })],
      ['a string format', z.object({ a: z.email() })],
      ['a string length (UTF-16 units to zod, characters to JSON Schema)', z.object({ a: z.string().max(3) })],
      ['a tuple with a rest', z.tuple([z.number()], z.string())],
      ['a passthrough object', z.looseObject({ a: z.number() })],
      ['a float32 format', z.object({ a: z.float32() })],
    ];
    for (const [what, schema] of notDescribed) {
      assert.equal(describedByJsonSchema(schema), false, what);
      assert.equal(compileJsonValidator(schema), null, what);
    }
    const described = z.strictObject({ n: z.number().int().min(0).max(9), b: z.boolean(), l: z.literal('x'), o: z.string().optional(), t: z.tuple([z.number(), z.number()]), u: z.union([z.number(), z.null()]) });
    assert.equal(describedByJsonSchema(described), true);
    const check = compileJsonValidator(described)!;
    assert.equal(check({ n: 3, b: true, l: 'x', t: [1, 2], u: null }), true);
    assert.equal(check({ n: 3.5, b: true, l: 'x', t: [1, 2], u: null }), false);
    assert.equal(check({ n: 3, b: true, l: 'x', t: [1, 2], u: null, extra: 1 }), false);
  });
});
