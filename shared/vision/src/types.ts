/** An RGB image in memory: `data` holds width*height*3 bytes, row-major, no padding. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DetectedFace {
  box: Box;
  score: number;
  /** The 68 iBUG landmarks, in image pixels. */
  landmarks: Point[];
}
