/**
 * One analysed frame as the trace stores it, and its face drawn back in the frame's own pixels.
 * Free of Node and I/O: the workers, the CLI and the page's private mode all turn observations
 * into samples here, so a device's trace and a worker's are the same numbers.
 */
import type { TraceSample } from '@pulsecam/contracts';
import type { Box, FrameObservation, Polygon, RegionName } from '@pulsecam/vision';

/**
 * The trace sample of a frame (null without a measurable face). `scale` maps analysis pixels to
 * the frame as captured, so the pose is in the caller's pixels whatever size it analysed at.
 */
export function traceSampleOf(observation: FrameObservation, timestampMs: number, scale: number): TraceSample | null {
  const face = observation.face;
  if (!face || face.skin.pixels <= 0) return null;
  const { forehead, left_cheek, right_cheek } = face.regions;
  return {
    t: timestampMs,
    skin: [face.skin.r, face.skin.g, face.skin.b],
    regions: [
      [forehead.r, forehead.g, forehead.b],
      [left_cheek.r, left_cheek.g, left_cheek.b],
      [right_cheek.r, right_cheek.g, right_cheek.b],
    ],
    pixels: [forehead.pixels, left_cheek.pixels, right_cheek.pixels],
    background: [face.background.r, face.background.g, face.background.b],
    pose: [face.pose.cx * scale, face.pose.cy * scale, face.pose.eyeDistance * scale, face.pose.roll],
  };
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
