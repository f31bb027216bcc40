/**
 * One frame's measurement: what a worker stores for a frame with a face, and what a device may send
 * in its place (POST /session/{id}/samples) so a device trace and a server trace are the same to
 * the estimator. Colours are means on the 0-255 scale.
 */
import { z } from 'zod';

const Channel = z.number().finite().min(0).max(255);
const Rgb = z.tuple([Channel, Channel, Channel]);

/** The measurement of one frame with a face (the stored form, capture time `t` in ms). */
export const TraceSampleSchema = z.object({
  t: z.number().finite().nonnegative(),
  /** Pixel-weighted mean over the skin regions. */
  skin: Rgb,
  /** Each region's mean: forehead, left cheek, right cheek. */
  regions: z.tuple([Rgb, Rgb, Rgb]).optional(),
  /** Skin pixels behind each region's mean. */
  pixels: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative(), z.number().int().nonnegative()]).optional(),
  /** The scene's colour outside the face (the light). */
  background: Rgb.optional(),
  /** Face centre x, y and eye distance (pixels of the device's frame), roll (radians). */
  pose: z.tuple([z.number().finite(), z.number().finite(), z.number().finite().positive(), z.number().finite().min(-Math.PI).max(Math.PI)]).optional(),
});

export type TraceSample = z.infer<typeof TraceSampleSchema>;

const Timestamp = z.number().finite().nonnegative().meta({ description: 'Capture time of the frame, ms (any origin, increasing).' });

/**
 * A device's frame with a face: the stored form with the capture time as `timestamp`. Strict, and
 * `face` is the literal true: a frame that says `face: false` and carries colours is refused
 * (naming `face`) rather than read as either form.
 */
const FaceFrame = z
  .object({
    timestamp: Timestamp,
    face: z.literal(true, {
      error: (issue) => (issue.input === false ? 'a frame without a face carries no colours or pose' : 'true for a frame with colours, false for a frame without a face'),
    }).meta({ description: 'A face was found in the frame.' }),
    skin: TraceSampleSchema.shape.skin.meta({ description: '[r, g, b] mean over the skin regions.' }),
    regions: TraceSampleSchema.shape.regions.meta({ description: '[[r, g, b] x 3]: forehead, left cheek, right cheek.' }),
    pixels: TraceSampleSchema.shape.pixels.meta({ description: 'Skin pixels behind each region\'s mean.' }),
    background: TraceSampleSchema.shape.background.meta({ description: '[r, g, b] of the scene outside the face.' }),
    pose: TraceSampleSchema.shape.pose.meta({ description: '[centre x, centre y, eye distance, roll]: pixels of the device\'s frame, radians.' }),
  })
  .strict()
  .meta({
    id: 'RichSampleWithFace',
    description:
      'A frame in which the device found a face: its colours, and optionally its regions, pixels, background and pose. The trace keeps colours to 3 decimals and pose to 4: more digits are accepted and dropped, so a device may as well send them rounded.',
  });

/** A device's frame in which no face was found: its time only (the frame still counts, as a frame without a face). */
const NoFaceFrame = z.strictObject(
  { timestamp: Timestamp, face: z.literal(false).meta({ description: 'No face was found in the frame.' }) },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'a frame without a face carries no colours or pose' : undefined) },
).meta({ id: 'RichSampleWithoutFace', description: 'A frame in which the device found no face: its time only (it still counts, as a frame without a face).' });

/**
 * A device's frame: what the workers' vision code observed of it. Stated by structure alone (no
 * refinement), so the JSON Schema written from it says everything this schema checks; the
 * gateway's compiled check of a post relies on that.
 */
export const RichSample = z
  .union([FaceFrame, NoFaceFrame])
  .meta({ id: 'RichSample', description: 'One frame measured on the device by the same vision code the workers run: `face: true` with its colours (and optionally regions, pixels, background, pose), or `face: false` alone.' });

export const PlainSample = z
  .object({
    timestamp: z.number().finite().nonnegative().meta({ description: 'Capture time of the frame, ms (any origin, increasing).' }),
    r: Channel,
    g: Channel,
    b: Channel,
  })
  .strict()
  .meta({ id: 'PlainSample', description: 'Mean skin colour of one frame, 0-255.' });

export type RichSample = z.infer<typeof RichSample>;
export type PlainSample = z.infer<typeof PlainSample>;

/**
 * Decimals a session's trace keeps: colour means to 3 (a thousandth of a level, far below what a
 * mean over thousands of 8-bit pixels resolves) and pose to 4. The store rounds every sample so;
 * a device rounds before it sends, and its posts carry no digits that would not be kept.
 */
export const STORED_COLOUR_DECIMALS = 3;
export const STORED_POSE_DECIMALS = 4;

/** `v` to `decimals` places, as the trace stores it. */
export function roundAsStored(v: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(v * scale) / scale;
}

const colourAsStored = <T extends readonly number[]>(c: T): T => c.map((v) => roundAsStored(v, STORED_COLOUR_DECIMALS)) as unknown as T;

/** The sample with its colours and pose rounded as the trace stores them (its time and pixel counts as they are). */
export function sampleAsStored(sample: TraceSample): TraceSample {
  return {
    ...sample,
    skin: colourAsStored(sample.skin),
    ...(sample.regions ? { regions: sample.regions.map(colourAsStored) as TraceSample['regions'] } : {}),
    ...(sample.background ? { background: colourAsStored(sample.background) } : {}),
    ...(sample.pose ? { pose: sample.pose.map((v) => roundAsStored(v, STORED_POSE_DECIMALS)) as TraceSample['pose'] } : {}),
  };
}

/**
 * A measured frame as a device sends it: the stored form (rounded as the trace keeps it, so the
 * post is about 40 % shorter and reads back the same), with its time as `timestamp`.
 */
export function richSampleOf(sample: TraceSample): RichSample {
  const { t, ...colours } = sampleAsStored(sample);
  return { timestamp: t, face: true as const, ...colours };
}

/** A device's frame as the trace stores it (the inverse of richSampleOf); null for a frame without a face. */
export function traceSampleOfRich(sample: RichSample): TraceSample | null {
  if (!sample.face) return null;
  const { timestamp, face: _face, ...colours } = sample;
  return { t: timestamp, ...colours };
}
