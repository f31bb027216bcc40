export * from './redis.ts';
export * from './sample.ts';
export * from './session-store.ts';
export * from './heartbeats.ts';
