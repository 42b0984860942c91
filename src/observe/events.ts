// The security event channel: every deny, would-deny and flag goes through here to the log, the
// metrics and any subscriber (audit log, alerts, SIEM export). Subscribers never break the request path.
// Identical events beyond a rate are logged as one summary line per window (metrics and subscribers
// still see each), so an outage that refuses every request cannot flood the log.
import type { Clock } from '../lib/clock.ts';
import { type EventAggregation, EventAggregator } from './event-aggregator.ts';
import type { Logger } from './logger.ts';
import type { EventOutcome, Metrics } from './metrics.ts';
import { EVIDENCE_MAX_LENGTH, redactSecretsInText } from './redact-text.ts';
import type { RequestFacts, SecurityEvent } from './security-event.ts';

/** A security event with where and whom it concerns, as emitted by the pipeline. */
export interface SecurityEventInput extends SecurityEvent, RequestFacts {
  readonly requestId: string;
  readonly route: string;
  readonly clientIp: string;
  readonly consumerId?: string | undefined;
  readonly outcome: EventOutcome;
  /** Milliseconds since the epoch; the channel's clock when absent. */
  readonly time?: number;
}

/** A security event as logged and handed to listeners: evidence redacted and bounded, time set. */
export interface SecurityEventRecord extends SecurityEventInput {
  readonly time: number;
}

/** A subscriber; may be async, its failures are logged and otherwise ignored. */
export type SecurityEventListener = (event: SecurityEventRecord) => void | Promise<void>;

/** The channel. */
export interface SecurityEvents {
  emit(event: SecurityEventInput): void;
  /** Subscribes a listener; returns the function that unsubscribes it. */
  on(listener: SecurityEventListener): () => void;
}

/** Options of `createSecurityEvents`. */
export interface SecurityEventsOptions {
  readonly logger: Logger;
  readonly metrics: Pick<Metrics, 'securityEvent'>;
  readonly clock?: Clock;
  /** Log lines per identical event and window before they are summarized; `false`: log every one. */
  readonly aggregation?: EventAggregation | false;
}

const REASON_MAX_LENGTH = 256;
const MAX_LISTENERS = 64;

function sanitize(event: SecurityEventInput, now: number): SecurityEventRecord {
  const record: {
    -readonly [K in keyof SecurityEventRecord]: SecurityEventRecord[K];
  } = { ...event, time: event.time ?? now };
  if (event.evidence !== undefined)
    record.evidence = redactSecretsInText(event.evidence, EVIDENCE_MAX_LENGTH);
  if (event.reason !== undefined) record.reason = redactSecretsInText(event.reason, REASON_MAX_LENGTH);
  return Object.freeze(record);
}

/** Creates the security event channel. */
export function createSecurityEvents(options: SecurityEventsOptions): SecurityEvents {
  const { logger, metrics } = options;
  const clock = options.clock ?? Date;
  const listeners: SecurityEventListener[] = [];
  const aggregator =
    options.aggregation === false
      ? undefined
      : new EventAggregator(options.aggregation, clock, (summary) =>
          logger.warn({ type: 'security_event_summary', ...summary }, 'security_event_summary'),
        );

  const reportFailure = (error: unknown, policy: string): void => {
    logger.error({ err: error, policy }, 'security event listener failed');
  };

  return {
    emit(event) {
      const record = sanitize(event, clock.now());
      // pino writes its own `time`; the event's time goes under another name to keep keys unique.
      const { time, ...fields } = record;
      if (aggregator === undefined || aggregator.admit(record))
        logger.warn({ type: 'security_event', ...fields, eventTime: time }, 'security_event');
      metrics.securityEvent(record.policy, record.code ?? 'none', record.outcome);
      // A snapshot, so a listener that unsubscribes (or subscribes) while running changes nothing here.
      for (const listener of [...listeners]) {
        try {
          const result = listener(record);
          if (result instanceof Promise)
            result.catch((error: unknown) => reportFailure(error, record.policy));
        } catch (error) {
          reportFailure(error, record.policy);
        }
      }
    },
    on(listener) {
      if (listeners.length >= MAX_LISTENERS) throw new RangeError('too many security event listeners');
      listeners.push(listener);
      return () => {
        const index = listeners.indexOf(listener);
        if (index !== -1) listeners.splice(index, 1);
      };
    },
  };
}
