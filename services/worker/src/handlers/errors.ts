import { UnrecoverableError } from 'bullmq';
import { encodeJobFailure, type JobErrorCode } from '@pulsecam/contracts';

/** A failure retrying cannot fix. Its message is the JSON failure (code, detail) the gateway maps to HTTP. */
export function permanentFailure(code: JobErrorCode, detail: string): UnrecoverableError {
  return new UnrecoverableError(encodeJobFailure({ code, detail }));
}

/** Another job holds the session's stream: this one waits its turn (it is not a failure). */
export class StreamBusyError extends Error {
  override readonly name = 'StreamBusyError';
}
