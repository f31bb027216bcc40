/**
 * Every answer the integration tests receive is checked against the contract's response schema
 * for its route and status (@pulsecam/contracts API_RESPONSES; problem+json for errors): an
 * answer that drifts from what /openapi.json documents fails the test that received it.
 */
import { apiRouteOf, responseSchema } from '@pulsecam/contracts';

export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}

/** Throws when a JSON answer does not match its documented schema. Non-JSON answers are not the API's. */
export function checkAnswer(method: string, url: string, status: number, contentType: string, text: string): void {
  if (!/json/.test(contentType) || !text) return;
  const { pathname } = new URL(url, 'http://localhost');
  const schema = responseSchema(method, pathname, status);
  if (!schema) {
    if (apiRouteOf(method, pathname)) throw new ContractViolation(`${method} ${pathname} answered ${status}, which the API does not document`);
    return;
  }
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ContractViolation(`${method} ${pathname} ${status}: the answer does not match its documented schema: ${issues.join('; ')}`);
  }
}
