/**
 * Readers for the public rPPG data sets, in the folder layouts they are published in:
 *
 * - UBFC-rPPG (DATASET_2): `<dir>/subject*\/vid.avi` and `<dir>/subject*\/ground_truth.txt`, whose
 *   three lines are the PPG waveform, the oximeter's heart rate and the time of each sample (s).
 * - PURE: `<dir>/NN-NN/` with the frames as PNG files (`Image<ns>.png`, in `NN-NN/` itself or in
 *   `NN-NN/NN-NN/` as unpacked from the archive) and `NN-NN.json` (beside the frames or in the
 *   top folder): `/FullPackage` holds the oximeter's samples (`Timestamp` ns, `Value.waveform`,
 *   `Value.pulseRate`), `/Image` each frame's `Timestamp` (ns).
 *
 * Each recording comes out as frames with their capture times and a reference signal on the same
 * clock (seconds from the first frame).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { listFrameFiles, probeVideo, readFolderFrames, readVideoFrames, type VideoFrame } from '@pulsecam/video';

export type DatasetName = 'ubfc-rppg' | 'pure';

export interface Reference {
  /** Seconds from the first frame. */
  t: number[];
  /** The contact PPG waveform. */
  ppg: number[];
  /** The oximeter's own heart rate per sample, when it gives one. */
  bpm: number[] | null;
}

export interface Recording {
  name: string;
  /** Frames in order, timed from the first (ms). */
  frames: (maxSide: number) => AsyncIterable<VideoFrame>;
  frameCount: number;
  reference: Reference;
}

export class DatasetError extends Error {
  override readonly name = 'DatasetError';
}

const naturalOrder = new Intl.Collator('en', { numeric: true }).compare;

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function subfolders(dir: string, pattern: RegExp): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => {
    throw new DatasetError(`cannot read the folder ${dir}`);
  });
  return entries.filter((e) => e.isDirectory() && pattern.test(e.name)).map((e) => e.name).sort(naturalOrder);
}

/** The numbers of one line of a UBFC ground-truth file (spaces, tabs or commas between them). */
function numbers(line: string): number[] {
  return line.trim().split(/[\s,]+/).filter(Boolean).map(Number);
}

export function parseUbfcGroundTruth(text: string): Reference {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  if (lines.length < 3) throw new DatasetError('ground_truth.txt needs three lines: PPG, heart rate, time');
  const [ppg, bpm, time] = lines.slice(0, 3).map(numbers);
  if (ppg.length !== time.length || bpm.length !== time.length || ppg.some(Number.isNaN) || time.some(Number.isNaN)) {
    throw new DatasetError('ground_truth.txt lines differ in length or hold something other than numbers');
  }
  // DATASET_2 times are seconds; a file in milliseconds (as DATASET_1's) is recognised by its span.
  const span = time[time.length - 1] - time[0];
  const scale = span > 3600 ? 1 / 1000 : 1;
  return { t: time.map((v) => (v - time[0]) * scale), ppg, bpm };
}

export async function readUbfc(dir: string, ffmpeg: string): Promise<Recording[]> {
  const subjects = await subfolders(dir, /^subject\d+$/i);
  const recordings: Recording[] = [];
  for (const subject of subjects) {
    const folder = path.join(dir, subject);
    const video = path.join(folder, 'vid.avi');
    const truthFile = path.join(folder, 'ground_truth.txt');
    if (!(await exists(video)) || !(await exists(truthFile))) continue;
    const reference = parseUbfcGroundTruth(await readFile(truthFile, 'utf8'));
    const info = await probeVideo(ffmpeg, video);
    recordings.push({
      name: subject,
      frameCount: Math.round(info.durationSeconds * (info.fps ?? 30)),
      reference,
      frames: (maxSide) => readVideoFrames(ffmpeg, video, { maxSide }),
    });
  }
  if (recordings.length === 0) throw new DatasetError(`no UBFC-rPPG recordings in ${dir}: expected subject*/vid.avi with subject*/ground_truth.txt`);
  return recordings;
}

interface PureJson {
  '/FullPackage': { Timestamp: number; Value: { waveform: number; pulseRate: number } }[];
  '/Image': { Timestamp: number }[];
}

export function parsePureJson(text: string): { reference: Omit<Reference, 't'> & { tNs: number[] }; imageNs: number[] } {
  const json = JSON.parse(text) as PureJson;
  const full = json['/FullPackage'];
  const images = json['/Image'];
  if (!Array.isArray(full) || !Array.isArray(images)) throw new DatasetError('a PURE JSON file needs "/FullPackage" and "/Image"');
  return {
    reference: { tNs: full.map((s) => s.Timestamp), ppg: full.map((s) => s.Value.waveform), bpm: full.map((s) => s.Value.pulseRate) },
    imageNs: images.map((i) => i.Timestamp),
  };
}

export async function readPure(dir: string): Promise<Recording[]> {
  const sequences = await subfolders(dir, /^\d{2}-\d{2}$/);
  const recordings: Recording[] = [];
  for (const seq of sequences) {
    const folder = path.join(dir, seq);
    const jsonFile = [path.join(folder, `${seq}.json`), path.join(dir, `${seq}.json`)];
    const json = (await exists(jsonFile[0])) ? jsonFile[0] : (await exists(jsonFile[1])) ? jsonFile[1] : null;
    const frameDir = (await exists(path.join(folder, seq))) ? path.join(folder, seq) : folder;
    if (!json) continue;
    const files = await listFrameFiles(frameDir);
    const { reference, imageNs } = parsePureJson(await readFile(json, 'utf8'));
    // Frame times: the JSON's, else the nanoseconds in the file names (Image1392643993642815000.png).
    const fromNames = files.map((f) => Number(/(\d{12,})/.exec(path.basename(f))?.[1] ?? NaN));
    const ns = imageNs.length === files.length ? imageNs : fromNames;
    if (ns.some(Number.isNaN)) throw new DatasetError(`${seq}: ${files.length} frames but ${imageNs.length} image timestamps, and no timestamps in the file names`);
    // Nanosecond stamps (~1.4e18) are parsed as doubles: off by at most a few hundred ns, far below a frame.
    const origin = ns[0];
    const timesMs = ns.map((v) => (v - origin) / 1e6);
    recordings.push({
      name: seq,
      frameCount: files.length,
      reference: { t: reference.tNs.map((v) => (v - origin) / 1e9), ppg: reference.ppg, bpm: reference.bpm },
      frames: (maxSide) => readFolderFrames(files, { maxSide, timesMs }),
    });
  }
  if (recordings.length === 0) throw new DatasetError(`no PURE recordings in ${dir}: expected NN-NN/ folders of PNG frames with NN-NN.json`);
  return recordings;
}

export async function readDataset(name: DatasetName, dir: string, ffmpeg: string): Promise<Recording[]> {
  return name === 'ubfc-rppg' ? readUbfc(dir, ffmpeg) : readPure(dir);
}
