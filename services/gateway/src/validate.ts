import type { z } from 'zod';
import { ApiError, fieldErrorsOf } from './errors.ts';

export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const fields = fieldErrorsOf(result.error.issues);
    throw new ApiError('validation_failed', fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields);
  }
  return result.data;
}
