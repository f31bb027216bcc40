import type { JobName } from '@pulsecam/contracts';
import type { Handler } from './context.ts';
import { framesAnalyzeHandler } from './frames-analyze.handler.ts';

/** Every job in the catalog has exactly one handler; a missing one fails to compile. */
export const handlers: { [K in JobName]: Handler<K> } = {
  'frames.analyze': framesAnalyzeHandler,
};
