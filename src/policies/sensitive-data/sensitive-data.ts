// sensitive-data behaviour: scan textual response bodies (and optionally request bodies) within a
// budget; mask in place, block, or report each type as configured, one event per type found.
import { parseBytes } from '../../lib/bytes.ts';
import { essenceOf, forgetJson, formatOf, jsonOf, replaceJson } from '../../openapi/index.ts';
import { CONTINUE, deny, type PolicyContext, type PolicyHandlers, type Verdict } from '../policy.ts';
import type { SensitiveDataConfig } from './config.ts';
import { jsonMayHold } from './prefilter.ts';
import { type Action, type Found, scanJson, scanPlainText } from './redact-body.ts';
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
  // Request bodies are never rewritten: what would be masked in a response is reported.
  const requestActions = new Map<SensitiveType, Action>();
  for (const type of SENSITIVE_TYPES) {
    const action = config.types[type];
    if (action === 'off') continue;
    actions.set(type, action);
    requestActions.set(type, action === 'mask' ? 'report' : action);
  }
  const wanted: ReadonlySet<SensitiveType> = new Set(actions.keys());
  const budget = parseBytes(config.maxBytes);
  const email = wanted.has('email');
  const privateKey = wanted.has('privateKey');
  const NOTHING: Found = new Map();

  /** Scans a body: JSON walked member by member (parsed once, shared), other text whole. */
  function scan(
    body: Buffer,
    json: boolean,
    root: string,
    table: ReadonlyMap<SensitiveType, Action>,
  ): { found: Found; replacement: (() => Buffer) | undefined } {
    const text = body.toString('utf8');
    if (json) {
      // Most JSON bodies hold nothing the scanner could match: then neither parse nor walk them.
      if (!jsonMayHold(text, email, privateKey)) return { found: NOTHING, replacement: undefined };
      const parsed = jsonOf(body, text);
      if (parsed.ok) {
        const result = scanJson(parsed.value, root, table, wanted, config.keepIssuedTokens);
        return {
          found: result.found,
          replacement: result.changed ? () => replaceJson(body, result.value) : undefined,
        };
      }
    }
    const result = scanPlainText(text, root, table, wanted);
    const masked = result.masked;
    return {
      found: result.found,
      replacement: masked === undefined ? undefined : () => Buffer.from(masked, 'utf8'),
    };
  }

  function report(ctx: PolicyContext, found: Found): SensitiveType | undefined {
    let blocked: SensitiveType | undefined;
    for (const [type, seen] of found) {
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
      const blocked = report(ctx, scan(ctx.body, kind === 'json', 'body', requestActions).found);
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
      const body = response.body;
      // The parse is shared with response-filter (src/openapi/json-body.ts): one per body, not one each.
      const { found, replacement } = scan(body, kind === 'json', 'response.body', actions);
      const blocked = report(ctx, found);
      if (blocked !== undefined) {
        // Masks were applied to the shared parsed value; the body itself stays unmasked and blocked.
        if (replacement !== undefined) forgetJson(body);
        return deny('RAMPART_RESPONSE_SENSITIVE_DATA', {
          rule: `sensitive-${blocked}`,
          location: found.get(blocked)!.location,
          reason: `response carries ${blocked}`,
        });
      }
      if (replacement !== undefined) response.body = replacement();
      return CONTINUE;
    },
  };
  return handlers;
}
