import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createPhysiology } from '../../synth/src/physiology.ts';
import { gaussian, mulberry32 } from '../../synth/src/random.ts';
import { designBandPass, detectBeats, filtfilt, heartRateVariability, respirationFromBeats } from '../src/index.ts';

function sampledPulse(bpm: number, seconds: number, breathing: number, noise: number, seed: number) {
  const phys = createPhysiology({ heartRate: () => bpm, breathingRate: breathing, beatJitter: 0.02, rsa: 0.04, seed }, seconds);
  const fs = 30;
  const g = gaussian(mulberry32(seed + 100));
  const raw = Float64Array.from({ length: seconds * fs }, (_, i) => phys.pulse(i / fs) + noise * g());
  const pulse = filtfilt(raw, designBandPass(0.6, 4, fs, 4));
  const truthIbi: number[] = [];
  for (let i = 1; i < phys.beats.length && phys.beats[i] < seconds; i++) truthIbi.push((phys.beats[i] - phys.beats[i - 1]) * 1000);
  let sum = 0;
  for (let i = 1; i < truthIbi.length; i++) sum += (truthIbi[i] - truthIbi[i - 1]) ** 2;
  return { pulse, fs, phys, truthIbi, truthRmssd: Math.sqrt(sum / (truthIbi.length - 1)) };
}

describe('beats, HRV and breathing', () => {
  test('finds every beat of a clean pulse with sub-frame timing', () => {
    const s = sampledPulse(72, 30, 15, 0.02, 1);
    const beats = detectBeats(s.pulse, s.fs, 72);
    assert.ok(Math.abs(beats.length - (s.truthIbi.length + 1)) <= 2, `${beats.length} beats vs ${s.truthIbi.length + 1}`);
    const hrv = heartRateVariability(beats);
    assert.ok(hrv.meanIbiMs !== null && Math.abs(hrv.meanIbiMs - 60000 / 72) < 15, `mean IBI ${hrv.meanIbiMs}`);
    assert.ok(hrv.rmssdMs !== null && Math.abs(hrv.rmssdMs - s.truthRmssd) < 0.35 * s.truthRmssd + 5, `RMSSD ${hrv.rmssdMs} vs ${s.truthRmssd}`);
    assert.ok(hrv.quality > 0.8);
  });

  test('an interval from a missed beat is rejected, not averaged in', () => {
    const beats = Array.from({ length: 30 }, (_, i) => ({ t: i * 0.8 + (i > 15 ? 0.8 : 0), amplitude: 1, foot: 0 }));
    beats.splice(15, 1);
    const hrv = heartRateVariability(beats);
    assert.ok(hrv.ibiMs.every((v) => Math.abs(v - 800) < 1));
    assert.ok(hrv.rmssdMs !== null && hrv.rmssdMs < 1);
  });

  test('breathing rate from the pulse modulation', () => {
    for (const breathing of [12, 18]) {
      const s = sampledPulse(70, 30, breathing, 0.02, breathing);
      const resp = respirationFromBeats(detectBeats(s.pulse, s.fs, 70));
      assert.ok(resp.rate !== null && Math.abs(resp.rate - breathing) < 2, `${breathing}/min: got ${resp.rate}`);
    }
  });

  test('too few beats: no HRV, no breathing rate', () => {
    const s = sampledPulse(70, 5, 15, 0.02, 3);
    const beats = detectBeats(s.pulse, s.fs, 70);
    assert.equal(heartRateVariability(beats).rmssdMs, null);
    assert.equal(respirationFromBeats(beats).rate, null);
  });
});
