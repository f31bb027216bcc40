/**
 * Colour traces without a pulse, as a device would send them through the samples endpoint for a
 * photo, a mask or a screen in front of the camera: the mean colour of some skin-coloured patch
 * under drifting light and camera gains, with sensor and compression noise, motion-like
 * wobble, capture-time jitter, and nothing that beats.
 */
import { gaussian, mulberry32, smoothWander } from './random.ts';
import { SKIN_TONES } from './scenarios.ts';

export interface PlainSample {
  /** Capture time, ms. */
  t: number;
  skin: [number, number, number];
}

const PORTRAIT_SKIN = [172, 124, 98] as const;

export function pulseFreeTrace(seed: number, seconds: number, fps = 30): PlainSample[] {
  const rnd = mulberry32(seed);
  const noise = gaussian(mulberry32(seed ^ 0x51ce));
  const tone = SKIN_TONES[Math.floor(rnd() * SKIN_TONES.length)].tone;
  const light = smoothWander(seed + 1, 0.05 + 0.25 * rnd());
  const wobble = smoothWander(seed + 2, 0.3 + 1.2 * rnd());
  const balance = [smoothWander(seed + 3, 0.2), smoothWander(seed + 4, 0.2)];
  const lightDepth = 0.02 + 0.08 * rnd();
  const wobbleDepth = 0.001 + 0.004 * rnd();
  const sensor = 0.05 + 0.3 * rnd();
  const samples: PlainSample[] = [];
  for (let i = 0; i < seconds * fps; i++) {
    const t = (i + 0.3 * (rnd() - 0.5)) / fps;
    const g = (1 + lightDepth * light(t)) * (1 + wobbleDepth * wobble(t));
    const skin = [0, 1, 2].map((c) => {
      const wb = c === 1 ? 1 : 1 + 0.02 * balance[c === 0 ? 0 : 1](t);
      return PORTRAIT_SKIN[c] * tone[c] * g * wb + sensor * noise();
    }) as [number, number, number];
    samples.push({ t: Math.round(t * 1e6) / 1e3, skin });
  }
  return samples;
}
