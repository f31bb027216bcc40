/** Small dense linear algebra for regressions with a handful of regressors. */

/** Solves A x = b for symmetric positive definite A (Cholesky). A is n x n row-major. */
export function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  return solveCholesky(choleskyFactor(a, n), b, n);
}

/** The lower-triangular L with A = L Lᵀ (row-major, n x n); RangeError when A is not positive definite. */
export function choleskyFactor(a: Float64Array, n: number): Float64Array {
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
  return l;
}

/** Solves L Lᵀ x = b given choleskyFactor's L. */
export function solveCholesky(l: Float64Array, b: Float64Array, n: number): Float64Array {
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
  /** The Gram matrix's Cholesky factor, made once on the first apply (every signal shares it). */
  private factor: Float64Array | null = null;

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
      const ri = regressors[i];
      for (let j = 0; j <= i; j++) {
        const rj = regressors[j];
        let s = 0;
        for (let t = from; t < to; t++) s += ri[t] * rj[t];
        this.gram[i * k + j] = s;
        this.gram[j * k + i] = s;
      }
    }
    for (let i = 0; i < k; i++) this.gram[i * k + i] += ridge * (this.gram[i * k + i] || 1) + 1e-12;
  }

  /** Coefficients of the fit whose right-hand side (regressors · signal) is `rhs`. */
  private solve(rhs: Float64Array): Float64Array {
    this.factor ??= choleskyFactor(this.gram, this.k);
    return solveCholesky(this.factor, rhs, this.k);
  }

  /** The signal over [from, to) minus its fit on the regressors. */
  apply(signal: Float64Array): Float64Array {
    const { k, from, to, regressors } = this;
    const out = signal.slice(from, to);
    if (k === 0) return out;
    const rhs = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      const r = regressors[i];
      let s = 0;
      for (let t = from; t < to; t++) s += r[t] * signal[t];
      rhs[i] = s;
    }
    const beta = this.solve(rhs);
    for (let i = 0; i < k; i++) {
      const b = beta[i];
      const r = regressors[i];
      for (let t = 0, n = out.length; t < n; t++) out[t] -= b * r[from + t];
    }
    return out;
  }

  /**
   * apply() of three signals (a colour's channels), the same values: each regressor is read once
   * for the three, and their sums interleave.
   */
  applyThree(signals: readonly Float64Array[]): Float64Array[] {
    if (signals.length !== 3) throw new RangeError('applyThree takes three signals');
    const { k, from, to, regressors } = this;
    const [x0, x1, x2] = signals;
    const out0 = x0.slice(from, to);
    const out1 = x1.slice(from, to);
    const out2 = x2.slice(from, to);
    if (k === 0) return [out0, out1, out2];
    const rhs0 = new Float64Array(k);
    const rhs1 = new Float64Array(k);
    const rhs2 = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      const r = regressors[i];
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      for (let t = from; t < to; t++) {
        const rt = r[t];
        s0 += rt * x0[t];
        s1 += rt * x1[t];
        s2 += rt * x2[t];
      }
      rhs0[i] = s0;
      rhs1[i] = s1;
      rhs2[i] = s2;
    }
    const beta0 = this.solve(rhs0);
    const beta1 = this.solve(rhs1);
    const beta2 = this.solve(rhs2);
    for (let i = 0; i < k; i++) {
      const b0 = beta0[i];
      const b1 = beta1[i];
      const b2 = beta2[i];
      const r = regressors[i];
      for (let t = 0, n = out0.length; t < n; t++) {
        const rt = r[from + t];
        out0[t] -= b0 * rt;
        out1[t] -= b1 * rt;
        out2[t] -= b2 * rt;
      }
    }
    return [out0, out1, out2];
  }
}

/** Removes from each signal the part explained by the regressors over [from, to). */
export function regressOut(signals: Float64Array[], regressors: Float64Array[], from: number, to: number, ridge = 1e-3): Float64Array[] {
  const regression = new Regression(regressors, from, to, ridge);
  return signals.map((s) => regression.apply(s));
}
