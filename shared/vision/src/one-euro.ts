/**
 * The One-Euro filter (Casiez, Roussel and Vogel, CHI 2012) over a vector: a low-pass whose
 * cutoff rises with speed, so a still value is smoothed hard and a moving one is followed with
 * little lag. Its state is plain numbers, so it can be stored between frames (and workers).
 */

export interface OneEuroParams {
  /** Cutoff (Hz) when still: lower removes more jitter. */
  minCutoff: number;
  /** How fast the cutoff rises with speed (per unit/s of the value). */
  beta: number;
  /** Cutoff (Hz) of the speed estimate itself. */
  derivativeCutoff: number;
}

export interface OneEuroState {
  value: number[];
  speed: number[];
}

function smoothingFactor(cutoffHz: number, dtSeconds: number): number {
  const tau = 1 / (2 * Math.PI * cutoffHz);
  return 1 / (1 + tau / dtSeconds);
}

/**
 * One step: the filtered vector and the new state. `units` scales each component's speed before
 * `beta` applies (so translations in pixels and angles in radians can share one parameter set).
 * A first call (no state) or a non-positive time step passes the value through.
 */
export function oneEuroStep(
  state: OneEuroState | null,
  value: readonly number[],
  dtSeconds: number,
  params: OneEuroParams,
  units: readonly number[] = value.map(() => 1),
): OneEuroState {
  if (!state || state.value.length !== value.length || !(dtSeconds > 0)) {
    return { value: [...value], speed: value.map(() => 0) };
  }
  const aSpeed = smoothingFactor(params.derivativeCutoff, dtSeconds);
  const out: OneEuroState = { value: [], speed: [] };
  for (let i = 0; i < value.length; i++) {
    const rawSpeed = (value[i] - state.value[i]) / dtSeconds;
    const speed = state.speed[i] + aSpeed * (rawSpeed - state.speed[i]);
    const cutoff = params.minCutoff + params.beta * Math.abs(speed / units[i]);
    const a = smoothingFactor(cutoff, dtSeconds);
    out.value.push(state.value[i] + a * (value[i] - state.value[i]));
    out.speed.push(speed);
  }
  return out;
}
