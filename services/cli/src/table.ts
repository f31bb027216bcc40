/** The analysis as text: one row per second, then a summary. */
import type { VideoResult } from '@pulsecam/contracts';

const cell = (v: string, width: number) => v.padStart(width);

export function seriesTable(result: VideoResult): string {
  const lines = [`${cell('t (s)', 7)} ${cell('bpm', 6)} ${cell('confidence', 10)} ${cell('quality', 7)}  guidance`];
  for (const row of result.series) {
    lines.push(
      `${cell(row.t.toFixed(0), 7)} ${cell(row.bpm === null ? '-' : row.bpm.toFixed(1), 6)} ${cell(row.confidence, 10)} ${cell(row.quality.toFixed(2), 7)}  ${row.guidance.join(', ')}`,
    );
  }
  return lines.join('\n');
}

export function summaryText(result: VideoResult): string {
  const s = result.summary;
  const pct = (v: number) => `${Math.round(v * 100)} %`;
  const bpm = (v: number | null) => (v === null ? '-' : `${v.toFixed(1)} bpm`);
  // Withheld values: the benchmark has not yet shown them accurate at any quality (README, accuracy).
  const withheld = (v: number | null, unit: string, q: number | null) =>
    v !== null ? `${v.toFixed(1)} ${unit}` : `not reported (median quality ${q === null ? '-' : q.toFixed(2)}; not yet accurate enough on the benchmark to report)`;
  return [
    `${result.source.name}: ${result.source.duration_seconds.toFixed(1)} s, ${result.source.frames} frames${result.source.fps ? ` at ${result.source.fps} fps` : ''}, ${result.source.width}x${result.source.height}; method ${result.method}`,
    `heart rate: median ${bpm(s.median_bpm)}, range ${bpm(s.min_bpm)} – ${bpm(s.max_bpm)}`,
    `answered:   ${pct(s.answered_share)} of the seconds after warm-up; face found in ${pct(s.face_share)} of frames; pulse detected: ${s.pulse_detected === null ? 'undecided' : s.pulse_detected ? 'yes' : 'no'}`,
    `HRV (RMSSD): ${withheld(s.rmssd_ms, 'ms', s.hrv_quality)}`,
    `breathing:   ${withheld(s.breathing_rate, 'breaths/min', s.breathing_quality)}`,
    `analysed in ${result.timing.seconds.toFixed(1)} s (${result.timing.frames_per_second} frames/s)`,
  ].join('\n');
}

/** The series as CSV (one row per second; guidance codes joined by ';'). */
export function seriesCsv(result: VideoResult): string {
  const rows = ['t,bpm,confidence,quality,pulse_detected,guidance'];
  for (const r of result.series) {
    rows.push([r.t, r.bpm ?? '', r.confidence, r.quality, r.pulse_detected ?? '', r.guidance.join(';')].join(','));
  }
  return rows.join('\n') + '\n';
}
