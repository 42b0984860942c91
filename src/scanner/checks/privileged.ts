// What mass assignment tries: members that grant privileges, and the value that would grant them.
import type { Identity } from '../identities.ts';
import type { Schema } from '../types.ts';

export const meta = {
  id: 'mass-assignment',
  title: 'Mass assignment',
  owasp: 'API3:2023',
  cwe: 915,
} as const;

/** Undeclared members that grant privileges when a server stores them blindly. */
export const PRIVILEGED = ['role', 'isAdmin', 'admin', 'is_admin', 'verified', 'balance'];
export const OWNER = /^(user_?id|owner(_?id)?|account_?id|customer_?id)$/i;

export function privilegedValue(
  name: string,
  schema: Schema | undefined,
  current: unknown,
  other: Identity | undefined,
): unknown {
  if (OWNER.test(name))
    return other?.userId === undefined
      ? undefined
      : Number.isNaN(Number(other.userId))
        ? other.userId
        : Number(other.userId);
  if (Array.isArray(schema?.enum)) {
    const choices = schema.enum.filter((v) => v !== current);
    return (
      choices.find((v) => typeof v === 'string' && /admin|root|super|owner|shipped|paid|approved/i.test(v)) ??
      choices[0]
    );
  }
  if (schema?.type === 'boolean' || /^is|admin|verified/i.test(name)) return current !== true;
  if (schema?.type === 'number' || schema?.type === 'integer' || name === 'balance')
    return typeof current === 'number' ? current + 1000 : 1000;
  if (schema?.type === 'string' && schema.format === undefined) return name === 'role' ? 'admin' : 'rampart';
  return name === 'role' ? 'admin' : undefined;
}
