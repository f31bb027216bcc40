export * from './redis.ts';
export * from './sample.ts';
export * from './session-store.ts';
export * from './heartbeats.ts';
export * from './secrets.ts';
export * from './api-keys.ts';
export * from './work-ledger.ts';
export * from './video-store.ts';
