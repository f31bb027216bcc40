/** Maps a job's failure to the API error a client should see. */
import { decodeJobFailure, type JobErrorCode } from '@pulsecam/contracts';
import { ApiError, redisUnavailable } from './errors.ts';
import { JobFailedError, JobTimeoutError } from './job-waiter.ts';

/** A failed job's reason as the worker encoded it (see `encodeJobFailure`). */
export function parseJobFailure(reason: string): { code: JobErrorCode | null; detail: string } {
  return decodeJobFailure(reason);
}

export function apiErrorFromJob(err: unknown, field = 'image_data'): ApiError {
  if (err instanceof JobTimeoutError) {
    return new ApiError(
      'timeout',
      'the workers did not answer in time; frames no worker had started were withdrawn (not stored), frames in progress may still be stored. Retry later or use ?async=true.',
    );
  }
  if (err instanceof JobFailedError) {
    const { code, detail } = parseJobFailure(err.message);
    switch (code) {
      case 'invalid_image':
        return new ApiError('invalid_image', detail, [{ field, message: detail }]);
      case 'image_too_large':
        return new ApiError('image_too_large', detail, [{ field, message: detail }]);
      case 'session_not_found':
        return new ApiError('session_not_found', detail, [{ field: 'session_id', message: 'unknown or expired session' }]);
      case 'invalid_payload':
        return new ApiError('validation_failed', detail);
      default:
        return new ApiError('internal', 'frame processing failed');
    }
  }
  if (err instanceof ApiError) return err;
  return redisUnavailable();
}
