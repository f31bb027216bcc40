import type { z } from 'zod';
import { ApiError, fieldErrorsOf } from './errors.ts';
import { compileJsonValidator } from './json-validator.ts';

export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const fields = fieldErrorsOf(result.error.issues);
    throw new ApiError('validation_failed', fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields);
  }
  return result.data;
}

/**
 * A parsed JSON body (as JSON.parse makes it: no undefined, NaN or Infinity) checked against
 * `schema`: by the check compiled from the schema when it has one and the body passes it (the
 * body is then what zod would return), otherwise by zod, which names the fields at fault.
 */
export function parseJsonOrThrow<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const quickCheck = compileJsonValidator(schema);
  if (quickCheck?.(body)) return body as z.infer<T>;
  return parseOrThrow(schema, body);
}
