/**
 * Reading videos with the ffmpeg npm installs: every container the CLI promises, variable frame
 * rates (the frames' own timestamps, gaps and all), headers without a duration, segments cut by
 * time, stopping early, and folders of numbered images.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import sharp from 'sharp';
import { ffmpegPath, listFrameFiles, parseProbe, probeVideo, readFolderFrames, readVideoFrames, runFfmpeg, VideoError } from '../src/index.ts';

const ffmpeg = ffmpegPath();
const dir = mkdtempSync(path.join(os.tmpdir(), 'pulsecam-video-'));
after(() => rm(dir, { recursive: true, force: true }));

/** A 2 s, 10 fps, 160x120 test pattern, encoded as asked. */
async function clip(name: string, codec: string[], extra: string[] = []): Promise<string> {
  const file = path.join(dir, name);
  const r = await runFfmpeg(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '2', ...codec, ...extra, '-y', file]);
  assert.equal(r.code, 0, r.stderr);
  return file;
}

async function frameTimes(file: string, options: Parameters<typeof readVideoFrames>[2] = { maxSide: 640 }) {
  const frames = [];
  for await (const f of readVideoFrames(ffmpeg, file, options)) frames.push(f);
  return frames;
}

describe('ffmpeg frames', { timeout: 120_000 }, () => {
  for (const [name, codec] of [
    ['clip.mp4', ['-c:v', 'libx264', '-pix_fmt', 'yuv420p']],
    ['clip.webm', ['-c:v', 'libvpx-vp9', '-b:v', '200k']],
    ['clip.mov', ['-c:v', 'libx264', '-pix_fmt', 'yuv420p']],
    ['clip.avi', ['-c:v', 'mjpeg', '-q:v', '3']],
    ['clip.mkv', ['-c:v', 'ffv1']],
  ] as const) {
    test(`${name}: probed, and read as 20 RGB frames 100 ms apart`, async () => {
      const file = await clip(name, [...codec]);
      const info = await probeVideo(ffmpeg, file);
      assert.deepEqual([info.width, info.height], [160, 120]);
      assert.ok(Math.abs(info.durationSeconds - 2) < 0.15, `duration ${info.durationSeconds}`);
      const frames = await frameTimes(file);
      assert.equal(frames.length, 20);
      frames.forEach((f, i) => {
        assert.ok(Math.abs(f.tMs - frames[0].tMs - i * 100) < 1, `frame ${i} at ${f.tMs}`);
        assert.equal(f.data.length, 160 * 120 * 3);
      });
    });
  }

  test('variable frame rate: every third frame dropped, the gaps are in the timestamps', async () => {
    const file = await clip('vfr.mkv', ['-c:v', 'ffv1'], ['-vf', "select='not(eq(mod(n\\,3)\\,2))'", '-vsync', 'vfr']);
    const frames = await frameTimes(file);
    assert.equal(frames.length, 14);
    const expected = Array.from({ length: 20 }, (_, n) => n).filter((n) => n % 3 !== 2).map((n) => n * 100);
    assert.deepEqual(frames.map((f) => Math.round(f.tMs)), expected);
  });

  test('frames are scaled to the analysis size inside ffmpeg, keeping the aspect', async () => {
    const file = await clip('big.mkv', ['-c:v', 'ffv1'], ['-vf', 'scale=640:480']);
    const [first] = await frameTimes(file, { maxSide: 320 });
    assert.deepEqual([first.width, first.height], [320, 240]);
  });

  test('a WebM streamed without a duration in its header (as browsers record) is measured by reading it', async () => {
    const file = path.join(dir, 'streamed.webm');
    // -live 1: the WebM muxer writes no duration, as a browser's MediaRecorder does not.
    const again = await runFfmpeg(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '3', '-c:v', 'libvpx', '-live', '1', '-y', file]);
    assert.equal(again.code, 0, again.stderr);
    const header = await runFfmpeg(ffmpeg, ['-hide_banner', '-i', file]);
    assert.match(header.stderr, /Duration: N\/A/);
    const info = await probeVideo(ffmpeg, file);
    assert.ok(Math.abs(info.durationSeconds - 3) < 0.2, `duration ${info.durationSeconds}`);
  });

  test('a segment keeps start <= t < end on the whole file\'s clock; stopping early ends ffmpeg', async () => {
    const file = await clip('seg.mkv', ['-c:v', 'ffv1']);
    const segment = await frameTimes(file, { maxSide: 640, startSeconds: 0.5, endSeconds: 1.2 });
    assert.deepEqual(segment.map((f) => Math.round(f.tMs)), [500, 600, 700, 800, 900, 1000, 1100]);
    // Past the seek margin ffmpeg seeks first; the times stay the whole file's.
    const late = await frameTimes(file, { maxSide: 640, startSeconds: 1.3 });
    assert.deepEqual(late.map((f) => Math.round(f.tMs)), [1300, 1400, 1500, 1600, 1700, 1800, 1900]);
    const h264 = await clip('seek.mp4', ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '5']);
    const whole = await frameTimes(h264);
    const tail = await frameTimes(h264, { maxSide: 640, startSeconds: 1.25, endSeconds: 1.75 });
    assert.deepEqual(tail.map((f) => f.tMs), whole.filter((f) => f.tMs >= 1250 && f.tMs < 1750).map((f) => f.tMs));
    assert.deepEqual(tail.map((f) => Buffer.from(f.data).subarray(0, 64)), whole.filter((f) => f.tMs >= 1250 && f.tMs < 1750).map((f) => Buffer.from(f.data).subarray(0, 64)), 'the same pixels');
    const stop = new AbortController();
    let seen = 0;
    for await (const _ of readVideoFrames(ffmpeg, file, { maxSide: 640, signal: stop.signal })) {
      if (++seen === 3) stop.abort();
    }
    assert.equal(seen, 3);
    let early = 0;
    for await (const _ of readVideoFrames(ffmpeg, file, { maxSide: 640 })) if (++early === 2) break;
    assert.equal(early, 2);
  });

  test('unreadable input: a clear VideoError, never a hang', async () => {
    const junk = path.join(dir, 'junk.mp4');
    writeFileSync(junk, 'not a video at all'.repeat(100));
    await assert.rejects(probeVideo(ffmpeg, junk), (err: unknown) => err instanceof VideoError && err.code === 'unreadable_video' && /not a readable video/.test(err.message));
    await assert.rejects(probeVideo(ffmpeg, path.join(dir, 'missing.mp4')), /no such file/);
    await assert.rejects(frameTimes(junk), (err: unknown) => err instanceof VideoError && err.code === 'unreadable_video');
    await assert.rejects(probeVideo('/nonexistent/ffmpeg', junk), (err: unknown) => err instanceof VideoError && err.code === 'ffmpeg_missing');
  });
});

describe('probe header parsing', () => {
  test('size, rate and duration; a rotated phone video reports its displayed size; no video stream is refused', () => {
    const phone = `Input #0, mov,mp4, from 'a.mp4':\n  Duration: 00:01:02.50, start: 0.000000, bitrate: 9000 kb/s\n    Stream #0:0(und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709), 1920x1080, 8000 kb/s, 29.97 fps, 29.97 tbr, 90k tbn (default)\n    Metadata:\n      rotate          : 90\n    Stream #0:1(und): Audio: aac\n`;
    assert.deepEqual(parseProbe(phone), { codec: 'h264', width: 1080, height: 1920, fps: 29.97, durationSeconds: 62.5 });
    const streamed = `Input #0, matroska,webm, from 'b.webm':\n  Duration: N/A, start: 0.000000, bitrate: N/A\n    Stream #0:0: Video: vp8, yuv420p(progressive), 640x480, SAR 1:1 DAR 4:3, 30 tbr, 1k tbn (default)\n`;
    assert.deepEqual(parseProbe(streamed), { codec: 'vp8', width: 640, height: 480, fps: 30, durationSeconds: null });
    assert.throws(() => parseProbe(`Input #0, wav, from 'c.wav':\n  Duration: 00:00:03.00\n    Stream #0:0: Audio: pcm_s16le\n`), /no video stream/);
  });
});

describe('folders of numbered images', () => {
  test('natural order (2 before 10), timed by the frame rate or by given times', async () => {
    const folder = path.join(dir, 'frames');
    mkdirSync(folder);
    for (const n of [1, 2, 10, 11]) {
      await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: n * 20, g: 0, b: 0 } } }).png().toFile(path.join(folder, `frame${n}.png`));
    }
    writeFileSync(path.join(folder, 'notes.txt'), 'not an image');
    const files = await listFrameFiles(folder);
    assert.deepEqual(files.map((f) => path.basename(f)), ['frame1.png', 'frame2.png', 'frame10.png', 'frame11.png']);
    const byRate = [];
    for await (const f of readFolderFrames(files, { maxSide: 640, fps: 4 })) byRate.push([f.tMs, f.data[0]]);
    assert.deepEqual(byRate, [[0, 20], [250, 40], [500, 200], [750, 220]]);
    const byTimes = [];
    for await (const f of readFolderFrames(files, { maxSide: 32, timesMs: [0, 40, 70, 110] })) byTimes.push([f.tMs, f.width, f.height]);
    assert.deepEqual(byTimes, [[0, 32, 24], [40, 32, 24], [70, 32, 24], [110, 32, 24]]);
    await assert.rejects(listFrameFiles(path.join(dir)), /no images/);
  });
});
