// What the fix blocks need to know about the scanned API beyond one finding: its login operation and
// where the login's answer carries the token, how a failed login answers, which operations are
// secured, and the token subjects of the profile's administrators.
import { loginTemplate } from './accounts.ts';
import type { ScanContext } from './context.ts';
import { loginFields, pick, tokenFor } from './identities.ts';

/** The login operation as the fix blocks name it. */
export interface LoginFixFacts {
  /** The spec's path template of the login operation. */
  readonly method: string;
  readonly path: string;
  /** Dot path of the token in the login's JSON answer (undefined: a header or cookie carries it). */
  readonly tokenPath: string | undefined;
  /** The body member holding the user name, and how the body is encoded. */
  readonly username: { readonly json: string } | { readonly form: string } | undefined;
  /** Statuses the login answered failed attempts with (4xx other than 429). */
  readonly failureStatuses: readonly number[];
  /** A member of a 2xx answer without a token that says the login failed (`status: fail`). */
  readonly failureMember: { readonly member: string; readonly equals: string } | undefined;
}

/** Facts shared by every fix block of one scan. */
export interface FixFacts {
  readonly login: LoginFixFacts | undefined;
  /** Keys (`GET /notes/{slug}`) of the secured operations the scan knew. */
  readonly secured: readonly string[];
  /** `sub` claims of the administrators' tokens (JWTs), for rules naming who may call admin functions. */
  readonly admins: readonly string[];
}

/** No facts: blocks fall back to what one finding tells. */
export const NO_FIX_FACTS: FixFacts = { login: undefined, secured: [], admins: [] };

const MAX_SUBJECT = 128;

/** The `sub` claim of a JWT, when the token is one and the claim is a short string. */
export function subjectOf(token: string): string | undefined {
  const [, payload] = token.split('.');
  try {
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as unknown;
    const sub = (claims as { sub?: unknown } | null)?.sub;
    return typeof sub === 'string' && sub.length <= MAX_SUBJECT ? sub : undefined;
  } catch {
    return undefined;
  }
}

/** Values of a login answer's member that mean it failed (an API answering failures with 200). */
const FAILURE_WORDS = new Set(['fail', 'failed', 'failure', 'error', 'invalid', 'denied', 'unauthorized']);

/** In a 2xx login answer without a token: the top-level member whose value says it failed. */
function failureMemberOf(json: unknown, tokenPath: string | undefined): LoginFixFacts['failureMember'] {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  if (tokenPath !== undefined && pick(json, tokenPath) !== undefined) return undefined;
  for (const [member, value] of Object.entries(json).slice(0, 50)) {
    if (typeof value === 'string' && FAILURE_WORDS.has(value.toLowerCase())) return { member, equals: value };
  }
  return undefined;
}

/** Reads the facts out of a finished scan's context. */
export function fixFactsOf(ctx: ScanContext): FixFacts {
  const flow = loginTemplate(ctx);
  const op =
    flow === undefined
      ? undefined
      : ctx.operations.find((o) => o.method === flow.method && o.path === flow.path);
  let login: LoginFixFacts | undefined;
  if (flow !== undefined && op !== undefined) {
    const user = loginFields(flow).user;
    const failures = new Set<number>();
    let failureMember: LoginFixFacts['failureMember'];
    for (const ex of ctx.client.recorded) {
      if (ex.operation !== op.key) continue;
      if (ex.status >= 400 && ex.status < 500 && ex.status !== 429) failures.add(ex.status);
      else if (failureMember === undefined && ex.status >= 200 && ex.status < 300)
        failureMember = failureMemberOf(ex.json, flow.token);
    }
    login = {
      method: op.method,
      path: op.path,
      tokenPath: flow.tokenHeader === undefined && flow.tokenCookie === undefined ? flow.token : undefined,
      username: user === undefined ? undefined : flow.encoding === 'form' ? { form: user } : { json: user },
      failureStatuses: [...failures].sort((a, b) => a - b),
      failureMember,
    };
  }
  const admins = new Set<string>();
  for (const identity of ctx.identities) {
    if (identity.role !== 'admin') continue;
    const token = tokenFor(identity)?.token;
    const sub = token === undefined ? undefined : subjectOf(token);
    if (sub !== undefined) admins.add(sub);
  }
  return {
    login,
    secured: ctx.operations.filter((o) => o.secured && o !== op).map((o) => o.key),
    admins: [...admins],
  };
}
