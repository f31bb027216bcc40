/**
 * The page: camera in, heart rate out. Private mode (the default where the device keeps up)
 * measures the face on this device and sends only numbers; frames mode sends camera frames to the
 * service. Either way the answer is shown the same: heart rate, confidence, waveform, HRV,
 * breathing, guidance, and errors in plain words.
 */
import './style.css';
import { api, ApiProblem, type AnalysisSettings, type BatchItem, type Estimate, type Session } from './api.ts';
import { CameraError, openCamera } from './camera.ts';
import type { DeviceAnalyzer } from './device-vision.ts';
import { drawOverlay, drawWaveform } from './draw.ts';
import { FramesMode } from './frames-mode.ts';
import { guidanceText } from './guidance.ts';
import type { MeasurementHost, MeasurementMode } from './measurement.ts';
import { PrivateMode, TARGET_FPS } from './private-mode.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const video = $<HTMLVideoElement>('video');
const overlay = $<HTMLCanvasElement>('overlay');
const waveform = $<HTMLCanvasElement>('waveform');
const startButton = $<HTMLButtonElement>('start');
const stopButton = $<HTMLButtonElement>('stop');
const privateToggle = $<HTMLInputElement>('private-mode');
const ui = {
  bpm: $('bpm'),
  confidence: $('confidence'),
  progress: $<HTMLProgressElement>('progress'),
  progressLabel: $('progress-label'),
  guidance: $('guidance'),
  error: $('error'),
  announce: $('announce'),
  hrv: $('hrv'),
  breathing: $('breathing'),
  quality: $('quality'),
  pulseDetected: $('pulse-detected'),
  placeholder: $('placeholder'),
  rate: $('rate'),
  modeNote: $('mode-note'),
};

const MODE_TEXT = {
  private: 'Private mode: your camera image is analysed on this device. Only colour averages and the face position (numbers) are sent.',
  frames: 'Frames mode: camera frames are sent to the Pulsecam service, analysed there and kept only as colour averages.',
};

let minSeconds = 6;
/**
 * A samples answer carries an estimate up to ~1.5 s old in the normal course (a fresh one every
 * other post); older means the service was busy and answered with the session's newest estimate.
 */
const BUSY_ESTIMATE_AGE_MS = 3000;
let stream: MediaStream | null = null;
let session: Session | null = null;
let mode: MeasurementMode | null = null;
let analyzer: DeviceAnalyzer | null = null;
let frameSize = { width: 0, height: 0 };
let lastItem: BatchItem | null = null;
let lastAnnounced = { bpm: 0, at: 0 };

function showError(text: string | null): void {
  ui.error.hidden = !text;
  ui.error.textContent = text ?? '';
}

function showMode(which: 'private' | 'frames', extra = ''): void {
  ui.modeNote.textContent = extra ? `${MODE_TEXT[which]} ${extra}` : MODE_TEXT[which];
  ui.modeNote.dataset.mode = which;
}

function resetReadout(): void {
  ui.bpm.textContent = '--';
  ui.confidence.textContent = 'Not measuring';
  ui.progress.value = 0;
  ui.progressLabel.textContent = stream ? 'Measuring…' : 'Press Start to measure';
  ui.hrv.textContent = '--';
  ui.breathing.textContent = '--';
  ui.quality.textContent = '--';
  ui.pulseDetected.textContent = '--';
  drawWaveform(waveform, null);
}

async function newSession(): Promise<void> {
  try {
    session = await api.createSession();
  } catch (err) {
    session = null;
    if (err instanceof ApiProblem && err.status === 429) throw new Error('Too many people are measuring right now. Please try again in a minute.');
    if (err instanceof ApiProblem && err.code === 'unreachable') throw new Error('The Pulsecam service cannot be reached. Check that it is running, then press Start again.');
    throw err;
  }
}

function render(r: Estimate, items: BatchItem[]): void {
  const withFace = items.filter((x) => x.face_detected);
  const newest = withFace.at(-1) ?? items.at(-1) ?? null;
  const trustworthy = r.heart_rate !== null && (r.confidence === 'high' || r.confidence === 'medium');
  ui.bpm.textContent = trustworthy ? String(Math.round(r.heart_rate!)) : '--';
  ui.confidence.textContent = trustworthy
    ? `${r.confidence} confidence`
    : r.heart_rate !== null
      ? 'Low confidence: keep still'
      : r.buffer_seconds < minSeconds
        ? 'Measuring…'
        : 'Looking for a clear pulse…';
  ui.progress.value = Math.min(minSeconds, r.buffer_seconds);
  const age = r.estimate_age_ms ?? 0;
  ui.progressLabel.textContent =
    r.buffer_seconds < minSeconds
      ? `Measuring… ${Math.floor(r.buffer_seconds)} s of ${minSeconds}`
      : age >= BUSY_ESTIMATE_AGE_MS
        ? `Measuring continuously (the service is busy: this reading is ${Math.round(age / 1000)} s old)`
        : 'Measuring continuously';
  // The service tells a lost face (no_face) from frames that arrived with gaps (frame_gap).
  const codes = [...new Set([...(items.length > 0 && withFace.length === 0 ? ['no_face'] : (newest?.guidance ?? [])), ...r.guidance])];
  ui.guidance.textContent = guidanceText(codes);
  ui.quality.textContent = `${Math.round(r.signal_quality * 100)} %`;
  // The service answers null where the benchmark shows these no better than a guess.
  ui.hrv.textContent = r.hrv?.rmssd_ms != null ? `${Math.round(r.hrv.rmssd_ms)} ms` : '--';
  ui.pulseDetected.textContent = r.pulse_detected === true ? 'Yes' : r.pulse_detected === false ? 'None found' : '--';
  ui.breathing.textContent = r.respiration?.rate != null ? `${Math.round(r.respiration.rate)} /min` : '--';
  drawWaveform(waveform, trustworthy || r.heart_rate !== null ? (r.waveform?.values ?? null) : null);
  if (trustworthy) {
    const bpm = Math.round(r.heart_rate!);
    const now = Date.now();
    if (Math.abs(bpm - lastAnnounced.bpm) >= 3 || now - lastAnnounced.at > 15_000) {
      ui.announce.textContent = `Heart rate ${bpm} beats per minute`;
      lastAnnounced = { bpm, at: now };
    }
  }
}

const host: MeasurementHost = {
  session: () => session,
  estimate: (r, items) => {
    if (stream) render(r, items);
  },
  frame: (item, width, height) => {
    lastItem = item;
    frameSize = { width, height };
  },
  sessionLost: async () => {
    resetReadout();
    await newSession().catch((e: Error) => showError(e.message));
  },
  error: showError,
};

function showRate(fps: number, throttled: boolean): void {
  ui.rate.textContent = throttled ? `Sending ${fps} frames a second (the service is busy)` : `Sending ${fps} frames a second`;
  ui.rate.dataset.fps = String(fps);
}

function startFramesMode(reason = ''): void {
  mode = new FramesMode(video, host, showRate);
  showMode('frames', reason);
  mode.start();
}

/** Private mode, unless the models cannot load here: then frames mode, saying why. */
async function startPrivateMode(settings: AnalysisSettings): Promise<void> {
  ui.rate.textContent = 'Loading the face models…';
  try {
    const { DeviceAnalyzer } = await import('./device-vision.ts');
    analyzer ??= await DeviceAnalyzer.load(settings);
  } catch (err) {
    console.warn('private mode unavailable:', err);
    privateToggle.checked = false;
    startFramesMode('(Private mode could not start in this browser.)');
    return;
  }
  if (!stream) return; // stopped while the models loaded
  const privateMode = new PrivateMode(video, analyzer, host, {
    tooSlow: (fps) => void fallBack(privateMode, fps),
    speed: (fps, rate) => {
      ui.rate.textContent = `Measuring ${rate} frames a second on this device (it manages up to ${Math.floor(fps)}, ${analyzer?.backend}); sending numbers only`;
      ui.rate.dataset.fps = String(rate);
    },
  });
  mode = privateMode;
  showMode('private');
  ui.rate.textContent = `Measuring on this device (${analyzer.backend})…`;
  privateMode.start();
}

/** The device cannot keep up: the same session continues with frames sent to the service. */
async function fallBack(from: PrivateMode, fps: number): Promise<void> {
  if (mode !== from) return;
  mode = null;
  await from.stop();
  if (!stream) return;
  privateToggle.checked = false;
  startFramesMode(
    fps > 0
      ? `(This device measured ${fps.toFixed(1)} frames a second, fewer than the ${TARGET_FPS} private mode needs, so frames are sent instead.)`
      : '(Measuring on this device failed, so frames are sent instead.)',
  );
}

async function start(): Promise<void> {
  showError(null);
  startButton.disabled = true;
  privateToggle.disabled = true;
  let settings: AnalysisSettings;
  try {
    const status = await api.status().catch(() => {
      throw new Error('The Pulsecam service cannot be reached. Check that it is running, then press Start again.');
    });
    minSeconds = status.limits.min_signal_seconds;
    settings = status.analysis;
    ui.progress.max = minSeconds;
    stream = await openCamera(video);
    ui.placeholder.hidden = true;
    await newSession();
  } catch (err) {
    stop();
    showError(err instanceof CameraError || err instanceof Error ? err.message : 'Could not start.');
    return;
  }
  resetReadout();
  ui.confidence.textContent = 'Measuring…';
  ui.guidance.textContent = 'Hold still and face the camera.';
  stopButton.disabled = false;
  if (privateToggle.checked) await startPrivateMode(settings);
  else startFramesMode();
}

function stop(): void {
  const ending = { session, mode };
  mode = null;
  session = null;
  stream?.getTracks().forEach((t) => t.stop());
  stream = null;
  video.srcObject = null;
  lastItem = null;
  // The session is deleted once the mode's last request is answered (else it would find it gone).
  void (ending.mode?.stop() ?? Promise.resolve()).then(() => ending.session && api.deleteSession(ending.session));
  ui.placeholder.hidden = false;
  ui.guidance.textContent = '';
  ui.rate.textContent = '';
  ui.confidence.textContent = 'Not measuring';
  startButton.disabled = false;
  stopButton.disabled = true;
  privateToggle.disabled = false;
}

function paintOverlay(): void {
  drawOverlay(overlay, video, stream ? lastItem : null, frameSize.width, frameSize.height);
  requestAnimationFrame(paintOverlay);
}

startButton.addEventListener('click', () => void start());
stopButton.addEventListener('click', () => stop());
privateToggle.addEventListener('change', () => showMode(privateToggle.checked ? 'private' : 'frames'));
window.addEventListener('pagehide', () => {
  if (session) void api.deleteSession(session, true);
});
resetReadout();
showMode(privateToggle.checked ? 'private' : 'frames');
requestAnimationFrame(paintOverlay);
