export * from './api.ts';
export * from './estimate.ts';
export * from './jobs.ts';
export * from './keys.ts';
export * from './video.ts';
export * from './sample.ts';
export * from './responses.ts';
