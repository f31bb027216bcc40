/**
 * One entry of a session's colour trace. Stored as compact JSON in a Redis sorted set scored by
 * capture time, so samples written by different workers in any order read back in time order.
 */
import type { TraceSample } from '@pulsecam/contracts';
import type { TrackerHistory } from '@pulsecam/dsp';

export type Rgb = [number, number, number];

/** The stored form of a measured frame: one schema (contracts' TraceSampleSchema) for workers and devices. */
export type { TraceSample };

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
/** A number as JSON writes it (non-finite: null). */
const jsonNumber = (v: number) => (Number.isFinite(v) ? String(v) : 'null');

function jsonList(values: readonly number[], digits?: number): string {
  let out = '[';
  for (let i = 0; i < values.length; i++) out += (i > 0 ? ',' : '') + jsonNumber(digits === undefined ? values[i] : round(values[i], digits));
  return `${out}]`;
}

/**
 * One entry per capture time: the trace holds each frame once (see the store's append script).
 * The text JSON.stringify gives for `{ t, s, r?, n?, b?, p? }` (colours to 3 decimals, pose to
 * 4), written directly: the gateway encodes every sample a device posts, and the intermediate
 * arrays and objects were a measurable share of its garbage under load.
 */
export function encodeSample(sample: TraceSample): string {
  let out = `{"t":${jsonNumber(sample.t)},"s":${jsonList(sample.skin, 3)}`;
  if (sample.regions) out += `,"r":[${sample.regions.map((c) => jsonList(c, 3)).join(',')}]`;
  if (sample.pixels) out += `,"n":${jsonList(sample.pixels)}`;
  if (sample.background) out += `,"b":${jsonList(sample.background, 3)}`;
  if (sample.pose) out += `,"p":${jsonList(sample.pose, 4)}`;
  return `${out}}`;
}

/** A frame analysed without a face: kept in the trace so a stretch without a face can be told from a stretch without frames. */
export function encodeNoFace(t: number): string {
  return JSON.stringify({ t, x: 1 });
}

export interface Timeline {
  samples: TraceSample[];
  /** Capture times (ms) of frames without a face. */
  noFaceTimes: number[];
  /** The heart-rate tracker's windows the session's last estimate analysed (null: none kept). */
  tracker: TrackerHistory | null;
}

export function decodeEntry(member: string): TraceSample | { t: number } {
  const raw = JSON.parse(member) as { t: number; s?: Rgb; r?: [Rgb, Rgb, Rgb]; n?: [number, number, number]; b?: Rgb; p?: [number, number, number, number] };
  if (!raw.s) return { t: raw.t };
  return { t: raw.t, skin: raw.s, regions: raw.r, pixels: raw.n, background: raw.b, pose: raw.p };
}
