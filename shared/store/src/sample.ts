/**
 * One entry of a session's colour trace. Stored as compact JSON in a Redis sorted set scored by
 * capture time, so samples written by different workers in any order read back in time order.
 */
import type { TraceSample } from '@pulsecam/contracts';
import type { TrackerHistory } from '@pulsecam/dsp';

export type Rgb = [number, number, number];

/** The stored form of a measured frame: one schema (contracts' TraceSampleSchema) for workers and devices. */
export type { TraceSample };

const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;
const roundRgb = (c: Rgb): Rgb => [round(c[0]), round(c[1]), round(c[2])];

/** One entry per capture time: the trace holds each frame once (see the store's append script). */
export function encodeSample(sample: TraceSample): string {
  return JSON.stringify({
    t: sample.t,
    s: roundRgb(sample.skin),
    ...(sample.regions ? { r: sample.regions.map(roundRgb) } : {}),
    ...(sample.pixels ? { n: sample.pixels } : {}),
    ...(sample.background ? { b: roundRgb(sample.background) } : {}),
    ...(sample.pose ? { p: sample.pose.map((v) => round(v, 4)) } : {}),
  });
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
