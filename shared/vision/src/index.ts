export * from './face-api.ts';
export * from './face-detector.ts';
export * from './frame-analysis.ts';
export * from './regions.ts';
export * from './skin-stats.ts';
export * from './types.ts';
