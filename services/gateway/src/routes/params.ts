/** Path and query parameters: the contract's, re-exported where the routes read them. */
export { AsyncQuery, JobIdParam, SessionIdParam } from '@pulsecam/contracts';
