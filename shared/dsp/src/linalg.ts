/** Small dense linear algebra for regressions with a handful of regressors. */

/** Solves A x = b for symmetric positive definite A (Cholesky). A is n x n row-major. */
export function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (s <= 0) throw new RangeError('matrix is not positive definite');
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

/**
 * Least-squares removal of what a set of regressors explains, over the range [from, to). The
 * Gram matrix (with a small ridge relative to each regressor's energy) is built once; `apply`
 * then costs one dot product per regressor per signal.
 */
export class Regression {
  private readonly gram: Float64Array;
  private readonly k: number;

  constructor(
    private readonly regressors: Float64Array[],
    private readonly from: number,
    private readonly to: number,
    ridge = 1e-3,
  ) {
    const k = regressors.length;
    this.k = k;
    this.gram = new Float64Array(k * k);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let t = from; t < to; t++) s += regressors[i][t] * regressors[j][t];
        this.gram[i * k + j] = s;
        this.gram[j * k + i] = s;
      }
    }
    for (let i = 0; i < k; i++) this.gram[i * k + i] += ridge * (this.gram[i * k + i] || 1) + 1e-12;
  }

  /** The signal over [from, to) minus its fit on the regressors. */
  apply(signal: Float64Array): Float64Array {
    const { k, from, to, regressors } = this;
    const out = signal.slice(from, to);
    if (k === 0) return out;
    const rhs = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let t = from; t < to; t++) s += regressors[i][t] * signal[t];
      rhs[i] = s;
    }
    const beta = solveSpd(this.gram, rhs, k);
    for (let i = 0; i < k; i++) {
      const b = beta[i];
      const r = regressors[i];
      for (let t = 0; t < out.length; t++) out[t] -= b * r[from + t];
    }
    return out;
  }
}

/** Removes from each signal the part explained by the regressors over [from, to). */
export function regressOut(signals: Float64Array[], regressors: Float64Array[], from: number, to: number, ridge = 1e-3): Float64Array[] {
  const regression = new Regression(regressors, from, to, ridge);
  return signals.map((s) => regression.apply(s));
}
