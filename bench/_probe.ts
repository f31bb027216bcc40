import sharp from 'sharp';
import { FaceDetector } from '@pulsecam/vision';
import { loadFaceTemplate, scenario, SceneRenderer } from '@pulsecam/synth';
import { FramePipeline } from '../services/worker/src/pipeline.ts';
import { estimateHeartRate, METHOD_NAMES } from '@pulsecam/dsp';
const det = await FaceDetector.load({ backend: 'wasm', inputSize: 320, minScore: 0.5, threads: 1 });
const tpl = await loadFaceTemplate('fixtures/astronaut.png', det);
await sharp(Buffer.from(tpl.mask.map(v=>v*255)), {raw:{width:512,height:512,channels:1}}).png().toFile('/tmp/mask.png');
const pipe = new FramePipeline(det, { maxPixels: 16e6, maxSide: 640 });
for (const name of process.argv.slice(2)) {
  const sc = scenario(name);
  const r = new SceneRenderer(sc.spec, tpl);
  const samples = []; let box = null; const t0 = performance.now(); let rt = 0, vt = 0;
  for (let i = 0; i < r.times.length; i++) {
    const a = performance.now();
    const f = await r.renderFrame(i);
    rt += performance.now() - a;
    if (i === 60) await sharp(f.jpeg).toFile(`/tmp/frame-${name}.png`);
    const o = await pipe.process(f.jpeg, f.timestampMs, box);
    vt += o.timings.visionMs + o.timings.decodeMs;
    if (o.sample) { samples.push(o.sample); box = o.observation.face!.box; }
  }
  console.log(name, 'frames', r.times.length, 'faces', samples.length, 'render ms/f', (rt / r.times.length).toFixed(1), 'pipeline ms/f', (vt / r.times.length).toFixed(1));
  const tr = { t: samples.map(s => s.t / 1000), r: samples.map(s => s.skin[0]), g: samples.map(s => s.skin[1]), b: samples.map(s => s.skin[2]) };
  for (const m of METHOD_NAMES) { const e = estimateHeartRate(tr, { method: m }); console.log('  ', m, e.bpm?.toFixed(1), e.quality.toFixed(2)); }
}
