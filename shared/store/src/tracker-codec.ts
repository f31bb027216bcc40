/**
 * A session's tracker history (the DSP core's TrackerHistory) as bytes for Redis: every number
 * kept exactly (the emissions are single precision in the core already), so an estimate from the
 * stored history equals one from the history in memory. Layout: "PTH2", layout length (u16) and
 * UTF-8 text, window count (u16), states (u16), then per window endT (f64), samples (u32),
 * peakBpm (f64) and the emissions (f32 each, little-endian, copied as one block).
 */
import type { TrackerHistory } from '@pulsecam/dsp';

const MAGIC = 'PTH2';
const WINDOW_HEAD = 20;

export function encodeTracker(history: TrackerHistory): Buffer {
  const layout = Buffer.from(history.layout, 'utf8');
  const states = history.windows[0]?.emission.length ?? 0;
  const size = MAGIC.length + 2 + layout.length + 4 + history.windows.length * (WINDOW_HEAD + 4 * states);
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
    at += Buffer.from(w.emission.buffer, w.emission.byteOffset, w.emission.byteLength).copy(out, at);
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
  if (bytes.length !== at + count * (WINDOW_HEAD + 4 * states)) return null;
  const windows: TrackerHistory['windows'] = [];
  for (let i = 0; i < count; i++) {
    const endT = bytes.readDoubleLE(at);
    const samples = bytes.readUInt32LE(at + 8);
    const peakBpm = bytes.readDoubleLE(at + 12);
    at += WINDOW_HEAD;
    // Copied into an array of its own (the bytes' offset need not be 4-aligned).
    const emission = new Float32Array(states);
    Buffer.from(emission.buffer).set(bytes.subarray(at, at + 4 * states));
    at += 4 * states;
    windows.push({ endT, samples, peakBpm, emission });
  }
  return { layout, windows };
}
