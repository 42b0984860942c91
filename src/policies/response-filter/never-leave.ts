// Never-leave members: whatever the spec declares, members named like secrets (`password`,
// `passwordHash`, `apiKey`, `ssn`, `token`, …) are removed from JSON answers. Names compare
// normalized (case, `_`, `-` and `.` ignored) and exactly — `passwordResetRequired` stays — and only
// string or number values are removed (a secret is a scalar; `token: { expires }` metadata stays).
import { isIssuedCredentialName, normalizeName } from '../../openapi/index.ts';

/**
 * The default list (README.md). A bare `secret` is not on it: it names ordinary data too (VAmPI's
 * books carry a `secret` their owner must see), and a default may not change a legitimate answer.
 */
export const NEVER_LEAVE_DEFAULT = [
  'password',
  'passwordHash',
  'password_hash',
  'clientSecret',
  'apiKey',
  'api_key',
  'privateKey',
  'private_key',
  'ssn',
  'creditCard',
  'cvv',
  'token',
] as const;

/** Names a login or token answer may carry: the credential issued to the caller. */
export const ISSUED_CREDENTIALS: ReadonlySet<string> = new Set([
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
]);

const MAX_NODES = 100_000;

/** Compiles a list into the set of normalized names. */
export function compileNeverLeave(names: readonly string[]): ReadonlySet<string> {
  return new Set(names.map(normalizeName));
}

/**
 * Removes every never-leave member from `value` in place (iteratively, at most 100 000 nodes) and
 * returns the locations removed, at most `max + 1` of them (`response.body.users[2].password`).
 * `keepIssued` (a login or token answer) keeps the caller's own token members (`…token`, `jwt`).
 */
export function removeNeverLeave(
  value: unknown,
  names: ReadonlySet<string>,
  keepIssued: boolean,
  max: number,
): string[] {
  const removed: string[] = [];
  const stack: Array<{ node: unknown; at: string }> = [{ node: value, at: 'response.body' }];
  let visited = 0;
  while (stack.length > 0 && visited < MAX_NODES && removed.length <= max) {
    const { node, at } = stack.pop()!;
    visited++;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) {
        const item = node[i];
        if (item !== null && typeof item === 'object') stack.push({ node: item, at: `${at}[${i}]` });
      }
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const member = record[key];
      const name = normalizeName(key);
      const scalar = typeof member === 'string' || typeof member === 'number';
      if (names.has(name) && scalar && !(keepIssued && isIssuedCredentialName(name))) {
        delete record[key];
        removed.push(`${at}.${key}`);
      } else if (member !== null && typeof member === 'object') {
        stack.push({ node: member, at: `${at}.${key}` });
      }
    }
  }
  return removed;
}
