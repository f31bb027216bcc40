/** Process start and stop, shared by every service's main.ts and the launcher: config errors as one line, signals as an ordered shutdown. */
import { ConfigError } from '@pulsecam/config';

/** Loads configuration; on a bad setting prints one line naming every bad setting and exits 2. */
export function loadOrExit<T>(service: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`pulsecam ${service}: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
}

interface ShutdownLogger {
  info(obj: object, msg: string): void;
  info(msg: string): void;
  error(obj: object, msg: string): void;
  error(msg: string): void;
}

/**
 * On SIGTERM or SIGINT runs the steps in order, once (a second signal joins the first run), each
 * step's failure logged and the next still run, within a deadline shorter than an orchestrator's
 * grace period; then exits.
 */
export function onShutdown(log: ShutdownLogger, deadlineMs: number, steps: [string, () => unknown][]): void {
  let closing: Promise<void> | undefined;
  const shutdown = (signal: string) => {
    if (closing) return closing;
    log.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      log.error('shutdown deadline passed; exiting');
      process.exit(1);
    }, deadlineMs);
    deadline.unref();
    closing = (async () => {
      for (const [name, step] of steps) {
        try {
          await step();
        } catch (err) {
          log.error({ err, step: name }, 'shutdown step failed');
        }
      }
      log.info('stopped');
      process.exit(0);
    })();
    return closing;
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
