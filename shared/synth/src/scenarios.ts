/**
 * The benchmark's scenarios: each a full scene description with a known, possibly time-varying,
 * heart rate. Amplitudes follow real skin: a few tenths of a percent of the green level for light
 * skin, less for darker skin.
 */
import { STILL, type Pose, type SceneSpec } from './scene.ts';
import { smoothWander } from './random.ts';

export interface Scenario {
  name: string;
  description: string;
  /** true: the right answer is "no heart rate" (no usable face in view). */
  expectNoFace: boolean;
  spec: SceneSpec;
}

const deg = Math.PI / 180;

function base(seed: number, bpm: number, overrides: Partial<SceneSpec> = {}): SceneSpec {
  return {
    width: 512,
    height: 512,
    fps: 30,
    durationSeconds: 20,
    timestampJitter: 0.15,
    dropRate: 0,
    physiology: { heartRate: () => bpm, breathingRate: 15, beatJitter: 0.015, rsa: 0.03, seed },
    pulseAmplitude: 0.003,
    skinTone: [1, 1, 1],
    pose: tremor(seed),
    gains: () => [1, 1, 1],
    shading: 0.15,
    glare: 0,
    noiseSigma: 2,
    jpegQuality: 85,
    blurSigma: 0,
    seed,
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

/** Linear heart-rate ramp between two rates over [t0, t1], flat outside. */
function ramp(from: number, to: number, t0: number, t1: number): (t: number) => number {
  return (t) => (t <= t0 ? from : t >= t1 ? to : from + ((to - from) * (t - t0)) / (t1 - t0));
}

export function scenarios(): Scenario[] {
  const list: Scenario[] = [
    { name: 'still', description: 'Sitting still, even light, 72 bpm', expectNoFace: false, spec: base(101, 72) },
    { name: 'still_slow_hr', description: 'Still, resting 46 bpm', expectNoFace: false, spec: base(102, 46) },
    {
      name: 'mild_motion',
      description: 'Slow sway and turns (8 px, 3°, 0.25 Hz), 64 bpm',
      expectNoFace: false,
      spec: base(103, 64, { pose: motion(103, 8, 3, 0.02, 0.25), shading: 0.2 }),
    },
    {
      name: 'fast_motion',
      description: 'Fast translation, rotation and scale (30 px, 8°, 6 %, up to 0.7 Hz) under side light and moving glare, 95 bpm',
      expectNoFace: false,
      spec: base(104, 95, { pose: motion(104, 30, 8, 0.06, 0.7), shading: 0.3, glare: 30 }),
    },
    {
      name: 'head_bob',
      description: 'Rhythmic head bob at 1.25 Hz (75/min, inside the band) with HR 110 bpm',
      expectNoFace: false,
      spec: base(105, 110, {
        pose: (t) => ({ tx: 0, ty: 7 * Math.sin(2 * Math.PI * 1.25 * t), rot: 1.5 * deg * Math.sin(2 * Math.PI * 1.25 * t + 0.5), scale: 1 }),
        shading: 0.3,
        glare: 20,
      }),
    },
    {
      name: 'light_drift_steps',
      description: 'Illumination drifting ±15 % plus two 12 % steps, 58 bpm',
      expectNoFace: false,
      spec: base(106, 58, {
        gains: (() => {
          const w = smoothWander(106, 0.08);
          return (t: number) => {
            const g = (1 + 0.15 * w(t)) * (t > 8 ? 1.12 : 1) * (t > 16 ? 0.88 : 1);
            return [g, g, g] as const;
          };
        })(),
      }),
    },
    {
      name: 'flicker_in_band',
      description: 'Warm light flickering 1.5 % at 1.6 Hz (96/min, in band), HR 82 bpm',
      expectNoFace: false,
      spec: base(107, 82, {
        gains: (t) => {
          const f = 0.015 * Math.sin(2 * Math.PI * 1.6 * t);
          return [1 + f, 1 + 0.8 * f, 1 + 0.5 * f] as const;
        },
      }),
    },
    {
      name: 'white_balance_wander',
      description: 'Camera auto white balance and exposure wandering per channel (±6 %, up to 0.3 Hz), 76 bpm',
      expectNoFace: false,
      spec: base(108, 76, {
        gains: (() => {
          const e = smoothWander(208, 0.2);
          const r = smoothWander(308, 0.3);
          const b = smoothWander(408, 0.3);
          return (t: number) => {
            const exposure = 1 + 0.08 * e(t);
            return [exposure * (1 + 0.06 * r(t)), exposure, exposure * (1 + 0.06 * b(t))] as const;
          };
        })(),
      }),
    },
    {
      name: 'darker_skin',
      description: 'Darker skin (reflectance ×0.45/0.36/0.32), pulse 0.15 %, more noise, mild sway, 68 bpm',
      expectNoFace: false,
      spec: base(109, 68, {
        skinTone: [0.45, 0.36, 0.32],
        pulseAmplitude: 0.0015,
        noiseSigma: 3,
        pose: motion(109, 5, 2, 0.01, 0.2),
      }),
    },
    {
      name: 'small_face',
      description: 'Face at 45 % size (far from camera), pulse 0.25 %, 88 bpm',
      expectNoFace: false,
      spec: base(110, 88, { pulseAmplitude: 0.0025, noiseSigma: 3, pose: (t) => ({ ...tremor(110)(t), scale: 0.45 }) }),
    },
    {
      name: 'exercise_ramp',
      description: 'Heart rate climbing 85 → 150 bpm over 20 s, light sway',
      expectNoFace: false,
      spec: base(111, 85, {
        durationSeconds: 30,
        physiology: { heartRate: ramp(85, 150, 5, 25), breathingRate: 24, beatJitter: 0.01, rsa: 0.02, seed: 111 },
        pose: motion(111, 6, 2, 0.01, 0.3),
      }),
    },
    {
      name: 'recovery_ramp',
      description: 'Heart rate falling 180 → 110 bpm over 20 s',
      expectNoFace: false,
      spec: base(112, 180, {
        durationSeconds: 30,
        physiology: { heartRate: ramp(180, 110, 5, 25), breathingRate: 22, beatJitter: 0.008, rsa: 0.02, seed: 112 },
      }),
    },
    {
      name: 'low_fps_irregular',
      description: '15 fps with irregular timing and 10 % dropped frames, 52 bpm',
      expectNoFace: false,
      spec: base(113, 52, { fps: 15, timestampJitter: 0.6, dropRate: 0.1 }),
    },
    {
      name: 'heavy_jpeg',
      description: 'JPEG quality 30, 125 bpm',
      expectNoFace: false,
      spec: base(114, 125, { jpegQuality: 30 }),
    },
    {
      name: 'several_faces',
      description: 'A second, smaller person (pulse 100 bpm) beside the subject (70 bpm)',
      expectNoFace: false,
      spec: base(115, 70, {
        width: 800,
        pose: (t) => ({ ...tremor(115)(t), tx: -144 }),
        bystander: { pose: { tx: 260, ty: 40, rot: 0, scale: 0.5 }, heartRate: 100 },
      }),
    },
    {
      name: 'no_face',
      description: 'Camera on the torso: no face in view (light flicker present)',
      expectNoFace: true,
      spec: base(116, 75, {
        pose: () => ({ ...STILL, ty: -330 }),
        gains: (t) => {
          const f = 0.01 * Math.sin(2 * Math.PI * 1.2 * t);
          return [1 + f, 1 + f, 1 + f] as const;
        },
      }),
    },
    {
      name: 'blurred_face',
      description: 'Face out of focus (Gaussian blur σ = 12 px)',
      expectNoFace: true,
      spec: base(117, 80, { blurSigma: 12 }),
    },
  ];
  return list;
}

/**
 * A webcam-like clip for the browser test: 320x240 at 15 fps, face centred, sitting still,
 * with the given heart rate.
 */
export function webcamScenario(bpm: number, seconds: number): Scenario {
  return {
    name: 'webcam',
    description: `320x240 webcam view, still, ${bpm} bpm`,
    expectNoFace: false,
    spec: base(201, bpm, {
      width: 320,
      height: 240,
      fps: 15,
      durationSeconds: seconds,
      timestampJitter: 0,
      pulseAmplitude: 0.004,
      jpegQuality: 90,
      pose: (t) => ({ ...tremor(201)(t), tx: 22, ty: 80, scale: 0.62 }),
    }),
  };
}

export function scenario(name: string): Scenario {
  const s = scenarios().find((x) => x.name === name);
  if (!s) throw new Error(`unknown scenario "${name}"`);
  return s;
}
