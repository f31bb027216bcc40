/**
 * A quick subset of the accuracy benchmark, in npm test: three published clips (20 s) rendered
 * and run through the worker's own frame pipeline and estimator, against the benchmark's
 * targets. The full benchmark (every scenario, 3 clips of 60 s each) is `npm run bench:accuracy`.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { loadWorkerConfig } from '@pulsecam/config';
import { scenario } from '@pulsecam/synth';
import { scoreClip, share, summarize, type ClipResult } from '../bench/accuracy-score.ts';
import { renderTrace } from '../bench/render-trace.ts';
import { detectorFromConfig, pipelineFromConfig } from '@pulsecam/analysis';
import type { EstimateSettings } from '@pulsecam/analysis';
import { portraitTemplate } from './support/frames.ts';

const config = loadWorkerConfig({});
const options = (method: EstimateSettings['method']) => ({
  settings: { method, minSignalSeconds: config.MIN_SIGNAL_SECONDS, windowSeconds: config.WINDOW_SECONDS },
  bufferSeconds: config.BUFFER_SECONDS,
  stepSeconds: 1,
});

describe('accuracy, quick subset (published clips)', { timeout: 900_000 }, () => {
  const clips = new Map<string, { pulsecam: ClipResult; pos: ClipResult }>();
  before(async () => {
    const detector = await detectorFromConfig(config);
    const pipeline = pipelineFromConfig(detector, config);
    const template = await portraitTemplate();
    for (const name of ['still', 'mild_motion', 'no_pulse_face']) {
      const sc = scenario(name);
      const trace = await renderTrace(sc, template, pipeline);
      clips.set(name, { pulsecam: scoreClip(sc, trace, options('pulsecam')), pos: scoreClip(sc, trace, options('pos')) });
    }
  });

  test('still: textbook POS ≤ 1.5 bpm MAE (the front end is clean); Pulsecam ≤ 1.5 bpm, answering ≥ 95 % of windows', (t) => {
    const { pulsecam, pos } = clips.get('still')!;
    const p = summarize([pulsecam]);
    const textbook = summarize([pos]);
    t.diagnostic(`still: pulsecam ${p.mae.toFixed(2)} bpm, answered ${(p.answered * 100).toFixed(0)} %; POS ${textbook.mae.toFixed(2)} bpm`);
    assert.ok(textbook.mae <= 1.5, `POS MAE ${textbook.mae}`);
    assert.ok(p.mae <= 1.5, `pulsecam MAE ${p.mae}`);
    assert.ok(p.answered >= 0.95, `pulsecam answered ${p.answered}`);
    assert.ok(share([pulsecam], (w) => w.pulseDetected === true) >= 0.95, 'pulse_detected true');
  });

  test('mild motion: Pulsecam ≤ 1.5 bpm, answering ≥ 85 % of windows (target 95 %, not met yet)', (t) => {
    const { pulsecam, pos } = clips.get('mild_motion')!;
    const p = summarize([pulsecam]);
    // Textbook POS is reported, not asserted: its ≤ 1.5 bpm target on mild motion is not met yet
    // (regions slide over uneven skin as the head turns; see the README's accuracy section).
    t.diagnostic(`mild_motion: pulsecam ${p.mae.toFixed(2)} bpm, answered ${(p.answered * 100).toFixed(0)} %; POS ${summarize([pos]).mae.toFixed(2)} bpm`);
    assert.ok(p.mae <= 1.5, `pulsecam MAE ${p.mae}`);
    // The target is 95 %; measured 90 % on this clip (README). This bound catches regressions.
    assert.ok(p.answered >= 0.85, `pulsecam answered ${p.answered}`);
  });

  test('no-pulse face (a photo under changing light): a heart rate in ≤ 5 % of windows, pulse_detected false in ≥ 90 %', (t) => {
    const { pulsecam } = clips.get('no_pulse_face')!;
    const answered = share([pulsecam], (w) => w.bpm !== null);
    const falses = share([pulsecam], (w) => w.pulseDetected === false);
    t.diagnostic(`no_pulse_face: answered ${(answered * 100).toFixed(0)} %, pulse_detected false ${(falses * 100).toFixed(0)} %`);
    assert.ok(answered <= 0.05, `answered ${answered}`);
    assert.ok(falses >= 0.9, `pulse_detected false in ${falses}`);
  });
});
