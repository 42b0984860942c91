// Connects the gateway's reports to the outlets: access log lines, Prometheus metrics, the security
// event channel and error logs. One object per process, shared by every config version.

import type { AccessLogger } from './access-log.ts';
import type { SecurityEvents } from './events.ts';
import type { ExportItem } from './export-item.ts';
import type { FinishedRequest, GatewayObserver, RequestSecurityEvent } from './gateway-records.ts';
import type { Logger } from './logger.ts';
import { type Metrics, UNMATCHED_ROUTE } from './metrics.ts';
import { redactSecretsInText } from './redact-text.ts';

/** The outlets the observer feeds. */
export interface ObserverOutlets {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly events: SecurityEvents;
  /** Absent when the access log is switched off. */
  readonly accessLog: AccessLogger | undefined;
  /** Sinks that take every finished request (absent when none does). */
  readonly requestExport?: { offer(item: ExportItem): void } | undefined;
}

function errorSummary(error: unknown): { name: string; message: string; code?: string } {
  // Messages can quote what a peer sent; they are redacted like evidence.
  if (!(error instanceof Error)) return { name: 'Error', message: redactSecretsInText(String(error), 256) };
  const message = redactSecretsInText(error.message, 256);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? { name: error.name, message, code } : { name: error.name, message };
}

/** Creates the gateway observer over the given outlets. */
export function createGatewayObserver(outlets: ObserverOutlets): GatewayObserver {
  const { logger, metrics, events, accessLog, requestExport } = outlets;
  return {
    requestStarted() {
      metrics.requestStarted();
    },
    requestFinished(record: FinishedRequest) {
      const route = record.route ?? UNMATCHED_ROUTE;
      metrics.requestFinished(
        route,
        record.method,
        record.status,
        record.durationMs / 1000,
        record.consumerId,
      );
      // A policy's answer that refused nothing (a CORS preflight's 204) is not a rejection.
      if (record.code !== undefined && record.policy !== undefined && record.status >= 400) {
        metrics.policyRejection(route, record.policy, record.code);
      }
      accessLog?.log({
        requestId: record.requestId,
        method: record.method,
        route,
        url: record.rawQuery === '' ? record.path : `${record.path}?${record.rawQuery}`,
        status: record.status,
        latencyMs: Math.round(record.durationMs * 1000) / 1000,
        bytesIn: record.bytesIn,
        bytesOut: record.bytesOut,
        clientIp: record.clientIp,
        consumerId: record.consumerId,
        userAgent: record.userAgent,
        rejection: record.code === undefined ? undefined : { code: record.code, policy: record.policy },
        upstream: record.upstream,
        annotations: record.annotations,
        traceId: record.traceId,
      });
      requestExport?.offer({ kind: 'request', request: record });
    },
    securityEvent(event: RequestSecurityEvent) {
      events.emit({ ...event, route: event.route ?? UNMATCHED_ROUTE });
    },
    upstreamResponded(upstream, seconds) {
      metrics.upstreamResponded(upstream, seconds);
    },
    upstreamFailed(upstream, kind, requestId, error) {
      metrics.upstreamError(upstream, kind);
      logger.warn({ requestId, upstream, kind, err: errorSummary(error) }, 'upstream exchange failed');
    },
    policyFault(policy, requestId, error, failedOpen) {
      logger.error({ requestId, policy, failedOpen, err: errorSummary(error) }, 'policy fault');
    },
    upstreamChanged(change) {
      switch (change.kind) {
        case 'circuit':
          metrics.upstreamCircuit(change.upstream, change.state, !change.initial);
          if (!change.initial) {
            const level = change.state === 'open' ? 'warn' : 'info';
            logger[level](
              { upstream: change.upstream, state: change.state },
              'upstream circuit breaker changed',
            );
          }
          return;
        case 'health':
          metrics.upstreamHealth(change.upstream, change.healthy);
          if (!change.initial) {
            const level = change.healthy ? 'info' : 'warn';
            logger[level](
              { upstream: change.upstream, healthy: change.healthy },
              change.healthy
                ? 'upstream passes its health checks again'
                : 'upstream failed its health checks',
            );
          }
          return;
        case 'retry':
          metrics.upstreamRetry(change.upstream, change.decision);
          return;
      }
    },
    configReloaded(result, detail) {
      metrics.configReload(result, result === 'success' ? detail : undefined);
      if (result === 'success') logger.info({ version: detail }, 'config reloaded');
      else logger.error({ detail }, 'config reload refused; the running config keeps serving');
    },
  };
}
