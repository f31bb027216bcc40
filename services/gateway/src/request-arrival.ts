/**
 * When each request arrived (server clock, ms), noted before anything else runs: the session
 * clock rule measures the wall time between a client's requests from their arrivals, so time a
 * request spends waiting inside the service does not count against the client's next one.
 */
import type { RequestHandler, Response } from 'express';

export const markArrival: RequestHandler = (_req, res, next) => {
  res.locals.arrivedAt = Date.now();
  next();
};

/** The request's arrival time (now, for a response that did not pass markArrival). */
export function arrivalOf(res: Response): number {
  const at = res.locals.arrivedAt as number | undefined;
  return at ?? Date.now();
}
