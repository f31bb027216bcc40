/**
 * Irregular capture timestamps onto a uniform grid. Where several input samples fall in one output
 * bin (input faster than the grid) they are averaged, which acts as an anti-alias filter; where none
 * do (input slower than the grid, or a dropped frame) the value is linearly interpolated between the
 * neighbouring samples. Gaps longer than `maxGapSeconds` are reported so callers can cut the trace.
 */
export interface UniformSeries {
  /** Time of the first grid point, in the input's time unit (seconds). */
  start: number;
  fs: number;
  channels: Float64Array[];
  /** Length of the longest stretch (seconds) that had to be filled without any input sample. */
  longestGapSeconds: number;
}

export function resampleUniform(
  timesSeconds: ArrayLike<number>,
  channels: ArrayLike<number>[],
  fs: number,
): UniformSeries {
  const n = timesSeconds.length;
  if (n < 2) throw new RangeError('resampleUniform needs at least two samples');
  for (const ch of channels) {
    if (ch.length !== n) throw new RangeError('every channel must have one value per timestamp');
  }
  for (let i = 1; i < n; i++) {
    if (!(timesSeconds[i] >= timesSeconds[i - 1])) throw new RangeError('timestamps must be sorted ascending');
  }
  const start = timesSeconds[0];
  const duration = timesSeconds[n - 1] - start;
  const length = Math.floor(duration * fs) + 1;
  const step = 1 / fs;
  const out = channels.map(() => new Float64Array(length));
  let lo = 0;
  let longestGap = 0;
  for (let k = 0; k < length; k++) {
    const center = start + k * step;
    const binStart = center - step / 2;
    const binEnd = center + step / 2;
    while (lo < n && timesSeconds[lo] < binStart) lo++;
    let hi = lo;
    while (hi < n && timesSeconds[hi] < binEnd) hi++;
    if (hi > lo) {
      for (let c = 0; c < channels.length; c++) {
        let sum = 0;
        for (let i = lo; i < hi; i++) sum += channels[c][i];
        out[c][k] = sum / (hi - lo);
      }
      continue;
    }
    // No sample in this bin: interpolate between the last sample before and the first after.
    const before = lo - 1;
    const after = lo < n ? lo : n - 1;
    const t0 = timesSeconds[Math.max(before, 0)];
    const t1 = timesSeconds[after];
    longestGap = Math.max(longestGap, t1 - t0);
    const w = t1 > t0 ? (center - t0) / (t1 - t0) : 0;
    for (let c = 0; c < channels.length; c++) {
      const v0 = channels[c][Math.max(before, 0)];
      const v1 = channels[c][after];
      out[c][k] = v0 + (v1 - v0) * w;
    }
  }
  return { start, fs, channels: out, longestGapSeconds: longestGap };
}
