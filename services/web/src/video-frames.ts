/**
 * Which camera frame the video element shows, and when the camera captured it, from
 * requestVideoFrameCallback where the browser has it. A page that samples the camera on a timer
 * then measures each frame once (the same frame read twice would put a false step into the
 * colour trace, which happens as soon as the timer runs near the camera's own rate) and stamps
 * it with its capture time rather than with the moment it was read.
 */
export interface CameraFrame {
  /** Frames the element had presented when this one was (increases by one per new frame). */
  id: number;
  /** When it was captured (ms since the epoch), or when it was shown where the browser does not say. */
  time: number;
}

export class VideoFrameClock {
  private frame: CameraFrame | null = null;
  private handle: number | null = null;

  constructor(private readonly video: HTMLVideoElement) {}

  /** False where the browser has no requestVideoFrameCallback: then every tick reads the element as it is. */
  get supported(): boolean {
    return typeof this.video.requestVideoFrameCallback === 'function';
  }

  start(): void {
    if (!this.supported || this.handle !== null) return;
    const onFrame: VideoFrameRequestCallback = (now, meta) => {
      this.frame = { id: meta.presentedFrames, time: performance.timeOrigin + (meta.captureTime ?? meta.expectedDisplayTime ?? now) };
      this.handle = this.video.requestVideoFrameCallback(onFrame);
    };
    this.handle = this.video.requestVideoFrameCallback(onFrame);
  }

  stop(): void {
    if (this.handle !== null) this.video.cancelVideoFrameCallback(this.handle);
    this.handle = null;
    this.frame = null;
  }

  /** The newest frame presented, once one has been (null before, or without support). */
  latest(): CameraFrame | null {
    return this.frame;
  }
}
