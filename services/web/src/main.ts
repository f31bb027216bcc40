/**
 * The page: camera in, frames batched to the API about once a second (one batch in flight, the
 * frame rate adapted to how fast answers come back, so the service is never sent more than it
 * takes), and the answer shown: heart rate, confidence, waveform, HRV,
 * breathing, guidance, and errors in plain words.
 */
import './style.css';
import { api, ApiProblem, type BatchItem, type BatchResponse, type Session } from './api.ts';
import { CameraError, FrameGrabber, openCamera, type CapturedFrame } from './camera.ts';
import { drawOverlay, drawWaveform } from './draw.ts';
import { guidanceText } from './guidance.ts';
import { RateController } from './rate-control.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const video = $<HTMLVideoElement>('video');
const overlay = $<HTMLCanvasElement>('overlay');
const waveform = $<HTMLCanvasElement>('waveform');
const startButton = $<HTMLButtonElement>('start');
const stopButton = $<HTMLButtonElement>('stop');
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
};

const BATCH_MS = 1000;
const SEND_CHECK_MS = 100;

let minSeconds = 6;
let stream: MediaStream | null = null;
let session: Session | null = null;
let grabber: FrameGrabber | null = null;
let queue: CapturedFrame[] = [];
let inFlight = 0;
let lastSent = 0;
let rate = new RateController();
let sendTimer: number | undefined;
let frameSize = { width: 0, height: 0 };
let lastItem: BatchItem | null = null;
let lastAnnounced = { bpm: 0, at: 0 };

function showError(text: string | null): void {
  ui.error.hidden = !text;
  ui.error.textContent = text ?? '';
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

function render(r: BatchResponse): void {
  const withFace = r.results.filter((x) => x.face_detected);
  lastItem = withFace.at(-1) ?? r.results.at(-1) ?? null;
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
  ui.progressLabel.textContent = r.buffer_seconds < minSeconds ? `Measuring… ${Math.floor(r.buffer_seconds)} s of ${minSeconds}` : 'Measuring continuously';
  // The service tells a lost face (no_face) from frames that arrived with gaps (frame_gap).
  const codes = [...new Set([...(withFace.length === 0 ? ['no_face'] : (lastItem?.guidance ?? [])), ...r.guidance])];
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

function showRate(): void {
  ui.rate.textContent = rate.fps < rate.limits.maxFps ? `Sending ${rate.fps} frames a second (the service is busy)` : `Sending ${rate.fps} frames a second`;
  ui.rate.dataset.fps = String(rate.fps);
}

/** The newest batch request, settled either way (Stop waits for it before deleting the session). */
let lastBatch: Promise<void> = Promise.resolve();

async function sendBatch(): Promise<void> {
  const now = Date.now();
  if (!session || queue.length === 0 || now - lastSent < BATCH_MS || !rate.maySend(now, inFlight)) return;
  const frames = queue;
  queue = [];
  inFlight++;
  lastSent = now;
  const sending = api.analyzeBatch(session, frames);
  // Stop deletes the session only after this batch is answered (else the batch would find it gone).
  lastBatch = sending.then(
    () => undefined,
    () => undefined,
  );
  try {
    const r = await sending;
    rate.answered(Date.now() - now);
    showError(null);
    if (stream) render(r);
  } catch (err) {
    if (err instanceof ApiProblem && (err.status === 429 || err.status === 503)) {
      rate.refused(Date.now(), err.retryAfter);
      showError('The service is busy: sending fewer frames for a moment.');
    } else if (err instanceof ApiProblem && err.code === 'session_not_found') {
      if (!stream) return; // stopped meanwhile: nothing to keep going
      // Expired (e.g. the tab slept): start a new session and keep going.
      resetReadout();
      await newSession().catch((e: Error) => showError(e.message));
    } else if (err instanceof ApiProblem && err.code === 'unreachable') {
      showError('The Pulsecam service cannot be reached. Retrying…');
    } else {
      showError(err instanceof Error ? `Measurement failed: ${err.message}` : 'Measurement failed.');
    }
  } finally {
    inFlight--;
    grabber?.setFps(rate.fps);
    showRate();
  }
}

async function start(): Promise<void> {
  showError(null);
  startButton.disabled = true;
  try {
    const status = await api.status().catch(() => {
      throw new Error('The Pulsecam service cannot be reached. Check that it is running, then press Start again.');
    });
    minSeconds = status.limits.min_signal_seconds;
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
  rate = new RateController();
  showRate();
  grabber = new FrameGrabber(
    video,
    (frame) => {
      frameSize = { width: frame.width, height: frame.height };
      queue.push(frame);
      // Waiting on a slow answer: keep the newest frames; the gap this leaves is reported as one.
      if (queue.length > rate.maxQueued) queue.splice(0, queue.length - rate.maxQueued);
    },
    rate.fps,
  );
  grabber.start();
  sendTimer = window.setInterval(() => void sendBatch(), SEND_CHECK_MS);
}

function stop(): void {
  grabber?.stop();
  grabber = null;
  if (sendTimer !== undefined) window.clearInterval(sendTimer);
  sendTimer = undefined;
  stream?.getTracks().forEach((t) => t.stop());
  stream = null;
  video.srcObject = null;
  queue = [];
  lastItem = null;
  const ending = session;
  if (ending) void lastBatch.then(() => api.deleteSession(ending));
  session = null;
  ui.placeholder.hidden = false;
  ui.guidance.textContent = '';
  ui.rate.textContent = '';
  ui.confidence.textContent = 'Not measuring';
  startButton.disabled = false;
  stopButton.disabled = true;
}

function paintOverlay(): void {
  drawOverlay(overlay, video, stream ? lastItem : null, frameSize.width, frameSize.height);
  requestAnimationFrame(paintOverlay);
}

startButton.addEventListener('click', () => void start());
stopButton.addEventListener('click', () => stop());
window.addEventListener('pagehide', () => {
  if (session) void api.deleteSession(session, true);
});
resetReadout();
requestAnimationFrame(paintOverlay);
