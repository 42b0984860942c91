// sensitive-data behaviour: scan textual response bodies (and optionally request bodies) within a
// budget; mask in place, block, or report each type as configured, one event per type found.
import { parseBytes } from '../../lib/bytes.ts';
import { essenceOf, formatOf } from '../../openapi/index.ts';
import { CONTINUE, deny, type PolicyContext, type PolicyHandlers, type Verdict } from '../policy.ts';
import type { SensitiveDataConfig } from './config.ts';
import { type Action, type BodyScan, scanBody } from './redact-body.ts';
import { SENSITIVE_TYPES, type SensitiveType } from './scanner.ts';

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Which bodies are text worth scanning: JSON, forms, text/*, XML. */
function textKind(contentType: string | undefined): 'json' | 'text' | undefined {
  const essence = essenceOf(contentType);
  if (essence === undefined) return undefined;
  const format = formatOf(essence);
  if (format === 'json') return 'json';
  if (format === 'text' || format === 'form' || essence.endsWith('xml')) return 'text';
  return undefined;
}

/** Compiles the action table once per config version. */
export function createSensitiveData(config: SensitiveDataConfig): PolicyHandlers {
  const actions = new Map<SensitiveType, Action>();
  for (const type of SENSITIVE_TYPES) {
    const action = config.types[type];
    if (action !== 'off') actions.set(type, action);
  }
  const budget = parseBytes(config.maxBytes);

  function report(ctx: PolicyContext, scan: BodyScan): SensitiveType | undefined {
    let blocked: SensitiveType | undefined;
    for (const [type, seen] of scan.found) {
      if (seen.action === 'block') blocked ??= type;
      ctx.emit({
        rule: `sensitive-${type}`,
        location: seen.location,
        reason: `${seen.count} ${type} value(s) ${seen.action === 'mask' ? 'masked' : seen.action === 'block' ? 'found, blocking' : 'found'}`,
        severity: seen.action === 'block' ? 'high' : 'medium',
      });
    }
    return blocked;
  }

  const handlers: PolicyHandlers = {
    needs: { requestBody: config.requests, responseBody: true },
    onRequest(ctx: PolicyContext): Verdict {
      // Scanning needs the plain body (RFC 9110 §12.5.3).
      ctx.removeUpstreamHeader('accept-encoding');
      if (!config.requests || ctx.body === undefined || ctx.body.length === 0) return CONTINUE;
      const kind = textKind(header(ctx.headers['content-type']));
      if (kind === undefined || ctx.body.length > budget) return CONTINUE;
      const blocked = report(ctx, scanBody(ctx.body.toString('utf8'), kind === 'json', 'body', actions));
      if (blocked === undefined) return CONTINUE;
      return deny('RAMPART_VALIDATION_SENSITIVE_DATA', {
        rule: `sensitive-${blocked}`,
        location: 'body',
        reason: `request carries ${blocked}`,
      });
    },
    onResponse(ctx: PolicyContext): Verdict {
      const response = ctx.response;
      if (
        response === undefined ||
        response.local ||
        response.body === undefined ||
        response.body.length === 0
      )
        return CONTINUE;
      const kind = textKind(header(response.headers['content-type']));
      if (kind === undefined) return CONTINUE;
      const encoding = header(response.headers['content-encoding']);
      if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
        return deny('RAMPART_RESPONSE_UNINSPECTABLE', {
          rule: 'encoded-body',
          location: 'response.body',
          reason: `content-encoding ${encoding}`,
        });
      }
      if (response.body.length > budget) {
        if (config.overBudget === 'block') {
          return deny('RAMPART_RESPONSE_UNINSPECTABLE', {
            rule: 'over-budget',
            location: 'response.body',
            reason: `${response.body.length} bytes > ${budget}`,
          });
        }
        ctx.emit({
          rule: 'sensitive-over-budget',
          location: 'response.body',
          reason: `${response.body.length} bytes not scanned`,
          severity: 'low',
        });
        return CONTINUE;
      }
      const scan = scanBody(response.body.toString('utf8'), kind === 'json', 'response.body', actions);
      const blocked = report(ctx, scan);
      if (blocked !== undefined) {
        return deny('RAMPART_RESPONSE_SENSITIVE_DATA', {
          rule: `sensitive-${blocked}`,
          location: scan.found.get(blocked)!.location,
          reason: `response carries ${blocked}`,
        });
      }
      if (scan.masked !== undefined) response.body = Buffer.from(scan.masked, 'utf8');
      return CONTINUE;
    },
  };
  return handlers;
}
