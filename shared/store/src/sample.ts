/**
 * One entry of a session's colour trace, in a Redis sorted set scored by capture time, so samples
 * written by different workers in any order read back in time order. Stored as a few bytes of
 * float64 (encodeSample); entries written as JSON text by earlier versions still read.
 */
import { roundAsStored, sampleAsStored, STORED_COLOUR_DECIMALS, STORED_POSE_DECIMALS, type TraceSample } from '@pulsecam/contracts';
import type { TrackerHistory } from '@pulsecam/dsp';

export type Rgb = [number, number, number];

/** The stored form of a measured frame: one schema (contracts' TraceSampleSchema) for workers and devices. */
export type { TraceSample };

/**
 * The first stored form, JSON text: `{ t, s, r?, n?, b?, p? }` (colours to 3 decimals, pose to 4;
 * a frame without a face `{ t, x: 1 }`). Still read; written only for a sample whose shape the
 * binary form does not hold (regions, pixels or pose of another length than the schema's).
 */
export function encodeSampleJson(sample: TraceSample): string {
  const kept = sampleAsStored(sample);
  return JSON.stringify({
    t: kept.t,
    s: kept.skin,
    ...(kept.regions ? { r: kept.regions } : {}),
    ...(kept.pixels ? { n: kept.pixels } : {}),
    ...(kept.background ? { b: kept.background } : {}),
    ...(kept.pose ? { p: kept.pose } : {}),
  });
}

/**
 * The binary stored form (first byte BINARY_FORMAT, never '{'): a flags byte, the capture time,
 * then the colours and pose as float64, little-endian, rounded as the JSON form rounds them, so
 * a sample reads back as exactly the numbers the JSON form gave. A worker reads a live session's
 * whole trace (~300 entries) for every estimate: parsing 300 JSON texts was about a fifth of a
 * worker's busy time under load; reading numbers at fixed offsets is a small fraction of that.
 */
const BINARY_FORMAT = 1;
const HAS_REGIONS = 1;
const HAS_PIXELS = 2;
const HAS_BACKGROUND = 4;
const HAS_POSE = 8;
const NO_FACE = 16;
/** Format and flags bytes, 6 bytes of padding, the capture time: the numbers sit 8-aligned from the entry's start. */
const HEAD = 16;
const MAX_VALUES = 22;
/** An aligned copy of the entry being read (a Buffer from the Redis client can start at any byte). */
const scratch = new Float64Array(HEAD / 8 + MAX_VALUES);
const scratchBytes = new Uint8Array(scratch.buffer);

function binaryShapeFits(sample: TraceSample): boolean {
  return (
    sample.skin.length === 3 &&
    (!sample.regions || (sample.regions.length === 3 && sample.regions.every((c) => c.length === 3))) &&
    (!sample.pixels || sample.pixels.length === 3) &&
    (!sample.background || sample.background.length === 3) &&
    (!sample.pose || sample.pose.length === 4)
  );
}

/** How many numbers follow the head of an entry with these flags. */
function valuesOf(flags: number): number {
  if (flags & NO_FACE) return 0;
  return 3 + (flags & HAS_REGIONS ? 9 : 0) + (flags & HAS_PIXELS ? 3 : 0) + (flags & HAS_BACKGROUND ? 3 : 0) + (flags & HAS_POSE ? 4 : 0);
}

/** One entry per capture time: the trace holds each frame once (see the store's append script). */
export function encodeSample(sample: TraceSample): Buffer | string {
  if (!binaryShapeFits(sample)) return encodeSampleJson(sample);
  const flags = (sample.regions ? HAS_REGIONS : 0) | (sample.pixels ? HAS_PIXELS : 0) | (sample.background ? HAS_BACKGROUND : 0) | (sample.pose ? HAS_POSE : 0);
  // From Node's shared pool (Buffer.alloc would make an ArrayBuffer per sample): every byte is
  // written below, the head's padding included.
  const out = Buffer.allocUnsafe(HEAD + 8 * valuesOf(flags));
  out[0] = BINARY_FORMAT;
  out[1] = flags;
  out.fill(0, 2, 8);
  out.writeDoubleLE(sample.t + 0, 8);
  let at = HEAD;
  const put = (v: number, digits?: number) => {
    const x = digits === undefined ? v : roundAsStored(v, digits);
    // As JSON would store it: a number that is not finite reads back as null (here NaN), -0 as 0.
    at = out.writeDoubleLE(Number.isFinite(x) ? x + 0 : Number.NaN, at);
  };
  for (const v of sample.skin) put(v, STORED_COLOUR_DECIMALS);
  if (sample.regions) for (const c of sample.regions) for (const v of c) put(v, STORED_COLOUR_DECIMALS);
  if (sample.pixels) for (const v of sample.pixels) put(v);
  if (sample.background) for (const v of sample.background) put(v, STORED_COLOUR_DECIMALS);
  if (sample.pose) for (const v of sample.pose) put(v, STORED_POSE_DECIMALS);
  return out;
}

/** A frame analysed without a face: kept in the trace so a stretch without a face can be told from a stretch without frames. */
export function encodeNoFace(t: number): Buffer {
  const out = Buffer.alloc(HEAD);
  out[0] = BINARY_FORMAT;
  out[1] = NO_FACE;
  out.writeDoubleLE(t + 0, 8);
  return out;
}

export interface Timeline {
  samples: TraceSample[];
  /** Capture times (ms) of frames without a face. */
  noFaceTimes: number[];
  /** The heart-rate tracker's windows the session's last estimate analysed (null: none kept). */
  tracker: TrackerHistory | null;
}

/** A stored entry, binary or JSON (as written before the binary form). */
export function decodeEntry(member: Buffer | string): TraceSample | { t: number } {
  if (typeof member !== 'string' && member[0] === BINARY_FORMAT) return decodeBinary(member);
  return decodeJson(typeof member === 'string' ? member : member.toString('utf8'));
}

function decodeBinary(b: Buffer): TraceSample | { t: number } {
  const flags = b[1];
  if (b.length !== HEAD + 8 * valuesOf(flags)) throw new RangeError(`not a stored sample (${b.length} bytes, flags ${flags})`);
  // Little-endian on every platform Node runs on (x86-64, arm64), as Buffer.writeDoubleLE wrote it.
  scratchBytes.set(b);
  const t = scratch[1];
  if (flags & NO_FACE) return { t };
  let at = HEAD / 8;
  const skin = rgbAt(at);
  at += 3;
  let regions: [Rgb, Rgb, Rgb] | undefined;
  if (flags & HAS_REGIONS) {
    regions = [rgbAt(at), rgbAt(at + 3), rgbAt(at + 6)];
    at += 9;
  }
  let pixels: Rgb | undefined;
  if (flags & HAS_PIXELS) {
    pixels = rgbAt(at);
    at += 3;
  }
  let background: Rgb | undefined;
  if (flags & HAS_BACKGROUND) {
    background = rgbAt(at);
    at += 3;
  }
  const pose = flags & HAS_POSE ? ([valueAt(at), valueAt(at + 1), valueAt(at + 2), valueAt(at + 3)] as [number, number, number, number]) : undefined;
  return { t, skin, regions, pixels, background, pose };
}

/** Three numbers of the scratch copy from `index` (a module-level function: a closure per decoded sample cost more than the decoding). */
function rgbAt(index: number): Rgb {
  return [valueAt(index), valueAt(index + 1), valueAt(index + 2)];
}

/** The scratch copy's number at `index`; NaN (stored for a value JSON would have written as null) reads as null. */
function valueAt(index: number): number {
  const v = scratch[index];
  return v === v ? v : (null as unknown as number);
}

function decodeJson(member: string): TraceSample | { t: number } {
  const raw = JSON.parse(member) as { t: number; s?: Rgb; r?: [Rgb, Rgb, Rgb]; n?: [number, number, number]; b?: Rgb; p?: [number, number, number, number] };
  if (!raw.s) return { t: raw.t };
  return { t: raw.t, skin: raw.s, regions: raw.r, pixels: raw.n, background: raw.b, pose: raw.p };
}
