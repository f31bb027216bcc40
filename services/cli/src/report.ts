/**
 * One self-contained HTML file for a person to look at: the summary, the heart-rate track with
 * its confidence band, the pulse waveform, the spectrum over time, and a few frames with the
 * face box and skin regions drawn. Images are inlined (data: URLs), so the file can be mailed.
 */
import sharp from 'sharp';
import type { SeriesPoint, Snapshot, VideoAnalysis } from '@pulsecam/analysis';
import { designBandPass, filtfilt, powerSpectrum } from '@pulsecam/dsp';
import { summaryText } from './table.ts';

const LOW_BPM = 40;
const HIGH_BPM = 180;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Power per whole bpm (LOW..HIGH) of one second's window, scaled to its own peak. */
function spectrumColumn(point: SeriesPoint): Float64Array | null {
  const w = point.estimate.waveform;
  if (!w || w.values.length < 16) return null;
  const spectrum = powerSpectrum(w.values, w.fs, 2048);
  const column = new Float64Array(HIGH_BPM - LOW_BPM + 1);
  for (let b = LOW_BPM; b <= HIGH_BPM; b++) column[b - LOW_BPM] = spectrum.power[Math.round(b / 60 / spectrum.binHz)] ?? 0;
  const peak = column.reduce((m, v) => Math.max(m, v), 0) || 1;
  return column.map((v) => v / peak);
}

/** The rates around the answer whose power is at least half the peak's: the band drawn around the track. */
function halfPowerBand(column: Float64Array, bpm: number): [number, number] {
  let i = Math.min(column.length - 1, Math.max(0, Math.round(bpm) - LOW_BPM));
  const level = column[i] / 2;
  let lo = i;
  while (lo > 0 && column[lo - 1] >= level) lo--;
  let hi = i;
  while (hi < column.length - 1 && column[hi + 1] >= level) hi++;
  return [lo + LOW_BPM, hi + LOW_BPM];
}

/** A perceptual dark-blue → yellow ramp (viridis, five stops). */
function colour(v: number): [number, number, number] {
  const stops: [number, number, number][] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const x = Math.max(0, Math.min(1, v)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  return stops[i].map((c, k) => Math.round(c + (stops[i + 1][k] - c) * f)) as [number, number, number];
}

async function spectrogramPng(columns: (Float64Array | null)[]): Promise<string> {
  const width = Math.max(1, columns.length);
  const height = HIGH_BPM - LOW_BPM + 1;
  const pixels = Buffer.alloc(width * height * 3);
  columns.forEach((col, x) => {
    for (let b = 0; b < height; b++) {
      const [r, g, bl] = col ? colour(Math.sqrt(col[b])) : [20, 20, 20];
      const o = ((height - 1 - b) * width + x) * 3;
      pixels[o] = r;
      pixels[o + 1] = g;
      pixels[o + 2] = bl;
    }
  });
  const png = await sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

interface Plot {
  width: number;
  height: number;
  x: (t: number) => number;
  y: (v: number) => number;
}

function axes(plot: Plot, tMax: number, yTicks: number[], yLabel: string): string {
  const parts: string[] = [];
  for (const v of yTicks) {
    parts.push(`<line x1="40" x2="${plot.width}" y1="${plot.y(v)}" y2="${plot.y(v)}" class="grid"/><text x="34" y="${plot.y(v) + 4}" class="tick" text-anchor="end">${v}</text>`);
  }
  const step = tMax > 240 ? 60 : tMax > 60 ? 15 : 5;
  for (let t = 0; t <= tMax; t += step) parts.push(`<text x="${plot.x(t)}" y="${plot.height - 4}" class="tick" text-anchor="middle">${t}s</text>`);
  parts.push(`<text x="4" y="${plot.height / 2}" class="tick" transform="rotate(-90 10 ${plot.height / 2})" text-anchor="middle">${yLabel}</text>`);
  return parts.join('');
}

function heartRateSvg(analysis: VideoAnalysis, columns: (Float64Array | null)[], tMax: number): string {
  const rates = analysis.result.series.map((r) => r.bpm).filter((b): b is number => b !== null);
  const lo = Math.max(LOW_BPM, Math.floor(((rates.length ? Math.min(...rates) : 60) - 15) / 10) * 10);
  const hi = Math.min(HIGH_BPM + 20, Math.ceil(((rates.length ? Math.max(...rates) : 100) + 15) / 10) * 10);
  const plot: Plot = { width: 900, height: 240, x: (t) => 40 + (t / Math.max(tMax, 1)) * 850, y: (v) => 10 + ((hi - v) / (hi - lo)) * 205 };
  const band: string[] = [];
  const segments: string[][] = [[]];
  analysis.result.series.forEach((row, i) => {
    const col = columns[i];
    if (row.bpm === null) {
      if (segments[segments.length - 1].length) segments.push([]);
      return;
    }
    segments[segments.length - 1].push(`${plot.x(row.t).toFixed(1)},${plot.y(row.bpm).toFixed(1)}`);
    if (col) {
      const [a, b] = halfPowerBand(col, row.bpm);
      band.push(`<rect x="${(plot.x(row.t) - 425 / Math.max(tMax, 1)).toFixed(1)}" width="${(850 / Math.max(tMax, 1)).toFixed(2)}" y="${plot.y(Math.min(hi, b + 0.5)).toFixed(1)}" height="${Math.max(1, plot.y(Math.max(lo, a - 0.5)) - plot.y(Math.min(hi, b + 0.5))).toFixed(1)}" class="band"/>`);
    }
  });
  const ticks = Array.from({ length: Math.floor((hi - lo) / 20) + 1 }, (_, k) => lo + k * 20);
  const lines = segments.filter((s) => s.length > 1).map((s) => `<polyline points="${s.join(' ')}" class="track"/>`);
  const dots = segments.filter((s) => s.length === 1).map((s) => `<circle cx="${s[0].split(',')[0]}" cy="${s[0].split(',')[1]}" r="2" class="dot"/>`);
  return `<svg viewBox="0 0 ${plot.width} ${plot.height}" role="img" aria-label="Heart rate over time">${axes(plot, tMax, ticks, 'bpm')}${band.join('')}${lines.join('')}${dots.join('')}</svg>`;
}

function waveformSvg(analysis: VideoAnalysis, tMax: number): string {
  const pulse = analysis.result.pulse;
  if (!pulse || pulse.values.length < 2) return '<p class="muted">No pulse waveform: no second was answered.</p>';
  // Shown narrowed around the median rate (fundamental to first harmonic), as beats are timed:
  // each second's stretch was scaled on its own, and the narrowing smooths the joins.
  const hz = (analysis.result.summary.median_bpm ?? 72) / 60;
  const narrowed = filtfilt(Float64Array.from(pulse.values), designBandPass(Math.max(0.4, 0.6 * hz), Math.min(pulse.fs / 2 - 0.5, 2.2 * hz), pulse.fs, 2));
  const shown = Math.min(narrowed.length, Math.round(30 * pulse.fs));
  const tail = Array.from(narrowed.subarray(narrowed.length - shown));
  const peak = tail.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
  const values = tail.map((v) => v / peak);
  const plot: Plot = { width: 900, height: 160, x: (i) => 40 + (i / (shown - 1)) * 850, y: (v) => 80 - v * 60 };
  const points = values.map((v, i) => `${plot.x(i).toFixed(1)},${plot.y(v).toFixed(1)}`).join(' ');
  const seconds = shown / pulse.fs;
  return `<svg viewBox="0 0 900 160" role="img" aria-label="Pulse waveform"><line x1="40" x2="890" y1="80" y2="80" class="grid"/><polyline points="${points}" class="pulse"/><text x="4" y="12" class="tick">pulse (last ${seconds.toFixed(0)} s of ${tMax.toFixed(0)} s)</text></svg>`;
}

function snapshotFigure(s: Snapshot): string {
  const src = `data:image/jpeg;base64,${s.jpeg.toString('base64')}`;
  const poly = (p: [number, number][]) => p.map(([x, y]) => `${x},${y}`).join(' ');
  const overlay = s.face
    ? `<rect x="${s.face.box.x}" y="${s.face.box.y}" width="${s.face.box.width}" height="${s.face.box.height}" class="box"/>` +
      Object.values(s.face.regions).map((p) => `<polygon points="${poly(p)}" class="region"/>`).join('')
    : `<text x="8" y="20" class="warn">no face</text>`;
  return `<figure><svg viewBox="0 0 ${s.width} ${s.height}"><image href="${src}" width="${s.width}" height="${s.height}"/>${overlay}</svg><figcaption>${(s.tMs / 1000).toFixed(1)} s</figcaption></figure>`;
}

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:960px;color:#1d1d1f;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem} h2{font-size:1.1rem;margin-top:2rem}
.big{font-size:3rem;font-weight:700;margin:.5rem 0 0} .muted{color:#666}
pre{background:#f5f5f7;padding:.8rem;border-radius:6px;white-space:pre-wrap}
svg{width:100%;height:auto;display:block} .grid{stroke:#ddd;stroke-width:1} .tick{font-size:11px;fill:#666}
.track{fill:none;stroke:#d70015;stroke-width:2} .dot{fill:#d70015} .band{fill:#d70015;opacity:.18}
.pulse{fill:none;stroke:#0066cc;stroke-width:1.2}
.spectro{position:relative} .spectro img{width:100%;height:220px;image-rendering:pixelated;display:block}
.spectro span{position:absolute;right:4px;font-size:11px;color:#fff;text-shadow:0 0 2px #000}
.frames{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px} figure{margin:0}
figcaption{font-size:12px;color:#666;text-align:center} .box{fill:none;stroke:#34c759;stroke-width:2}
.region{fill:#ff9500;fill-opacity:.35;stroke:#ff9500;stroke-width:2} .warn{fill:#ff3b30;font-size:16px}
`;

export async function htmlReport(analysis: VideoAnalysis): Promise<string> {
  const { result, points, trace } = analysis;
  const tMax = result.source.duration_seconds;
  const columns = points.map(spectrumColumn);
  const spectrogram = await spectrogramPng(columns);
  const s = result.summary;
  const headline = s.median_bpm === null ? 'No heart rate' : `${s.median_bpm.toFixed(0)} bpm`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Pulsecam: ${escapeHtml(result.source.name)}</title><style>${STYLE}</style></head><body>
<h1>Pulsecam report: ${escapeHtml(result.source.name)}</h1>
<p class="big">${headline}</p>
<p class="muted">median heart rate, ${Math.round(s.answered_share * 100)} % of seconds answered · for research and wellness, not diagnosis</p>
<pre>${escapeHtml(summaryText(result))}</pre>
<h2>Heart rate over time</h2>
<p class="muted">The line is the rate answered each second; the shaded band spans the rates whose spectral power is at least half the peak's in that second's window (narrow: a clear pulse).</p>
${heartRateSvg(analysis, columns, tMax)}
<h2>Pulse waveform</h2>
${waveformSvg(analysis, tMax)}
<h2>Spectrum over time</h2>
<p class="muted">Each column is one second's analysis window, ${LOW_BPM}–${HIGH_BPM} bpm from bottom to top, bright where the pulse has power.</p>
<div class="spectro"><img alt="Spectrum of the pulse over time" src="${spectrogram}"><span style="top:0">${HIGH_BPM} bpm</span><span style="top:50%">${(LOW_BPM + HIGH_BPM) / 2}</span><span style="bottom:0">${LOW_BPM}</span></div>
<h2>Frames</h2>
<p class="muted">Face box (green) and the skin regions measured (orange).</p>
<div class="frames">${trace.snapshots.map(snapshotFigure).join('')}</div>
</body></html>
`;
}
