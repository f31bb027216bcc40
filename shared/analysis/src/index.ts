export * from './decode.ts';
export * from './frame-sample.ts';
export * from './pipeline.ts';
export * from './estimate-session.ts';
export * from './video-trace.ts';
export * from './video-estimate.ts';
export * from './video-file.ts';
export * from './tuning.ts';
