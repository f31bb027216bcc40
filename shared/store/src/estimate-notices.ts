/**
 * What became of a mark a post waits for (DueEstimates.markWaited), told on one pub/sub channel
 * by the worker that took it: the estimate as saved, or why there is none. Every gateway hears
 * every notice and answers the posts it holds for that session and ticket.
 *
 * Wire form: one line `<ticket> <session id> <outcome>`, a newline, then the estimate's JSON
 * (`estimated`) or the reason (`failed`); nothing for `gone`.
 */
import type { Redis } from 'ioredis';
import { estimatesMadeChannel } from '@pulsecam/contracts';

interface NoticeHead {
  sessionId: string;
  /** The score of the mark taken (the ticket the waiting posts hold). */
  ticket: number;
}

export type EstimateNotice =
  | (NoticeHead & { outcome: 'estimated'; estimateJson: string })
  | (NoticeHead & { outcome: 'gone' })
  | (NoticeHead & { outcome: 'failed'; reason: string });

export function encodeNotice(notice: EstimateNotice): string {
  const body = notice.outcome === 'estimated' ? notice.estimateJson : notice.outcome === 'failed' ? notice.reason : '';
  return `${noticeHead(notice.sessionId, notice.ticket, notice.outcome)}${body}`;
}

/** A notice's first line with its newline: what comes before the body. */
export function noticeHead(sessionId: string, ticket: number, outcome: EstimateNotice['outcome']): string {
  return `${ticket} ${sessionId} ${outcome}\n`;
}

/**
 * What saving an estimate publishes as its `estimated` notice (SessionStore.saveEstimate, in the
 * same Lua step: the estimate's JSON crosses to Redis once): the channel and the notice's head.
 */
export function estimatedNotice(prefix: string, sessionId: string, ticket: number): { channel: string; head: string } {
  return { channel: estimatesMadeChannel(prefix), head: noticeHead(sessionId, ticket, 'estimated') };
}

/** The notice a message carries, or null when it is not one (another version wrote it). */
export function decodeNotice(message: string): EstimateNotice | null {
  const lineEnd = message.indexOf('\n');
  if (lineEnd < 0) return null;
  const [rawTicket, sessionId, outcome, ...rest] = message.slice(0, lineEnd).split(' ');
  const ticket = Number(rawTicket);
  if (rest.length > 0 || !sessionId || !Number.isFinite(ticket) || rawTicket === '') return null;
  const body = message.slice(lineEnd + 1);
  switch (outcome) {
    case 'estimated':
      return { sessionId, ticket, outcome, estimateJson: body };
    case 'gone':
      return { sessionId, ticket, outcome };
    case 'failed':
      return { sessionId, ticket, outcome, reason: body };
    default:
      return null;
  }
}

/** Tells the gateways what became of a waited mark. */
export async function publishNotice(redis: Redis, prefix: string, notice: EstimateNotice): Promise<void> {
  await redis.publish(estimatesMadeChannel(prefix), encodeNotice(notice));
}
