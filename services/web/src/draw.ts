/** Canvas drawing: face box and skin regions over the video, and the pulse waveform. */
import type { BatchItem } from './api.ts';

export function drawOverlay(canvas: HTMLCanvasElement, video: HTMLVideoElement, item: BatchItem | null, frameWidth: number, frameHeight: number): void {
  const rect = video.getBoundingClientRect();
  canvas.width = Math.round(rect.width);
  canvas.height = Math.round(rect.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (!item?.face_box || !frameWidth) return;
  // The video is shown with object-fit: cover; map frame pixels the same way.
  const scale = Math.max(canvas.width / frameWidth, canvas.height / frameHeight);
  const ox = (canvas.width - frameWidth * scale) / 2;
  const oy = (canvas.height - frameHeight * scale) / 2;
  const X = (x: number) => ox + x * scale;
  const Y = (y: number) => oy + y * scale;
  const b = item.face_box;
  ctx.lineWidth = 2;
  ctx.strokeStyle = '#38bdf8';
  ctx.strokeRect(X(b.x), Y(b.y), b.width * scale, b.height * scale);
  if (item.regions) {
    ctx.fillStyle = 'rgba(244, 63, 94, 0.28)';
    ctx.strokeStyle = '#f43f5e';
    for (const poly of Object.values(item.regions)) {
      ctx.beginPath();
      poly.forEach(([x, y], i) => (i ? ctx.lineTo(X(x), Y(y)) : ctx.moveTo(X(x), Y(y))));
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
    }
  }
}

export function drawWaveform(canvas: HTMLCanvasElement, values: number[] | null): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  ctx.strokeStyle = '#334155';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(0, height / 2);
  ctx.lineTo(width, height / 2);
  ctx.stroke();
  if (!values || values.length < 2) return;
  ctx.strokeStyle = '#f43f5e';
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  values.forEach((v, i) => {
    const x = (i / (values.length - 1)) * width;
    const y = height / 2 - v * (height / 2 - 6);
    if (i) ctx.lineTo(x, y);
    else ctx.moveTo(x, y);
  });
  ctx.stroke();
  canvas.dataset.points = String(values.length);
}
