// The shape of an alert channel and the one HTTP helper the webhook-style channels share: a JSON POST
// with a timeout whose errors never quote the URL (a Slack webhook URL is itself the secret).
import type { AlertNotice } from '../engine.ts';

/** Somewhere alerts go. */
export interface AlertChannel {
  readonly name: string;
  readonly type: 'slack' | 'pagerduty' | 'email' | 'webhook';
  /** Delivers one notice; rejects when the receiver did not take it (the dispatcher retries). */
  send(notice: AlertNotice): Promise<void>;
  close?(): Promise<void>;
}

/** A receiver that refused a notice or could not be reached; the message names no URL. */
export class ChannelError extends Error {
  override readonly name = 'ChannelError';
  /** The HTTP status when there was an answer. */
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

const TIMEOUT_MS = 10_000;

/** POSTs `body` (already serialized JSON) and resolves when the receiver answers 2xx. */
export async function postJson(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'rampart-alerts', ...headers },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'unreachable';
    throw new ChannelError(`receiver ${reason}`);
  }
  // The body is read (bounded by the receiver) so the connection can be reused; its text is not kept.
  await response.arrayBuffer().catch(() => undefined);
  if (response.status < 200 || response.status > 299) {
    throw new ChannelError(`receiver answered ${response.status}`, response.status);
  }
}
