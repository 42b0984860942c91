// Identities of a scan (anonymous, users, admin) from an auth profile file: static credentials or
// a login flow (JSON, form-encoded, OAuth2 password / client-credentials grants) whose token is
// taken from the answer's JSON, a header or a cookie, and refreshed when it expires or is refused.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { ScanClient } from './client.ts';
import type { Exchange } from './types.ts';

/** How an identity logs in and where the token (and facts about the user) are in the answer. */
export interface LoginFlow {
  readonly method: string;
  readonly path: string;
  readonly body: Readonly<Record<string, unknown>>;
  /** How the body is sent: JSON, or form-encoded (OAuth2 token endpoints). */
  readonly encoding: 'json' | 'form';
  /** Dot path of the token in the JSON answer (`token`, `data.access_token`). */
  readonly token: string | undefined;
  /** The answer's header that carries the token instead. */
  readonly tokenHeader: string | undefined;
  /** The cookie that carries the token instead (then sent back as that cookie). */
  readonly tokenCookie: string | undefined;
  /** Dot paths of the user's id and name in the answer (inferred when absent). */
  readonly userId: string | undefined;
  readonly userName: string | undefined;
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
  /** Facts the profile states (they win over inferred ones). */
  readonly userId: string | undefined;
  readonly userName?: string | undefined;
}

/** A live identity: its credentials and what the scanner learned about it. */
export interface Identity {
  readonly spec: IdentitySpec;
  readonly name: string;
  readonly role: IdentitySpec['role'];
  userId: string | undefined;
  /** The user's name/login as the API knows it (from the profile, the login request or answer). */
  userName: string | undefined;
  email: string | undefined;
  token: string | undefined;
  expiresAt: number;
  refreshes: number;
  /** Registered by the scan itself (throw-away: destructive checks may use it as a victim). */
  readonly ownedByScan: boolean;
}

const MAX_IDENTITIES = 16;
const MAX_REFRESHES = 3;
/** Body members that hold the login name and the password. */
export const USER_FIELD = /^(user(_?name)?|login|email|e_?mail|name|client_id|account|handle)$/i;
export const PASS_FIELD = /^(pass(word)?|pwd|secret|client_secret)$/i;

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
    const flow = login === undefined ? undefined : parseFlow(login, index, env);
    const userId = entry.userId === undefined ? undefined : String(entry.userId);
    const userName = typeof entry.userName === 'string' ? entry.userName : undefined;
    return { name, role, headers, login: flow, userId, userName };
  });
}

function parseFlow(login: Record<string, unknown>, index: number, env: ProfileEnv): LoginFlow {
  const grant = login.oauth2;
  if (grant !== undefined && grant !== 'password' && grant !== 'client_credentials')
    throw new Error(`auth profile: identities[${index}].login.oauth2 must be password or client_credentials`);
  const token =
    typeof login.token === 'string' ? login.token : grant === undefined ? undefined : 'access_token';
  const tokenHeader = typeof login.tokenHeader === 'string' ? login.tokenHeader.toLowerCase() : undefined;
  const tokenCookie = typeof login.tokenCookie === 'string' ? login.tokenCookie : undefined;
  if (typeof login.path !== 'string' || (token ?? tokenHeader ?? tokenCookie) === undefined) {
    throw new Error(
      `auth profile: identities[${index}].login needs "path" and one of "token", "tokenHeader", "tokenCookie"`,
    );
  }
  const body: Record<string, unknown> = {};
  if (grant !== undefined) body.grant_type = grant;
  for (const [key, value] of Object.entries((login.body ?? {}) as Record<string, unknown>)) {
    body[key] = typeof value === 'string' ? secret(value, env) : value;
  }
  return {
    method: typeof login.method === 'string' ? login.method.toUpperCase() : 'POST',
    path: login.path,
    body,
    encoding: login.form === true || grant !== undefined ? 'form' : 'json',
    token,
    tokenHeader,
    tokenCookie,
    userId: typeof login.userId === 'string' ? login.userId : undefined,
    userName: typeof login.userName === 'string' ? login.userName : undefined,
    header: typeof login.header === 'string' ? login.header.toLowerCase() : 'authorization',
    scheme: typeof login.scheme === 'string' ? login.scheme : 'Bearer',
  };
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

/** The body members of a login flow that carry the login name and the password. */
export function loginFields(flow: LoginFlow): { user: string | undefined; pass: string | undefined } {
  const keys = Object.keys(flow.body);
  return {
    user: keys.find((k) => USER_FIELD.test(k) && k !== 'client_id') ?? keys.find((k) => USER_FIELD.test(k)),
    pass:
      keys.find((k) => PASS_FIELD.test(k) && k !== 'client_secret') ?? keys.find((k) => PASS_FIELD.test(k)),
  };
}

/** The password an identity logs in with (known secrets are looked for in answers), if any. */
export function passwordOf(identity: Identity): string | undefined {
  const flow = identity.spec.login;
  const field = flow === undefined ? undefined : loginFields(flow).pass;
  const value = field === undefined ? undefined : flow?.body[field];
  return typeof value === 'string' ? value : undefined;
}

const ANONYMOUS: IdentitySpec = {
  name: 'anonymous',
  role: 'anonymous',
  headers: {},
  login: undefined,
  userId: undefined,
};

/** A live identity of a spec. */
export function createIdentity(spec: IdentitySpec, ownedByScan = false): Identity {
  const flow = spec.login;
  const field = flow === undefined ? undefined : loginFields(flow).user;
  const fromLogin = field === undefined ? undefined : flow?.body[field];
  const name =
    spec.userName ?? (typeof fromLogin === 'string' && field !== 'client_id' ? fromLogin : undefined);
  return {
    spec,
    name: spec.name,
    role: spec.role,
    userId: spec.userId,
    userName: name !== undefined && !name.includes('@') ? name : undefined,
    email: name?.includes('@') === true ? name : undefined,
    token: undefined,
    expiresAt: Number.POSITIVE_INFINITY,
    refreshes: 0,
    ownedByScan,
  };
}

/** Creates live identities; an anonymous one is always present. */
export function createIdentities(specs: readonly IdentitySpec[]): Identity[] {
  const list = specs.some((spec) => spec.role === 'anonymous') ? specs : [ANONYMOUS, ...specs];
  return list.map((spec) => createIdentity(spec));
}

/** Sends a login flow with its body (optionally other credentials); the raw exchange. */
export function sendLogin(
  client: ScanClient,
  flow: LoginFlow,
  identity: string,
  body: Readonly<Record<string, unknown>> = flow.body,
): Promise<Exchange> {
  const form: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) form[key] = String(value);
  return client.send({
    method: flow.method,
    path: flow.path,
    ...(flow.encoding === 'form' ? { form } : { json: body }),
    identity,
  });
}

/** The token a login answer carries (JSON path, header or cookie), if any. */
export function tokenOf(flow: LoginFlow, res: Exchange): string | undefined {
  if (res.status >= 300) return undefined;
  let token: unknown;
  if (flow.token !== undefined) token = pick(res.json, flow.token);
  else if (flow.tokenHeader !== undefined) token = res.responseHeaders[flow.tokenHeader];
  else if (flow.tokenCookie !== undefined)
    token = cookieOf(res.responseHeaders['set-cookie'], flow.tokenCookie);
  return typeof token === 'string' && token !== '' ? token.replace(/^Bearer\s+/i, '') : undefined;
}

function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(/,(?=\s*[^;,=\s]+=)/)) {
    const [pair = ''] = part.trim().split(';');
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

const ID_PATHS = ['userId', 'user_id', 'user.id', 'data.id', 'data.user.id', 'id'];
const NAME_PATHS = ['username', 'user.username', 'data.username', 'user.name', 'data.user.username'];

/** Logs an identity in through its flow; throws when no token comes back. */
export async function login(client: ScanClient, identity: Identity): Promise<void> {
  const flow = identity.spec.login;
  if (flow === undefined) return;
  const res = await sendLogin(client, flow, identity.name);
  const token = tokenOf(flow, res);
  if (token === undefined) {
    throw new LoginError(`login of identity "${identity.name}" failed with status ${res.status}`);
  }
  identity.token = token;
  const id = pickFirst(res.json, flow.userId === undefined ? ID_PATHS : [flow.userId]);
  if (identity.spec.userId === undefined && id !== undefined) identity.userId = id;
  const name = pickFirst(res.json, flow.userName === undefined ? NAME_PATHS : [flow.userName]);
  if (identity.spec.userName === undefined && name !== undefined && identity.userName === undefined)
    identity.userName = name;
  const ttl = pick(res.json, 'expiresIn') ?? pick(res.json, 'expires_in');
  identity.expiresAt =
    typeof ttl === 'number' && ttl > 0 ? Date.now() + ttl * 1000 - 5000 : Number.POSITIVE_INFINITY;
}

function pickFirst(json: unknown, paths: readonly string[]): string | undefined {
  for (const path of paths) {
    const value = pick(json, path);
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return undefined;
}

/** A login that did not give a token: the scan cannot run as the profile says (exit 2). */
export class LoginError extends Error {}

/** The headers that authenticate an identity, logging in again when its token has expired. */
export async function credentials(client: ScanClient, identity: Identity): Promise<Record<string, string>> {
  const flow = identity.spec.login;
  if (flow !== undefined && (identity.token === undefined || Date.now() >= identity.expiresAt)) {
    await login(client, identity);
  }
  const headers = { ...identity.spec.headers };
  if (flow !== undefined && identity.token !== undefined) {
    if (flow.tokenCookie !== undefined) headers.cookie = `${flow.tokenCookie}=${identity.token}`;
    else headers[flow.header] = `${flow.scheme} ${identity.token}`.trim();
  }
  return headers;
}

/** The bearer token of an identity: from its login, or a JWT in its static headers. */
export function tokenFor(identity: Identity): { token: string; header: string } | undefined {
  if (identity.token !== undefined)
    return { token: identity.token, header: identity.spec.login?.header ?? 'authorization' };
  for (const [header, value] of Object.entries(identity.spec.headers)) {
    const token = value.replace(/^Bearer\s+/i, '');
    if (token.split('.').length === 3 && token.startsWith('eyJ')) return { token, header };
  }
  return undefined;
}

/** After a 401 with this identity's token: logs in again (a bounded number of times). */
export async function refresh(client: ScanClient, identity: Identity): Promise<boolean> {
  if (identity.spec.login === undefined || identity.refreshes >= MAX_REFRESHES) return false;
  identity.refreshes += 1;
  await login(client, identity);
  return true;
}
