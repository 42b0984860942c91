// request-limits behaviour: refuse requests whose URL, headers, body or JSON shape exceed the limits.
import { parseBytes } from '../../lib/bytes.ts';
import { type JsonShapeError, scanJsonShape } from '../../lib/json-shape.ts';
import {
  CONTINUE,
  type Deny,
  deny,
  type PolicyContext,
  type PolicyHandlers,
  type Verdict,
} from '../policy.ts';
import type { RequestLimitsConfig } from './config.ts';
import { headerStats } from './header-stats.ts';
import { isJsonMediaType } from './json-media-type.ts';

const JSON_DENIALS: Record<JsonShapeError, (reason: string) => Deny> = {
  'too-deep': (reason) =>
    deny('RAMPART_INGRESS_JSON_TOO_DEEP', { reason, rule: 'json-depth', location: 'body' }),
  'too-many-keys': (reason) =>
    deny('RAMPART_INGRESS_JSON_TOO_MANY_KEYS', { reason, rule: 'json-keys', location: 'body' }),
  invalid: (reason) =>
    deny('RAMPART_INGRESS_JSON_INVALID', { reason, rule: 'json-syntax', location: 'body' }),
};

/** Compiles the limits once; the request handler only compares numbers (and scans JSON when asked). */
export function createRequestLimits(config: RequestLimitsConfig): PolicyHandlers {
  const maxUrlLength = config.maxUrlLength;
  const maxHeaders = config.maxHeaders;
  const maxHeaderBytes = parseBytes(config.maxHeaderBytes);
  const maxBodyBytes = parseBytes(config.maxBodyBytes);
  const json = config.json;

  function checkBody(ctx: PolicyContext): Verdict {
    if (ctx.contentLength !== undefined && ctx.contentLength > maxBodyBytes) {
      return deny('RAMPART_INGRESS_BODY_TOO_LARGE', {
        reason: `content-length ${ctx.contentLength} > ${maxBodyBytes}`,
        rule: 'body-size',
        location: 'header.content-length',
      });
    }
    const body = ctx.body;
    if (body === undefined) return CONTINUE;
    if (body.length > maxBodyBytes) {
      return deny('RAMPART_INGRESS_BODY_TOO_LARGE', {
        reason: `body ${body.length} bytes > ${maxBodyBytes}`,
        rule: 'body-size',
        location: 'body',
      });
    }
    if (json === undefined || body.length === 0 || !isJsonMediaType(ctx.headers['content-type']))
      return CONTINUE;
    const shape = scanJsonShape(body, json);
    if (shape.ok) return CONTINUE;
    return JSON_DENIALS[shape.error](
      `json ${shape.error} at byte ${shape.offset} (maxDepth ${json.maxDepth}, maxKeys ${json.maxKeys})`,
    );
  }

  const handlers: PolicyHandlers = {
    // The pipeline enforces this while streaming, so chunked bodies are bounded too.
    requestBodyLimit: maxBodyBytes,
    onRequest(ctx: PolicyContext): Verdict {
      if (ctx.rawUrl.length > maxUrlLength) {
        return deny('RAMPART_INGRESS_URL_TOO_LONG', {
          reason: `url ${ctx.rawUrl.length} > ${maxUrlLength}`,
          rule: 'url-length',
          location: 'url',
        });
      }
      const stats = headerStats(ctx.headers);
      const fieldCount = Math.max(stats.count, ctx.headerFieldCount);
      if (fieldCount > maxHeaders) {
        return deny('RAMPART_INGRESS_HEADERS_TOO_LARGE', {
          reason: `${fieldCount} header fields > ${maxHeaders}`,
          rule: 'header-count',
          location: 'header',
        });
      }
      if (stats.bytes > maxHeaderBytes) {
        return deny('RAMPART_INGRESS_HEADERS_TOO_LARGE', {
          reason: `${stats.bytes} header bytes > ${maxHeaderBytes}`,
          rule: 'header-bytes',
          location: 'header',
        });
      }
      return checkBody(ctx);
    },
  };
  return json === undefined ? handlers : { ...handlers, needs: { requestBody: true } };
}
