/**
 * Ground truth physiology: a heart-rate trajectory, beat times with natural variability
 * (respiratory sinus arrhythmia plus random jitter), a blood-volume pulse waveform with a
 * systolic peak and dicrotic notch, and breathing that modulates baseline and amplitude.
 */
import { gaussian, mulberry32 } from './random.ts';

export interface PhysiologySpec {
  /** Heart rate in bpm as a function of time in seconds. */
  heartRate: (t: number) => number;
  /** Breaths per minute. */
  breathingRate: number;
  /** Beat-to-beat jitter, standard deviation in seconds. */
  beatJitter: number;
  /** Respiratory sinus arrhythmia: fraction of the RR interval modulated by breathing. */
  rsa: number;
  seed: number;
}

export interface Physiology {
  /** Blood-volume pulse at time t, roughly in [-1, 1] with zero mean. */
  pulse(t: number): number;
  /** Breathing signal in [-1, 1]. */
  breath(t: number): number;
  /** Beat onset times (seconds) up to the duration asked for. */
  beats: number[];
  /** True heart rate at time t in bpm (from the trajectory). */
  heartRate(t: number): number;
}

/** One heartbeat's waveform over phase u in [0, 1): fast systolic rise, slower decay, dicrotic bump. */
export function beatShape(u: number): number {
  const systolic = Math.exp(-((u - 0.18) ** 2) / (2 * 0.07 ** 2));
  const dicrotic = 0.35 * Math.exp(-((u - 0.5) ** 2) / (2 * 0.08 ** 2));
  const decay = 0.25 * Math.exp(-((u - 0.32) ** 2) / (2 * 0.15 ** 2));
  return systolic + dicrotic + decay - 0.36;
}

export function createPhysiology(spec: PhysiologySpec, durationSeconds: number): Physiology {
  const noise = gaussian(mulberry32(spec.seed));
  const breathHz = spec.breathingRate / 60;
  const breath = (t: number) => Math.sin(2 * Math.PI * breathHz * t);
  const beats: number[] = [0];
  let t = 0;
  while (t < durationSeconds + 5) {
    const rr = 60 / spec.heartRate(t);
    const next = rr * (1 - spec.rsa * breath(t)) + spec.beatJitter * noise();
    t += Math.max(0.25, next);
    beats.push(t);
  }
  const beatIndexAt = (time: number): number => {
    let lo = 0;
    let hi = beats.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (beats[mid] <= time) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  return {
    beats,
    breath,
    heartRate: spec.heartRate,
    pulse(time: number) {
      const i = beatIndexAt(time);
      const u = (time - beats[i]) / (beats[i + 1] - beats[i]);
      // Breathing modulates pulse amplitude by +-15%.
      return beatShape(Math.min(Math.max(u, 0), 0.999)) * (1 + 0.15 * breath(time));
    },
  };
}

/** Heart rate over the window [t0, t1], from beat times: beats inside the window over their span. */
export function meanHeartRate(physiology: Physiology, t0: number, t1: number): number {
  const inside = physiology.beats.filter((b) => b >= t0 && b <= t1);
  if (inside.length < 2) return physiology.heartRate((t0 + t1) / 2);
  return ((inside.length - 1) / (inside[inside.length - 1] - inside[0])) * 60;
}
