/**
 * The only place vision meets signal processing: image bytes -> face observation -> trace sample.
 * The benchmark and the workers both run frames through this class.
 */
import { analyzeFrame, type Box, type FaceDetector, type FrameObservation, type Polygon, type RegionName } from '@pulsecam/vision';
import type { TraceSample } from '@pulsecam/store';
import { decodeImage, type DecodeLimits } from './decode.ts';

export interface FrameOutcome {
  observation: FrameObservation;
  sample: TraceSample | null;
  /** Size of the image as sent, and the factor that maps analysis pixels back to it. */
  source: { width: number; height: number; scale: number };
  timings: { decodeMs: number; visionMs: number };
}

export class FramePipeline {
  constructor(
    private readonly detector: FaceDetector,
    private readonly limits: DecodeLimits,
  ) {}

  async process(bytes: Buffer, timestampMs: number, previousBox: Box | null): Promise<FrameOutcome> {
    const t0 = performance.now();
    const image = await decodeImage(bytes, this.limits);
    const t1 = performance.now();
    const scale = image.sourceWidth / image.width;
    const previous = previousBox
      ? { x: previousBox.x / scale, y: previousBox.y / scale, width: previousBox.width / scale, height: previousBox.height / scale }
      : null;
    const observation = await analyzeFrame(this.detector, image, previous);
    const t2 = performance.now();
    const face = observation.face;
    const usable = face !== null && face.skin.pixels > 0;
    const sample: TraceSample | null = usable
      ? {
          t: timestampMs,
          skin: [face.skin.r, face.skin.g, face.skin.b],
          regions: [
            [face.regions.forehead.r, face.regions.forehead.g, face.regions.forehead.b],
            [face.regions.left_cheek.r, face.regions.left_cheek.g, face.regions.left_cheek.b],
            [face.regions.right_cheek.r, face.regions.right_cheek.g, face.regions.right_cheek.b],
          ],
          pixels: [face.regions.forehead.pixels, face.regions.left_cheek.pixels, face.regions.right_cheek.pixels],
          background: [face.background.r, face.background.g, face.background.b],
          pose: [face.pose.cx * scale, face.pose.cy * scale, face.pose.eyeDistance * scale, face.pose.roll],
        }
      : null;
    return {
      observation,
      sample,
      source: { width: image.sourceWidth, height: image.sourceHeight, scale },
      timings: { decodeMs: t1 - t0, visionMs: t2 - t1 },
    };
  }
}

/** A box from analysis pixels back to the submitted image's pixels. */
export function toSourceBox(box: Box, scale: number): Box {
  const r = (v: number) => Math.round(v * scale * 10) / 10;
  return { x: r(box.x), y: r(box.y), width: r(box.width), height: r(box.height) };
}

/** Region polygons in the submitted image's pixels, rounded, as [x, y] pairs. */
export function sourceRegions(polygons: Record<RegionName, Polygon>, scale: number): Record<RegionName, [number, number][]> {
  const map = (poly: Polygon) => poly.map((p) => [Math.round(p.x * scale), Math.round(p.y * scale)] as [number, number]);
  return { forehead: map(polygons.forehead), left_cheek: map(polygons.left_cheek), right_cheek: map(polygons.right_cheek) };
}
