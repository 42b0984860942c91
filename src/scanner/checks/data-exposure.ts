// Excessive data exposure: members of successful answers outside the operation's response schema,
// and sensitive data (password hashes, secrets, card numbers, tokens) wherever it is not declared.

import { type ScanContext, tested } from '../context.ts';
import { makeFinding } from '../finding.ts';
import { passwordOf } from '../identities.ts';
import { propertiesOf } from '../spec.ts';
import type { Exchange, ScanOperation, Schema } from '../types.ts';
import type { Check } from './check.ts';

const meta = { id: 'data-exposure', title: 'Excessive data exposure', owasp: 'API3:2023', cwe: 213 } as const;

const SENSITIVE_NAME =
  /pass(word)?|pwd|hash|secret|private|ssn|cvv|card_?number|pin$|api_?key|salt|internal/i;
const MAX_NODES = 5000;

/** Whether a string value looks like a secret: a password hash, a JWT, a card number (Luhn). */
export function sensitiveValue(value: string): string | undefined {
  if (/^(\$2[aby]\$\d\d\$|\$argon2|sha(1|256|512):|pbkdf2)/i.test(value)) return 'a password hash';
  if (/^[a-f0-9]{40,128}$/i.test(value)) return 'a hex digest';
  if (/^eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*$/.test(value)) return 'a JWT';
  const digits = value.replace(/[ -]/g, '');
  if (/^\d{13,19}$/.test(digits) && luhn(digits)) return 'a card number';
  return undefined;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Undeclared and sensitive members of `value` against `schema` (paths like `items[].passwordHash`). */
export function exposedMembers(
  value: unknown,
  schema: Schema | undefined,
): { undeclared: string[]; sensitive: string[] } {
  const undeclared = new Set<string>();
  const sensitive = new Set<string>();
  let nodes = 0;
  const walk = (node: unknown, s: Schema | undefined, path: string, declared: boolean): void => {
    if (++nodes > MAX_NODES) return;
    if (Array.isArray(node)) {
      for (const item of node.slice(0, 50)) walk(item, s?.items as Schema | undefined, `${path}[]`, declared);
      return;
    }
    if (typeof node === 'string') {
      const kind = declared ? undefined : sensitiveValue(node);
      if (kind !== undefined) sensitive.add(`${path} (${kind})`);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    // A spec that declares an array where one object comes back still describes the object.
    if (s?.type === 'array' && s.items !== undefined) s = s.items as Schema;
    const props = propertiesOf(s);
    const open = s === undefined || s.properties === undefined;
    for (const [key, child] of Object.entries(node)) {
      const here = path === '' ? key : `${path}.${key}`;
      const known = key in props;
      if (!open && !known) undeclared.add(here);
      if (!known && SENSITIVE_NAME.test(key) && child !== null && child !== '') {
        sensitive.add(here);
        continue;
      }
      walk(child, props[key], here, known);
    }
  };
  walk(value, schema, '', false);
  return { undeclared: [...undeclared], sensitive: [...sensitive] };
}

function schemaFor(op: ScanOperation, status: number): Schema | undefined {
  return op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.DEFAULT;
}

export const dataExposureCheck: Check = {
  ...meta,
  budget: 0,
  async run(ctx) {
    const byOp = new Map<string, { undeclared: Set<string>; sensitive: Set<string>; proof: Exchange }>();
    for (const ex of ctx.client.recorded) {
      if (ex.status < 200 || ex.status >= 300 || ex.json === undefined || ex.operation === undefined)
        continue;
      const op = ctx.operations.find((o) => o.key === ex.operation);
      const schema = op === undefined ? undefined : schemaFor(op, ex.status);
      if (op === undefined || schema === undefined) continue;
      const found = exposedMembers(ex.json, schema);
      if (found.undeclared.length === 0 && found.sensitive.length === 0) continue;
      const entry = byOp.get(op.key) ?? {
        undeclared: new Set<string>(),
        sensitive: new Set<string>(),
        proof: ex,
      };
      for (const f of found.undeclared) entry.undeclared.add(f);
      for (const f of found.sensitive) entry.sensitive.add(f);
      byOp.set(op.key, entry);
    }
    secretsToOthers(ctx);
    for (const [key, entry] of byOp) {
      const sensitive = [...entry.sensitive];
      const undeclared = [...entry.undeclared];
      ctx.findings.push(
        makeFinding(meta, {
          title: sensitive.length > 0 ? 'Sensitive data in responses' : 'Response members outside the schema',
          severity: sensitive.length > 0 ? 'high' : 'medium',
          cwe: sensitive.length > 0 ? 200 : 213,
          operation: key,
          description: `${key} returns ${sensitive.length > 0 ? `sensitive data (${sensitive.slice(0, 8).join(', ')})` : ''}${sensitive.length > 0 && undeclared.length > 0 ? ' and ' : ''}${undeclared.length > 0 ? `members the response schema does not declare (${undeclared.slice(0, 8).join(', ')})` : ''}.`,
          proof: entry.proof,
          evidence: [['a response with the members', entry.proof]],
        }),
      );
    }
  },
};

/** Members that hold credentials whatever a spec declares. */
export const CREDENTIAL_NAME =
  /^(pass(word)?|passwd|pwd|password_?hash|pass_?hash|hash(ed)?_?password|salt|api_?key|private_?key|secret_?key|client_?secret|otp_?secret|mfa_?secret)$/i;

/**
 * Credential members with values in a JSON answer (bounded walk): `users[].password`; and every
 * string value with its path, to find known passwords under any name.
 */
export function credentialMembers(value: unknown): {
  paths: Set<string>;
  values: string[];
  objects: number;
  strings: Map<string, string>;
} {
  const paths = new Set<string>();
  const values: string[] = [];
  const strings = new Map<string, string>();
  let objects = 0;
  let nodes = 0;
  const walk = (node: unknown, path: string): void => {
    if (typeof node === 'string' && !strings.has(node)) strings.set(node, path);
    if (++nodes > MAX_NODES || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node.slice(0, 200)) walk(item, `${path}[]`);
      return;
    }
    let here = false;
    for (const [key, child] of Object.entries(node)) {
      const at = path === '' ? key : `${path}.${key}`;
      if (CREDENTIAL_NAME.test(key) && typeof child === 'string' && child !== '') {
        paths.add(at);
        values.push(child);
        here = true;
      } else walk(child, at);
    }
    if (here) objects++;
  };
  walk(value, '');
  return { paths, values, objects, strings };
}

/**
 * Credentials in answers, declared or not: to an anonymous caller, for several records at once
 * (every user's), or a password of the profile under any member name (the request did not send it).
 */
function secretsToOthers(ctx: ScanContext): void {
  const reported = new Set<string>();
  const known = ctx.identities
    .map((i) => ({ name: i.name, password: passwordOf(i) }))
    .filter(
      (k): k is { name: string; password: string } =>
        k.password !== undefined &&
        k.password.length >= 5 &&
        !ctx.identities.some((i) => i.userName === k.password || i.email === k.password),
    );
  for (const ex of ctx.client.recorded) {
    if (ex.status < 200 || ex.status >= 300 || ex.json === undefined || ex.operation === undefined) continue;
    if (
      reported.has(ex.operation) ||
      (ex.operation.startsWith('POST ') && ex.operation.endsWith(ctx.loginPath ?? '\0'))
    )
      continue;
    const found = credentialMembers(ex.json);
    const sent = ex.requestBody ?? '';
    const others = known.filter((k) => found.strings.has(k.password) && !sent.includes(k.password));
    for (const k of others) found.paths.add(found.strings.get(k.password) ?? '');
    if (found.values.length === 0 && others.length === 0) continue;
    const anonymous = ex.identity === undefined || ex.identity === ctx.anonymous.name;
    if (!anonymous && found.objects < 2 && others.length === 0) continue;
    reported.add(ex.operation);
    const op = ctx.operations.find((o) => o.key === ex.operation);
    if (op !== undefined) tested(ctx, meta.id, op);
    const who = anonymous ? 'an anonymous caller' : ex.identity;
    const why = [
      found.objects >= 2 ? `credentials of ${found.objects} records at once` : '',
      others.length > 0 ? `the password of ${others.map((o) => o.name).join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    ctx.findings.push(
      makeFinding(meta, {
        title: 'Credentials returned to other callers',
        severity: 'critical',
        cwe: 200,
        operation: ex.operation,
        description: `${ex.operation} returned ${[...found.paths].slice(0, 6).join(', ')} to ${who}${why === '' ? '' : `: ${why}`}. The spec declaring these members does not make them safe to return.`,
        members: [...found.paths].slice(0, 20),
        proof: ex,
        evidence: [[`answer to ${who}`, ex]],
      }),
    );
  }
}
