/** Camera access and frame capture: JPEG snapshots with capture timestamps, off the video's path. */
export class CameraError extends Error {
  constructor(
    readonly kind: 'denied' | 'missing' | 'unsupported' | 'other',
    message: string,
  ) {
    super(message);
  }
}

export async function openCamera(video: HTMLVideoElement): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CameraError('unsupported', 'This browser cannot use a camera here (a secure https:// page or localhost is needed).');
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 }, facingMode: 'user' }, audio: false });
  } catch (err) {
    const name = (err as DOMException).name;
    if (name === 'NotAllowedError' || name === 'SecurityError') throw new CameraError('denied', 'Camera access was denied. Allow the camera for this page in your browser settings, then press Start again.');
    if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError') {
      throw new CameraError('missing', 'No usable camera was found. Connect a camera (or close other apps using it) and press Start again.');
    }
    throw new CameraError('other', `The camera could not be started (${name}).`);
  }
  video.srcObject = stream;
  await video.play();
  return stream;
}

export interface CapturedFrame {
  blob: Blob;
  /** Capture time, ms since the epoch. */
  t: number;
  width: number;
  height: number;
}

/** Grabs frames at `fps`, scaled so the longer side is `maxSide`, encoded as JPEG. */
export class FrameGrabber {
  private timer: number | undefined;
  private readonly canvas = document.createElement('canvas');

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly onFrame: (frame: CapturedFrame) => void,
    private fps = 10,
    private readonly maxSide = 360,
  ) {}

  start(): void {
    this.stop();
    this.timer = window.setInterval(() => this.grab(), 1000 / this.fps);
  }

  /** Changes the capture rate (restarts the timer only when it changes). */
  setFps(fps: number): void {
    if (fps === this.fps) return;
    this.fps = fps;
    if (this.timer !== undefined) this.start();
  }

  stop(): void {
    if (this.timer !== undefined) window.clearInterval(this.timer);
    this.timer = undefined;
  }

  private grab(): void {
    const { videoWidth: w, videoHeight: h } = this.video;
    if (!w || !h || this.video.readyState < 2) return;
    const scale = Math.min(1, this.maxSide / Math.max(w, h));
    this.canvas.width = Math.round(w * scale);
    this.canvas.height = Math.round(h * scale);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.drawImage(this.video, 0, 0, this.canvas.width, this.canvas.height);
    const t = performance.timeOrigin + performance.now();
    const { width, height } = this.canvas;
    this.canvas.toBlob((blob) => blob && this.onFrame({ blob, t, width, height }), 'image/jpeg', 0.85);
  }
}
