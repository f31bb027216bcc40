/** Generated test signals: pulsing skin colour with known rate, noise, and irregular sampling. */
import { mulberry32, gaussian } from '../../synth/src/random.ts';

export interface TestTrace {
  t: number[];
  r: number[];
  g: number[];
  b: number[];
}

export interface TraceOptions {
  bpm: number | ((t: number) => number);
  seconds: number;
  fps: number;
  /** Relative green amplitude of the pulse. */
  amplitude?: number;
  /** Additive noise, 0-255 units. */
  noise?: number;
  /** Fraction of a frame interval by which timestamps wander. */
  jitter?: number;
  /** White intensity variation added to all channels: (t) => relative change. */
  intensity?: (t: number) => number;
  /** Per-channel gains over time. */
  gains?: (t: number) => [number, number, number];
  seed?: number;
  /** Scale of the skin colour (1 = 170/120/95; darker skin is lower). */
  level?: number;
}

export function pulsingTrace(o: TraceOptions): TestTrace {
  const rnd = mulberry32(o.seed ?? 1);
  const noise = gaussian(rnd);
  const rate = typeof o.bpm === 'number' ? () => o.bpm as number : o.bpm;
  const amp = o.amplitude ?? 0.003;
  const out: TestTrace = { t: [], r: [], g: [], b: [] };
  let phase = 0;
  let last = 0;
  const n = Math.floor(o.seconds * o.fps);
  for (let i = 0; i < n; i++) {
    const t = Math.max(0, (i + (o.jitter ?? 0) * (rnd() - 0.5)) / o.fps);
    phase += 2 * Math.PI * (rate(t) / 60) * Math.max(0, t - last);
    last = t;
    const p = Math.sin(phase) + 0.3 * Math.sin(2 * phase + 0.6);
    const light = 1 + (o.intensity?.(t) ?? 0);
    const [gr, gg, gb] = o.gains?.(t) ?? [1, 1, 1];
    out.t.push(t);
    const k = o.level ?? 1;
    out.r.push(170 * k * light * gr * (1 + amp * 0.43 * p) + (o.noise ?? 0) * noise());
    out.g.push(120 * k * light * gg * (1 + amp * p) + (o.noise ?? 0) * noise());
    out.b.push(95 * k * light * gb * (1 + amp * 0.69 * p) + (o.noise ?? 0) * noise());
  }
  return out;
}
