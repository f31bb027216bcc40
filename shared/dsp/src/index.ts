export * from './filters.ts';
export * from './heart-rate.ts';
export * from './linalg.ts';
export * from './methods.ts';
export * from './pulsecam.ts';
export * from './resample.ts';
export * from './spectrum.ts';
export * from './stats.ts';
