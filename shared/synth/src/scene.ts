/**
 * Renders a synthetic rPPG video from one portrait. The skin under a soft face mask pulses with
 * a blood-volume signature (green strongest), the head moves as a rigid 2-D transform under a
 * light that stays put in the world (so shading and glare slide over the skin as it moves), the
 * camera applies per-channel gains, sensor noise, optional blur, and JPEG compression.
 */
import sharp, { type Sharp } from 'sharp';
import { createPhysiology, type Physiology, type PhysiologySpec } from './physiology.ts';
import { gaussianTable, mulberry32 } from './random.ts';
import type { FaceTemplate } from './face-template.ts';

export interface Pose {
  /** Translation of the portrait's centre, in output pixels. */
  tx: number;
  ty: number;
  /** Roll in radians. */
  rot: number;
  scale: number;
}

export const STILL: Pose = { tx: 0, ty: 0, rot: 0, scale: 1 };

/** Blood-volume pulse signature: relative amplitude per channel for a unit green amplitude. */
export const PULSE_SIGNATURE: readonly [number, number, number] = [0.33 / 0.77, 1, 0.53 / 0.77];

export interface SceneSpec {
  width: number;
  height: number;
  fps: number;
  durationSeconds: number;
  /** Fraction of a frame interval by which capture times wander (0 = regular). */
  timestampJitter: number;
  /** Probability that a frame is dropped. */
  dropRate: number;
  physiology: PhysiologySpec;
  /** Relative pulse amplitude in the green channel (0.003 = 0.3 %). */
  pulseAmplitude: number;
  /** Per-channel reflectance applied to skin (1,1,1 keeps the portrait's tone). */
  skinTone: readonly [number, number, number];
  pose: (t: number) => Pose;
  /** Camera and light gains per channel over time (illumination, flicker, white balance, exposure). */
  gains: (t: number) => readonly [number, number, number];
  /** Strength of the world-fixed side-light gradient across the frame (0 = flat light). */
  shading: number;
  /** Peak added brightness of a world-fixed specular highlight on skin (0-255 units). */
  glare: number;
  /** Sensor noise standard deviation (0-255 units). */
  noiseSigma: number;
  jpegQuality: number;
  blurSigma: number;
  /** A second, smaller person in view with their own heart rate. */
  bystander?: { pose: Pose; heartRate: number };
  /** Mirror the portrait left-right (a different face layout under the same light). */
  mirror?: boolean;
  /**
   * Delivered as a video file encoded with x264 at this quality (as a recorder or phone would),
   * decoded by ffmpeg, instead of as JPEG frames. Frames are then evenly spaced.
   */
  videoCodec?: { crf: number; preset: string };
  seed: number;
}

export interface RenderedFrame {
  index: number;
  /** Capture time in milliseconds. */
  timestampMs: number;
  jpeg: Buffer;
}

/** The portrait, prepared once: float pixels, the skin mask and the tone-adjusted skin. */
interface Texture {
  width: number;
  height: number;
  rgb: Float32Array;
  mask: Float32Array;
}

function prepareTexture(template: FaceTemplate, tone: readonly [number, number, number], mirror: boolean): Texture {
  const { width, height, rgb } = template;
  const out = new Float32Array(rgb.length);
  const mask = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const to = y * width + x;
      const from = y * width + (mirror ? width - 1 - x : x);
      const m = template.mask[from];
      mask[to] = m;
      for (let c = 0; c < 3; c++) out[to * 3 + c] = rgb[from * 3 + c] * (1 - m + m * tone[c]);
    }
  }
  return { width, height, rgb: out, mask };
}

/** Frame capture times (seconds), with jitter and drops, reproducible from the seed. */
export function captureTimes(spec: Pick<SceneSpec, 'fps' | 'durationSeconds' | 'timestampJitter' | 'dropRate' | 'seed'>): number[] {
  const rnd = mulberry32(spec.seed ^ 0x5eed);
  const times: number[] = [];
  const n = Math.floor(spec.durationSeconds * spec.fps);
  for (let i = 0; i < n; i++) {
    const t = (i + spec.timestampJitter * (rnd() - 0.5)) / spec.fps;
    if (i > 0 && rnd() < spec.dropRate) continue;
    times.push(Math.max(0, t));
  }
  return times;
}

export class SceneRenderer {
  readonly physiology: Physiology;
  private readonly bystanderPhysiology?: Physiology;
  private readonly texture: Texture;
  private readonly noise: Float32Array;
  private readonly random: () => number;
  readonly times: number[];

  constructor(
    readonly spec: SceneSpec,
    template: FaceTemplate,
  ) {
    this.physiology = createPhysiology(spec.physiology, spec.durationSeconds);
    if (spec.bystander) {
      const rate = spec.bystander.heartRate;
      this.bystanderPhysiology = createPhysiology(
        { ...spec.physiology, heartRate: () => rate, seed: spec.physiology.seed + 1 },
        spec.durationSeconds,
      );
    }
    this.texture = prepareTexture(template, spec.skinTone, spec.mirror ?? false);
    this.noise = gaussianTable(1 << 21, spec.seed);
    this.random = mulberry32(spec.seed ^ 0xabcdef);
    this.times = captureTimes(spec);
  }

  /** Raw RGB pixels of the frame at time t (seconds). */
  renderRaw(t: number): Uint8Array {
    const { width, height } = this.spec;
    const out = new Float32Array(width * height * 3);
    out.fill(-1);
    if (this.spec.bystander && this.bystanderPhysiology) {
      this.drawPortrait(out, this.spec.bystander.pose, this.bystanderPhysiology.pulse(t), true);
    }
    this.drawPortrait(out, this.spec.pose(t), this.physiology.pulse(t), false);
    return this.finish(out, t);
  }

  /** The camera's image of frame `index` before any compression (what a device measuring itself sees). */
  async renderPixels(index: number): Promise<{ timestampMs: number; data: Uint8Array; width: number; height: number }> {
    const { width, height } = this.spec;
    const data = this.spec.blurSigma > 0 ? new Uint8Array(await this.camera(index).raw().toBuffer()) : this.renderRaw(this.times[index]);
    return { timestampMs: this.timestampMs(index), data, width, height };
  }

  /** Frame `index` as the camera's JPEG (what an app uploading frames sends). */
  async renderFrame(index: number): Promise<RenderedFrame> {
    const jpeg = await this.camera(index).jpeg({ quality: this.spec.jpegQuality, chromaSubsampling: '4:2:0' }).toBuffer();
    return { index, timestampMs: this.timestampMs(index), jpeg };
  }

  private timestampMs(index: number): number {
    return Math.round(this.times[index] * 1000 * 1000) / 1000;
  }

  /** The rendered frame through the camera's optics (blur), ready to encode. */
  private camera(index: number): Sharp {
    const image = sharp(this.renderRaw(this.times[index]), { raw: { width: this.spec.width, height: this.spec.height, channels: 3 } });
    return this.spec.blurSigma > 0 ? image.blur(this.spec.blurSigma) : image;
  }

  /**
   * Warps the portrait into the frame (inverse mapping, bilinear) with its skin pulsing. Pixels
   * already written stay when `underlay` is false only where the portrait does not reach.
   */
  private drawPortrait(out: Float32Array, pose: Pose, pulse: number, isBystander: boolean): void {
    const { width, height } = this.spec;
    const tex = this.texture;
    const amp = this.spec.pulseAmplitude * pulse;
    const k0 = 1 + amp * PULSE_SIGNATURE[0];
    const k1 = 1 + amp * PULSE_SIGNATURE[1];
    const k2 = 1 + amp * PULSE_SIGNATURE[2];
    const cos = Math.cos(pose.rot) / pose.scale;
    const sin = Math.sin(pose.rot) / pose.scale;
    const ocx = width / 2 + pose.tx;
    const ocy = height / 2 + pose.ty;
    const tcx = tex.width / 2;
    const tcy = tex.height / 2;
    const skin = this.skinMask;
    const rgb = tex.rgb;
    const mask = tex.mask;
    const tw = tex.width;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const dx = x - ocx;
        const dy = y - ocy;
        const sx = cos * dx + sin * dy + tcx - 0.5;
        const sy = -sin * dx + cos * dy + tcy - 0.5;
        if (sx < 0 || sy < 0 || sx >= tex.width - 1 || sy >= tex.height - 1) continue;
        const x0 = sx | 0;
        const y0 = sy | 0;
        const fx = sx - x0;
        const fy = sy - y0;
        const i00 = y0 * tw + x0;
        const i10 = i00 + 1;
        const i01 = i00 + tw;
        const i11 = i01 + 1;
        const w00 = (1 - fx) * (1 - fy);
        const w10 = fx * (1 - fy);
        const w01 = (1 - fx) * fy;
        const w11 = fx * fy;
        const m = mask[i00] * w00 + mask[i10] * w10 + mask[i01] * w01 + mask[i11] * w11;
        const o = (y * width + x) * 3;
        const r = rgb[i00 * 3] * w00 + rgb[i10 * 3] * w10 + rgb[i01 * 3] * w01 + rgb[i11 * 3] * w11;
        const g = rgb[i00 * 3 + 1] * w00 + rgb[i10 * 3 + 1] * w10 + rgb[i01 * 3 + 1] * w01 + rgb[i11 * 3 + 1] * w11;
        const b = rgb[i00 * 3 + 2] * w00 + rgb[i10 * 3 + 2] * w10 + rgb[i01 * 3 + 2] * w01 + rgb[i11 * 3 + 2] * w11;
        out[o] = r * (1 + m * (k0 - 1));
        out[o + 1] = g * (1 + m * (k1 - 1));
        out[o + 2] = b * (1 + m * (k2 - 1));
        if (!isBystander) skin[y * width + x] = m;
      }
    }
  }

  private skinMaskBuffer?: Float32Array;
  private get skinMask(): Float32Array {
    this.skinMaskBuffer ??= new Float32Array(this.spec.width * this.spec.height);
    return this.skinMaskBuffer;
  }

  /** World lighting, camera gains, glare, sensor noise, quantisation. */
  private finish(out: Float32Array, t: number): Uint8Array {
    const { width, height, shading, glare, noiseSigma } = this.spec;
    const gains = this.spec.gains(t);
    const mask = this.skinMask;
    const noise = this.noise;
    let n = Math.floor(this.random() * (noise.length - out.length));
    const lightX = width * 0.38;
    const lightY = height * 0.3;
    const glareRadius2 = (Math.min(width, height) * 0.09) ** 2;
    const result = new Uint8Array(out.length);
    const [g0, g1, g2] = gains;
    const clamp = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0);
    for (let y = 0; y < height; y++) {
      const shadeY = 1 - 0.3 * shading * ((y - height / 2) / height);
      const dy2 = (y - lightY) ** 2;
      for (let x = 0; x < width; x++) {
        const p = y * width + x;
        const o = p * 3;
        const shade = shadeY * (1 - shading * ((x - width * 0.4) / width));
        const m = mask[p];
        const spot = glare > 0 && m > 0 ? glare * m * Math.exp(-((x - lightX) ** 2 + dy2) / glareRadius2) : 0;
        const r = out[o] < 0 ? 90 : out[o];
        const g = out[o + 1] < 0 ? 90 : out[o + 1];
        const b = out[o + 2] < 0 ? 90 : out[o + 2];
        result[o] = clamp((r * shade + spot) * g0 + noiseSigma * noise[n]);
        result[o + 1] = clamp((g * shade + spot) * g1 + noiseSigma * noise[n + 1]);
        result[o + 2] = clamp((b * shade + spot) * g2 + noiseSigma * noise[n + 2]);
        n += 3;
      }
    }
    mask.fill(0);
    return result;
  }
}
