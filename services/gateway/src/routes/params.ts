import { z } from 'zod';
import { SessionId } from '@pulsecam/contracts';

export const SessionIdParam = z.object({ id: SessionId });
export const JobIdParam = z.object({ id: z.string().uuid() });
export const AsyncQuery = z.object({ async: z.enum(['true', 'false', '1', '0']).optional() });
