// Identities of a scan (anonymous, users, admin) from an auth profile file: static credentials or
// a login flow whose token is taken from the response and refreshed when it expires or is refused.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { ScanClient } from './client.ts';

/** How an identity logs in: a JSON request and where the token (and the user id) are in the answer. */
export interface LoginFlow {
  readonly method: string;
  readonly path: string;
  readonly body: Readonly<Record<string, unknown>>;
  /** Dot path of the token in the JSON answer (`token`, `data.access_token`). */
  readonly token: string;
  readonly userId: string | undefined;
  /** The header the token goes into, and its scheme prefix. */
  readonly header: string;
  readonly scheme: string;
}

/** One identity of the auth profile. */
export interface IdentitySpec {
  readonly name: string;
  readonly role: 'anonymous' | 'user' | 'admin';
  readonly headers: Readonly<Record<string, string>>;
  readonly login: LoginFlow | undefined;
  readonly userId: string | undefined;
}

/** A live identity: its credentials and what the scanner learned about it. */
export interface Identity {
  readonly spec: IdentitySpec;
  readonly name: string;
  readonly role: IdentitySpec['role'];
  userId: string | undefined;
  token: string | undefined;
  expiresAt: number;
  refreshes: number;
}

const MAX_IDENTITIES = 16;
const MAX_REFRESHES = 3;

/** The environment `env:NAME` values of an auth profile are read from. */
export type ProfileEnv = Readonly<Record<string, string | undefined>>;

/** Reads an auth profile file (YAML or JSON). */
export function loadAuthProfile(file: string, env: ProfileEnv = process.env): IdentitySpec[] {
  return parseAuthProfile(parse(readFileSync(file, 'utf8'), { maxAliasCount: 50 }) as unknown, env);
}

/** Validates an auth profile document; values `env:NAME` are read from `env`. */
export function parseAuthProfile(doc: unknown, env: ProfileEnv = process.env): IdentitySpec[] {
  const list = (doc as { identities?: unknown } | null)?.identities;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_IDENTITIES) {
    throw new Error(`auth profile: "identities" must list 1..${MAX_IDENTITIES} identities`);
  }
  return list.map((raw: unknown, index) => {
    const entry = (raw ?? {}) as Record<string, unknown>;
    const name = typeof entry.name === 'string' ? entry.name : `identity-${index + 1}`;
    const role =
      entry.role === 'admin' || entry.role === 'anonymous'
        ? entry.role
        : entry.login || entry.headers
          ? 'user'
          : 'anonymous';
    const headers: Record<string, string> = {};
    if (typeof entry.headers === 'object' && entry.headers !== null) {
      for (const [key, value] of Object.entries(entry.headers))
        headers[key.toLowerCase()] = secret(String(value), env);
    }
    const login = entry.login as Record<string, unknown> | undefined;
    let flow: LoginFlow | undefined;
    if (login !== undefined) {
      if (typeof login.path !== 'string' || typeof login.token !== 'string') {
        throw new Error(`auth profile: identities[${index}].login needs "path" and "token"`);
      }
      const body: Record<string, unknown> = {};
      for (const [key, value] of Object.entries((login.body ?? {}) as Record<string, unknown>)) {
        body[key] = typeof value === 'string' ? secret(value, env) : value;
      }
      flow = {
        method: typeof login.method === 'string' ? login.method.toUpperCase() : 'POST',
        path: login.path,
        body,
        token: login.token,
        userId: typeof login.userId === 'string' ? login.userId : undefined,
        header: typeof login.header === 'string' ? login.header.toLowerCase() : 'authorization',
        scheme: typeof login.scheme === 'string' ? login.scheme : 'Bearer',
      };
    }
    const userId = entry.userId === undefined ? undefined : String(entry.userId);
    return { name, role, headers, login: flow, userId };
  });
}

function secret(value: string, env: ProfileEnv): string {
  if (!value.startsWith('env:')) return value;
  const found = env[value.slice(4)];
  if (found === undefined) throw new Error(`auth profile: environment variable ${value.slice(4)} is not set`);
  return found;
}

/** Reads a dot path (`data.token`) from a JSON value. */
export function pick(value: unknown, path: string): unknown {
  let node = value;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

const ANONYMOUS: IdentitySpec = {
  name: 'anonymous',
  role: 'anonymous',
  headers: {},
  login: undefined,
  userId: undefined,
};

/** Creates live identities; an anonymous one is always present. */
export function createIdentities(specs: readonly IdentitySpec[]): Identity[] {
  const list = specs.some((spec) => spec.role === 'anonymous') ? specs : [ANONYMOUS, ...specs];
  return list.map((spec) => ({
    spec,
    name: spec.name,
    role: spec.role,
    userId: spec.userId,
    token: undefined,
    expiresAt: Number.POSITIVE_INFINITY,
    refreshes: 0,
  }));
}

/** Logs an identity in through its flow; throws when no token comes back. */
export async function login(client: ScanClient, identity: Identity): Promise<void> {
  const flow = identity.spec.login;
  if (flow === undefined) return;
  const res = await client.send({
    method: flow.method,
    path: flow.path,
    json: flow.body,
    identity: identity.name,
  });
  const token = pick(res.json, flow.token);
  if (res.status >= 300 || typeof token !== 'string' || token === '') {
    throw new Error(`login of identity "${identity.name}" failed with status ${res.status}`);
  }
  identity.token = token;
  if (flow.userId !== undefined) {
    const id = pick(res.json, flow.userId);
    if (typeof id === 'string' || typeof id === 'number') identity.userId = String(id);
  }
  const ttl = pick(res.json, 'expiresIn');
  identity.expiresAt =
    typeof ttl === 'number' && ttl > 0 ? Date.now() + ttl * 1000 - 5000 : Number.POSITIVE_INFINITY;
}

/** The headers that authenticate an identity, logging in again when its token has expired. */
export async function credentials(client: ScanClient, identity: Identity): Promise<Record<string, string>> {
  const flow = identity.spec.login;
  if (flow !== undefined && (identity.token === undefined || Date.now() >= identity.expiresAt)) {
    await login(client, identity);
  }
  const headers = { ...identity.spec.headers };
  if (flow !== undefined && identity.token !== undefined)
    headers[flow.header] = `${flow.scheme} ${identity.token}`.trim();
  return headers;
}

/** After a 401 with this identity's token: logs in again (a bounded number of times). */
export async function refresh(client: ScanClient, identity: Identity): Promise<boolean> {
  if (identity.spec.login === undefined || identity.refreshes >= MAX_REFRESHES) return false;
  identity.refreshes += 1;
  await login(client, identity);
  return true;
}
