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
 * Removes from each signal the part explained by the regressors (least squares with a small
 * ridge, relative to the regressors' energy). Signals and regressors share the range [from, to).
 */
export function regressOut(signals: Float64Array[], regressors: Float64Array[], from: number, to: number, ridge = 1e-3): Float64Array[] {
  const k = regressors.length;
  const len = to - from;
  if (k === 0) return signals.map((s) => s.slice(from, to));
  const gram = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = from; t < to; t++) s += regressors[i][t] * regressors[j][t];
      gram[i * k + j] = s;
      gram[j * k + i] = s;
    }
  }
  for (let i = 0; i < k; i++) gram[i * k + i] += ridge * (gram[i * k + i] || 1) + 1e-12;
  return signals.map((sig) => {
    const rhs = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let t = from; t < to; t++) s += regressors[i][t] * sig[t];
      rhs[i] = s;
    }
    const beta = solveSpd(gram, rhs, k);
    const out = new Float64Array(len);
    for (let t = 0; t < len; t++) {
      let fit = 0;
      for (let i = 0; i < k; i++) fit += beta[i] * regressors[i][from + t];
      out[t] = sig[from + t] - fit;
    }
    return out;
  });
}
