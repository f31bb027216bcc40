/**
 * A session's tracker history (the DSP core's TrackerHistory) as bytes for Redis: every number
 * kept exactly (float64), so an estimate from the stored history equals one from the history in
 * memory. Layout: "PTH1", layout length (u16) and UTF-8 text, window count (u16), states (u16),
 * then per window endT (f64), samples (u32), peakBpm (f64) and the emissions (f64 each).
 */
import type { TrackerHistory } from '@pulsecam/dsp';

const MAGIC = 'PTH1';

export function encodeTracker(history: TrackerHistory): Buffer {
  const layout = Buffer.from(history.layout, 'utf8');
  const states = history.windows[0]?.emission.length ?? 0;
  const size = MAGIC.length + 2 + layout.length + 4 + history.windows.length * (20 + 8 * states);
  const out = Buffer.alloc(size);
  let at = out.write(MAGIC, 0, 'latin1');
  at = out.writeUInt16LE(layout.length, at);
  at += layout.copy(out, at);
  at = out.writeUInt16LE(history.windows.length, at);
  at = out.writeUInt16LE(states, at);
  for (const w of history.windows) {
    if (w.emission.length !== states) throw new RangeError('every tracker window must have the same number of states');
    at = out.writeDoubleLE(w.endT, at);
    at = out.writeUInt32LE(w.samples, at);
    at = out.writeDoubleLE(w.peakBpm, at);
    for (const v of w.emission) at = out.writeDoubleLE(v, at);
  }
  return out;
}

/** The history, or null when the bytes are not one (another version wrote them, or they are cut short). */
export function decodeTracker(bytes: Buffer | null): TrackerHistory | null {
  if (!bytes || bytes.length < MAGIC.length + 6 || bytes.toString('latin1', 0, MAGIC.length) !== MAGIC) return null;
  let at = MAGIC.length;
  const layoutLength = bytes.readUInt16LE(at);
  at += 2;
  if (bytes.length < at + layoutLength + 4) return null;
  const layout = bytes.toString('utf8', at, at + layoutLength);
  at += layoutLength;
  const count = bytes.readUInt16LE(at);
  const states = bytes.readUInt16LE(at + 2);
  at += 4;
  if (bytes.length !== at + count * (20 + 8 * states)) return null;
  const windows: TrackerHistory['windows'] = [];
  for (let i = 0; i < count; i++) {
    const endT = bytes.readDoubleLE(at);
    const samples = bytes.readUInt32LE(at + 8);
    const peakBpm = bytes.readDoubleLE(at + 12);
    at += 20;
    const emission = new Float64Array(states);
    for (let s = 0; s < states; s++, at += 8) emission[s] = bytes.readDoubleLE(at);
    windows.push({ endT, samples, peakBpm, emission });
  }
  return { layout, windows };
}
