export * from './ffmpeg.ts';
export * from './probe.ts';
export * from './frames.ts';
export * from './image-folder.ts';
