/** The heart-rate estimate shapes shared by frame results, session status and batch answers. */
import { z } from 'zod';

export const Confidence = z
  .enum(['high', 'medium', 'low', 'none'])
  .meta({ id: 'Confidence', description: '"none" whenever heart_rate is null.' });

export const GuidanceCode = z
  .enum(['no_face', 'frame_gap', 'face_too_small', 'too_dark', 'too_bright', 'hold_still', 'multiple_faces', 'warming_up', 'weak_signal'])
  .meta({
    id: 'GuidanceCode',
    description:
      'Machine-readable advice for the person in front of the camera: no_face (frames arrive but no face is found in them), frame_gap (frames stopped arriving for a while: send them steadily), face_too_small (move closer), too_dark, too_bright, hold_still (too much movement), multiple_faces (the largest/continuing face is measured), warming_up (not enough seconds yet), weak_signal (a pulse cannot be found reliably).',
  });

export const FaceBox = z
  .object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() })
  .meta({ id: 'FaceBox', description: 'Face bounding box in pixels of the submitted image.' });

const Polygon = z.array(z.tuple([z.number(), z.number()]));
export const SkinRegions = z
  .object({ forehead: Polygon, left_cheek: Polygon, right_cheek: Polygon })
  .meta({ id: 'SkinRegions', description: 'The skin regions measured, as polygons of [x, y] in pixels of the submitted image.' });

export const Waveform = z
  .object({
    fs: z.number().meta({ description: 'Samples per second of `values`.' }),
    values: z.array(z.number()).meta({ description: 'Filtered pulse (blood volume up), newest last, scaled to [-1, 1].' }),
  })
  .meta({ id: 'Waveform', description: 'The pulse waveform of the newest window, decimated for display.' });

export const Hrv = z
  .object({
    rmssd_ms: z.number().nullable().meta({ description: 'Root mean square of successive beat-interval differences; null where the benchmark shows it is not accurate (at present: always, see the README).' }),
    mean_ibi_ms: z.number().nullable(),
    ibi_ms: z.array(z.number()).meta({ description: 'Accepted beat-to-beat intervals, oldest first.' }),
    quality: z.number().min(0).max(1),
  })
  .meta({ id: 'Hrv', description: 'Beat-to-beat intervals and HRV from the pulse waveform. Camera HRV is indicative only.' });

export const Respiration = z
  .object({
    rate: z.number().nullable().meta({ description: 'Breaths per minute; null where the benchmark shows it is not accurate (at present: always, see the README).' }),
    quality: z.number().min(0).max(1),
  })
  .meta({ id: 'Respiration', description: 'Breathing rate from the pulse\'s slow amplitude, interval and baseline modulation.' });

export const PulseDetected = z
  .boolean()
  .nullable()
  .meta({
    id: 'PulseDetected',
    description:
      'Liveness: true when a pulse is found in the skin colour (a living face), false when a full analysis window of a steadily tracked face holds no pulse (a photo, a mask, a screen), null while undecided (warming up, face lost, gaps).',
  });

export const Estimate = z
  .object({
    heart_rate: z.number().nullable().meta({ description: 'Beats per minute, or null while there is not enough signal.' }),
    confidence: Confidence,
    pulse_detected: PulseDetected,
    signal_quality: z.number().min(0).max(1).meta({ description: '0-1: how clearly the pulse stands out in the spectrum.' }),
    buffer_seconds: z.number().meta({ description: 'Seconds of colour trace the session holds.' }),
    samples: z.number().int().meta({ description: 'Frames (with a face) in the session trace.' }),
    method: z.string().meta({ description: 'Signal-processing method that produced the estimate.' }),
    guidance: z.array(GuidanceCode),
    message: z.string(),
    waveform: Waveform.nullable(),
    hrv: Hrv.nullable(),
    respiration: Respiration.nullable(),
  })
  .meta({ id: 'Estimate' });
export type Estimate = z.infer<typeof Estimate>;
