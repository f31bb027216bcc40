/**
 * The benchmark's scenarios: each a full scene description with a known, possibly time-varying,
 * heart rate. Amplitudes follow real skin: a few tenths of a percent of the green level for light
 * skin, less for darker skin. Every scenario is a recipe over a Variation (seed, clip length,
 * heart-rate offset, breathing rate, heart-rate variability), so the benchmark can draw several
 * independent clips of each: `scenarios()` is the quick set (one clip each, as first published),
 * `benchmarkSuite()` the full one (several seeds, 60 s clips, breathing and HRV varying by clip).
 */
import { STILL, type Pose, type SceneSpec } from './scene.ts';
import { mulberry32, smoothWander } from './random.ts';

/** What a correct answer is: a heart rate, no answer for lack of a face, or no answer for lack of a pulse. */
export type Expectation = 'pulse' | 'no_face' | 'no_pulse';

export interface Scenario {
  /** Unique clip name: the family in the quick set; `family~k` for clip k of the full suite. */
  name: string;
  /** The scenario this clip is drawn from (results are pooled per family). */
  family: string;
  description: string;
  expect: Expectation;
  /** true: the right answer is "no heart rate" (no usable face in view). Same as expect === 'no_face'. */
  expectNoFace: boolean;
  spec: SceneSpec;
}

/** One draw of a scenario: which clip, how long, and the person's physiology on the day. */
export interface Variation {
  /** 0 for the published clip; each k gives an independent clip (seeds, physiology). */
  clip: number;
  durationSeconds: number;
  /** Added to the scenario's heart rate(s), bpm. */
  bpmShift: number;
  breathingRate: number;
  beatJitter: number;
  rsa: number;
}

const deg = Math.PI / 180;

/** The published clips: 20 s (30 s for ramps), breathing 15/min, the original HRV. */
function published(durationSeconds = 20): Variation {
  return { clip: 0, durationSeconds, bpmShift: 0, breathingRate: 15, beatJitter: 0.015, rsa: 0.03 };
}

/** Clip k ≥ 1 of the full suite: its own heart-rate offset, breathing 8-25/min and HRV. */
export function variation(family: string, clip: number, durationSeconds: number): Variation {
  if (clip === 0) return { ...published(durationSeconds) };
  let h = 2166136261;
  for (const ch of `${family}:${clip}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  const rnd = mulberry32(h >>> 0);
  return {
    clip,
    durationSeconds,
    bpmShift: Math.round((rnd() - 0.5) * 24),
    breathingRate: Math.round((8 + 17 * rnd()) * 10) / 10,
    beatJitter: 0.005 + 0.03 * rnd(),
    rsa: 0.01 + 0.05 * rnd(),
  };
}

/** Seed of a scenario's clip k (its scene randomness: pose wander, noise, capture jitter). */
const seedOf = (v: Variation, seed: number) => seed + 1000 * v.clip;

function base(seed: number, bpm: number, v: Variation, overrides: Partial<SceneSpec> = {}): SceneSpec {
  const clipSeed = seedOf(v, seed);
  const rate = Math.min(185, Math.max(42, bpm + v.bpmShift));
  return {
    width: 512,
    height: 512,
    fps: 30,
    durationSeconds: v.durationSeconds,
    timestampJitter: 0.15,
    dropRate: 0,
    physiology: { heartRate: () => rate, breathingRate: v.breathingRate, beatJitter: v.beatJitter, rsa: v.rsa, seed: clipSeed },
    pulseAmplitude: 0.003,
    skinTone: [1, 1, 1],
    pose: tremor(clipSeed),
    gains: () => [1, 1, 1],
    shading: 0.15,
    glare: 0,
    noiseSigma: 2,
    jpegQuality: 85,
    blurSigma: 0,
    seed: clipSeed,
    ...overrides,
  };
}

/** The small involuntary sway of a person trying to sit still. */
function tremor(seed: number, amplitude = 0.6): (t: number) => Pose {
  const x = smoothWander(seed + 11, 0.3);
  const y = smoothWander(seed + 12, 0.3);
  return (t) => ({ tx: amplitude * x(t), ty: amplitude * y(t), rot: 0.2 * deg * x(t * 0.7), scale: 1 });
}

function motion(seed: number, translate: number, rotateDeg: number, scale: number, maxHz: number): (t: number) => Pose {
  const x = smoothWander(seed + 21, maxHz);
  const y = smoothWander(seed + 22, maxHz);
  const r = smoothWander(seed + 23, maxHz);
  const s = smoothWander(seed + 24, maxHz * 0.5);
  return (t) => ({ tx: translate * x(t), ty: translate * 0.6 * y(t), rot: rotateDeg * deg * r(t), scale: 1 + scale * s(t) });
}

/** Heart-rate ramp from one rate to another over the middle 2/3 of the clip, flat outside. */
function ramp(from: number, to: number, duration: number): (t: number) => number {
  const t0 = duration / 6;
  const t1 = duration - duration / 6;
  return (t) => (t <= t0 ? from : t >= t1 ? to : from + ((to - from) * (t - t0)) / (t1 - t0));
}

/**
 * Skin tones across the Fitzpatrick scale: reflectance relative to the portrait (type II), and the
 * pulse amplitude melanin leaves (darker skin absorbs more of the light that carries the pulse).
 */
export const SKIN_TONES = [
  { type: 'I', tone: [1.04, 1.05, 1.07], amplitude: 0.0032 },
  { type: 'II', tone: [1, 1, 1], amplitude: 0.003 },
  { type: 'III', tone: [0.86, 0.79, 0.73], amplitude: 0.0026 },
  { type: 'IV', tone: [0.7, 0.58, 0.5], amplitude: 0.0021 },
  { type: 'V', tone: [0.52, 0.4, 0.34], amplitude: 0.0016 },
  { type: 'VI', tone: [0.36, 0.27, 0.23], amplitude: 0.0011 },
] as const;

interface Recipe {
  family: string;
  description: (v: Variation) => string;
  expect: Expectation;
  /** Length of the published clip. */
  publishedSeconds?: number;
  build: (v: Variation) => SceneSpec;
}

const hr = (bpm: number, v: Variation) => Math.min(185, Math.max(42, bpm + v.bpmShift));

function recipes(): Recipe[] {
  const list: Recipe[] = [
    { family: 'still', expect: 'pulse', description: (v) => `Sitting still, even light, ${hr(72, v)} bpm`, build: (v) => base(101, 72, v) },
    { family: 'still_slow_hr', expect: 'pulse', description: (v) => `Still, resting ${hr(46, v)} bpm`, build: (v) => base(102, 46, v) },
    {
      family: 'h264_video',
      expect: 'pulse',
      description: (v) => `Still, recorded as H.264 video (x264 CRF 12, preset medium), ${hr(70, v)} bpm`,
      build: (v) => base(140, 70, v, { videoCodec: { crf: 12, preset: 'medium' } }),
    },
    {
      family: 'h264_phone',
      expect: 'pulse',
      description: (v) => `Slow sway, recorded as H.264 at a phone-like quality (x264 CRF 18, preset medium), ${hr(78, v)} bpm`,
      build: (v) => base(141, 78, v, { pose: motion(seedOf(v, 141), 4, 1.5, 0.01, 0.2), videoCodec: { crf: 18, preset: 'medium' } }),
    },
    {
      family: 'mild_motion',
      expect: 'pulse',
      description: (v) => `Slow sway and turns (8 px, 3°, 0.25 Hz), ${hr(64, v)} bpm`,
      build: (v) => base(103, 64, v, { pose: motion(seedOf(v, 103), 8, 3, 0.02, 0.25), shading: 0.2 }),
    },
    {
      family: 'fast_motion',
      expect: 'pulse',
      description: (v) => `Fast translation, rotation and scale (30 px, 8°, 6 %, up to 0.7 Hz) under side light and moving glare, ${hr(95, v)} bpm`,
      build: (v) => base(104, 95, v, { pose: motion(seedOf(v, 104), 30, 8, 0.06, 0.7), shading: 0.3, glare: 30 }),
    },
    {
      family: 'head_bob',
      expect: 'pulse',
      description: (v) => `Rhythmic head bob at 1.25 Hz (75/min, inside the band) with HR ${hr(110, v)} bpm`,
      build: (v) =>
        base(105, 110, v, {
          pose: (t) => ({ tx: 0, ty: 7 * Math.sin(2 * Math.PI * 1.25 * t), rot: 1.5 * deg * Math.sin(2 * Math.PI * 1.25 * t + 0.5), scale: 1 }),
          shading: 0.3,
          glare: 20,
        }),
    },
    {
      family: 'light_drift_steps',
      expect: 'pulse',
      description: (v) => `Illumination drifting ±15 % plus two 12 % steps, ${hr(58, v)} bpm`,
      build: (v) =>
        base(106, 58, v, {
          gains: (() => {
            const w = smoothWander(seedOf(v, 106), 0.08);
            const d = v.durationSeconds;
            return (t: number) => {
              const g = (1 + 0.15 * w(t)) * (t > 0.4 * d ? 1.12 : 1) * (t > 0.8 * d ? 0.88 : 1);
              return [g, g, g] as const;
            };
          })(),
        }),
    },
    {
      family: 'flicker_in_band',
      expect: 'pulse',
      description: (v) => `Warm light flickering 1.5 % at 1.6 Hz (96/min, in band), HR ${hr(82, v)} bpm`,
      build: (v) =>
        base(107, 82, v, {
          gains: (t) => {
            const f = 0.015 * Math.sin(2 * Math.PI * 1.6 * t);
            return [1 + f, 1 + 0.8 * f, 1 + 0.5 * f] as const;
          },
        }),
    },
    {
      family: 'white_balance_wander',
      expect: 'pulse',
      description: (v) => `Camera auto white balance and exposure wandering per channel (±6 %, up to 0.3 Hz), ${hr(76, v)} bpm`,
      build: (v) =>
        base(108, 76, v, {
          gains: (() => {
            const e = smoothWander(seedOf(v, 208), 0.2);
            const r = smoothWander(seedOf(v, 308), 0.3);
            const b = smoothWander(seedOf(v, 408), 0.3);
            return (t: number) => {
              const exposure = 1 + 0.08 * e(t);
              return [exposure * (1 + 0.06 * r(t)), exposure, exposure * (1 + 0.06 * b(t))] as const;
            };
          })(),
        }),
    },
    {
      family: 'darker_skin',
      expect: 'pulse',
      description: (v) => `Darker skin (reflectance ×0.45/0.36/0.32), pulse 0.15 %, more noise, mild sway, ${hr(68, v)} bpm`,
      build: (v) => base(109, 68, v, { skinTone: [0.45, 0.36, 0.32], pulseAmplitude: 0.0015, noiseSigma: 3, pose: motion(seedOf(v, 109), 5, 2, 0.01, 0.2) }),
    },
    {
      family: 'small_face',
      expect: 'pulse',
      description: (v) => `Face at 45 % size (far from camera), pulse 0.25 %, ${hr(88, v)} bpm`,
      build: (v) => base(110, 88, v, { pulseAmplitude: 0.0025, noiseSigma: 3, pose: (t) => ({ ...tremor(seedOf(v, 110))(t), scale: 0.45 }) }),
    },
    {
      family: 'exercise_ramp',
      expect: 'pulse',
      publishedSeconds: 30,
      description: () => 'Heart rate climbing 85 → 150 bpm over the middle 2/3 of the clip, light sway',
      build: (v) =>
        base(111, 85, v, {
          physiology: { heartRate: ramp(85, 150, v.durationSeconds), breathingRate: v.clip === 0 ? 24 : v.breathingRate, beatJitter: 0.01, rsa: 0.02, seed: seedOf(v, 111) },
          pose: motion(seedOf(v, 111), 6, 2, 0.01, 0.3),
        }),
    },
    {
      family: 'recovery_ramp',
      expect: 'pulse',
      publishedSeconds: 30,
      description: () => 'Heart rate falling 180 → 110 bpm over the middle 2/3 of the clip',
      build: (v) =>
        base(112, 180, v, {
          physiology: { heartRate: ramp(180, 110, v.durationSeconds), breathingRate: v.clip === 0 ? 22 : v.breathingRate, beatJitter: 0.008, rsa: 0.02, seed: seedOf(v, 112) },
        }),
    },
    {
      family: 'low_fps_irregular',
      expect: 'pulse',
      description: (v) => `15 fps with irregular timing and 10 % dropped frames, ${hr(52, v)} bpm`,
      build: (v) => base(113, 52, v, { fps: 15, timestampJitter: 0.6, dropRate: 0.1 }),
    },
    { family: 'heavy_jpeg', expect: 'pulse', description: (v) => `JPEG quality 30, ${hr(125, v)} bpm`, build: (v) => base(114, 125, v, { jpegQuality: 30 }) },
    {
      family: 'several_faces',
      expect: 'pulse',
      description: (v) => `A second, smaller person (pulse 100 bpm) beside the subject (${hr(70, v)} bpm)`,
      build: (v) =>
        base(115, 70, v, {
          width: 800,
          pose: (t) => ({ ...tremor(seedOf(v, 115))(t), tx: -144 }),
          bystander: { pose: { tx: 260, ty: 40, rot: 0, scale: 0.5 }, heartRate: 100 },
        }),
    },
    ...SKIN_TONES.map(
      (s, i): Recipe => ({
        family: `skin_type_${s.type}`,
        expect: 'pulse',
        description: (v) => `Fitzpatrick type ${s.type} skin (reflectance ×${s.tone.join('/')}), pulse ${(s.amplitude * 100).toFixed(2)} %, slight sway, ${hr(66 + 4 * i, v)} bpm`,
        build: (v) => base(120 + i, 66 + 4 * i, v, { skinTone: s.tone, pulseAmplitude: s.amplitude, pose: motion(seedOf(v, 120 + i), 3, 1, 0.005, 0.2) }),
      }),
    ),
    {
      family: 'mirrored',
      expect: 'pulse',
      description: (v) => `The portrait mirrored (the other side of the face lit), mild sway, ${hr(79, v)} bpm`,
      build: (v) => base(130, 79, v, { mirror: true, shading: 0.25, pose: motion(seedOf(v, 130), 5, 2, 0.01, 0.2) }),
    },
    {
      family: 'large_face',
      expect: 'pulse',
      description: (v) => `Face at 130 % size (close to the camera), ${hr(92, v)} bpm`,
      build: (v) => base(131, 92, v, { pose: (t) => ({ ...tremor(seedOf(v, 131))(t), scale: 1.3 }) }),
    },
    {
      family: 'no_pulse_face',
      expect: 'no_pulse',
      description: () => 'A face with no pulse (a photo or mask): sway, light drifting ±8 %, camera noise',
      build: (v) =>
        base(132, 75, v, {
          pulseAmplitude: 0,
          pose: motion(seedOf(v, 132), 6, 2, 0.01, 0.25),
          gains: (() => {
            const w = smoothWander(seedOf(v, 232), 0.15);
            return (t: number) => {
              const g = 1 + 0.08 * w(t);
              return [g, g, g] as const;
            };
          })(),
          noiseSigma: 2.5,
        }),
    },
    {
      family: 'no_face',
      expect: 'no_face',
      description: () => 'Camera on the torso: no face in view (light flicker present)',
      build: (v) =>
        base(116, 75, v, {
          pose: () => ({ ...STILL, ty: -330 }),
          gains: (t) => {
            const f = 0.01 * Math.sin(2 * Math.PI * 1.2 * t);
            return [1 + f, 1 + f, 1 + f] as const;
          },
        }),
    },
    { family: 'blurred_face', expect: 'no_face', description: () => 'Face out of focus (Gaussian blur σ = 12 px)', build: (v) => base(117, 80, v, { blurSigma: 12 }) },
  ];
  return list;
}

function clipOf(r: Recipe, v: Variation, suite: boolean): Scenario {
  return {
    name: suite ? `${r.family}~${v.clip}` : r.family,
    family: r.family,
    description: r.description(v),
    expect: r.expect,
    expectNoFace: r.expect === 'no_face',
    spec: r.build(v),
  };
}

/** The quick set: one published clip per scenario (20 s; 30 s for the heart-rate ramps). */
export function scenarios(): Scenario[] {
  return recipes().map((r) => clipOf(r, published(r.publishedSeconds ?? 20), false));
}

/** The full benchmark: `clips` independent clips per scenario, each `durationSeconds` long. */
export function benchmarkSuite(options: { clips: number; durationSeconds: number }): Scenario[] {
  return recipes().flatMap((r) => Array.from({ length: options.clips }, (_, k) => clipOf(r, variation(r.family, k, options.durationSeconds), true)));
}

/**
 * A webcam-like clip for the browser test: 320x240 at 15 fps, face centred, sitting still,
 * with the given heart rate.
 */
export function webcamScenario(bpm: number, seconds: number): Scenario {
  return {
    name: 'webcam',
    family: 'webcam',
    description: `320x240 webcam view, still, ${bpm} bpm`,
    expect: 'pulse',
    expectNoFace: false,
    spec: base(201, bpm, published(seconds), {
      width: 320,
      height: 240,
      fps: 15,
      timestampJitter: 0,
      pulseAmplitude: 0.004,
      jpegQuality: 90,
      pose: (t) => ({ ...tremor(201)(t), tx: 22, ty: 80, scale: 0.62 }),
    }),
  };
}

/** A clip by name: a quick-set scenario (`still`) or a full-suite clip (`still~2`, `durationSeconds` long). */
export function scenario(name: string, durationSeconds = 60): Scenario {
  const [family, clip] = name.split('~');
  const s =
    clip === undefined
      ? scenarios().find((x) => x.name === name)
      : benchmarkSuite({ clips: Number(clip) + 1, durationSeconds }).find((x) => x.name === name && x.family === family);
  if (!s) throw new Error(`unknown scenario "${name}"`);
  return s;
}
