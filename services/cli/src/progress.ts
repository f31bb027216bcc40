/**
 * A progress bar on stderr: frames done, frames per second, time left. Drawn in place on a
 * terminal; elsewhere (logs, CI) one line every tenth of the way. Silent for short runs.
 */
export class ProgressBar {
  private readonly started = performance.now();
  private lastDraw = 0;
  private lastTenth = -1;
  private drawn = false;

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
    /** Nothing is drawn before this much time has passed (short runs stay quiet). */
    private readonly quietMs = 2000,
  ) {}

  update(done: number): void {
    const now = performance.now();
    const elapsed = now - this.started;
    if (elapsed < this.quietMs) return;
    const share = Math.min(1, done / this.total);
    const fps = done / (elapsed / 1000);
    const left = fps > 0 ? Math.max(0, this.total - done) / fps : NaN;
    const line = `${Math.round(share * 100).toString().padStart(3)}% ${done}/${this.total} frames · ${fps.toFixed(1)} fps · ${formatDuration(left)} left`;
    if (this.out.isTTY) {
      if (now - this.lastDraw < 100) return;
      this.lastDraw = now;
      const width = 28;
      const filled = Math.round(share * width);
      this.out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${line}\x1b[K`);
      this.drawn = true;
    } else {
      const tenth = Math.floor(share * 10);
      if (tenth === this.lastTenth) return;
      this.lastTenth = tenth;
      this.out.write(`pulsecam: ${line}\n`);
    }
  }

  /** Clears the in-place bar before other output. */
  finish(): void {
    if (this.drawn && this.out.isTTY) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}
