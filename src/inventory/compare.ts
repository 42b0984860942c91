// The inventory against the contract: shadow endpoints (called, documented nowhere), zombies
// (deprecated in the spec, or an older version of a path a newer version replaced, still called),
// unused operations (documented, never called), drift (parameters and members seen that the spec
// does not declare), secured operations answered to anonymous callers, and endpoints whose answers
// carried sensitive data.
import { deref, isObject, type Operation } from '../openapi/index.ts';
import { type EndpointFacts, endpointKey, type ParamLocation } from './facts.ts';
import { isParamSegment } from './path-tree.ts';
import type { LoadedSpec, SpecMatch, SpecSet } from './spec-set.ts';

/** One endpoint in a report. */
export interface EndpointRef {
  readonly method: string;
  readonly template: string;
  readonly count: number;
  readonly lastSeen: number;
}

/** A zombie: still called although deprecated or superseded. */
export interface Zombie extends EndpointRef {
  readonly reason: 'deprecated' | 'superseded';
  /** The newer template, for a superseded version. */
  readonly by?: string;
}

/** A documented operation nobody called. */
export interface Unused {
  readonly method: string;
  readonly template: string;
  readonly operationId: string | undefined;
  readonly spec: string;
}

/** A parameter or member seen that the spec does not declare. */
export interface Drift {
  readonly method: string;
  readonly template: string;
  readonly location: ParamLocation;
  readonly name: string;
  readonly seen: number;
}

/** A secured operation answered below 400 to callers without any credential. */
export interface Unauthenticated extends EndpointRef {
  readonly anonymousOk: number;
}

/** An endpoint whose answers carried sensitive data. */
export interface Sensitive extends EndpointRef {
  readonly types: readonly string[];
  /** Answered to anonymous callers as well. */
  readonly anonymous: boolean;
}

/** The comparison. */
export interface InventoryDiff {
  readonly specs: readonly string[];
  readonly shadow: readonly EndpointRef[];
  readonly zombie: readonly Zombie[];
  readonly unused: readonly Unused[];
  readonly drift: readonly Drift[];
  readonly unauthenticated: readonly Unauthenticated[];
  readonly sensitive: readonly Sensitive[];
}

const MAX_SCHEMA_DEPTH = 8;
const MAX_DRIFT = 1000;
/** Keywords that constrain nothing: a schema of only these accepts anything. */
const ANNOTATIONS = new Set([
  'description',
  'title',
  'example',
  'examples',
  'default',
  'deprecated',
  'nullable',
  'readOnly',
  'writeOnly',
]);

const refOf = (facts: EndpointFacts): EndpointRef => ({
  method: facts.method,
  template: facts.template,
  count: facts.count,
  lastSeen: facts.lastSeen,
});

/** `/users/{userId}` and `/users/{id}` are the same path. */
export function templateShape(template: string): string {
  return template
    .split('/')
    .map((segment) => (isParamSegment(segment) ? '{}' : segment))
    .join('/');
}

/**
 * Whether the endpoint exists: the API answered something other than 404, 405 or 501 (not a probe's
 * miss); the gateway's own answers (a denial) prove nothing about the API.
 */
export function isAnswered(facts: EndpointFacts): boolean {
  return Object.keys(facts.statuses).some(
    (status) => status !== '404' && status !== '405' && status !== '501',
  );
}

/** The documented match of a learned endpoint (its template matched as a path). */
function matchTemplate(specs: SpecSet, facts: EndpointFacts): SpecMatch | undefined {
  return specs.match(facts.method, facts.template);
}

function isShadowMatch(facts: EndpointFacts, specs: SpecSet, match: SpecMatch | undefined): boolean {
  if (specs.specs.length === 0 || match?.operation !== undefined || !isAnswered(facts)) return false;
  // OPTIONS on a documented path is a CORS preflight, not an undocumented operation.
  return !(facts.method === 'OPTIONS' && match !== undefined);
}

/** Whether an endpoint is a shadow: answered by the API, documented in none of the contracts. */
export function isShadow(facts: EndpointFacts, specs: SpecSet): boolean {
  return isShadowMatch(facts, specs, specs.specs.length === 0 ? undefined : matchTemplate(specs, facts));
}

/**
 * Member paths a schema declares (`name`, `items[]`, `items[].sku`); `open` lists the paths below
 * which anything is allowed (free-form objects, additionalProperties).
 */
function declaredMembers(document: unknown, schema: unknown): { names: Set<string>; open: Set<string> } {
  const names = new Set<string>();
  const open = new Set<string>();
  const walk = (node: unknown, prefix: string, depth: number): void => {
    if (depth > MAX_SCHEMA_DEPTH) {
      open.add(prefix);
      return;
    }
    let value: unknown;
    try {
      value = deref(document, node);
    } catch {
      open.add(prefix);
      return;
    }
    if (!isObject(value)) {
      if (value === true || value === undefined) open.add(prefix);
      return;
    }
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = value[key];
      if (Array.isArray(list)) for (const item of list) walk(item, prefix, depth + 1);
    }
    if (value.items !== undefined) {
      const name = `${prefix}[]`;
      names.add(name);
      walk(value.items, name, depth + 1);
    }
    const properties = isObject(value.properties) ? value.properties : undefined;
    const type = value.type;
    const objectish =
      type === 'object' || (Array.isArray(type) && type.includes('object')) || properties !== undefined;
    if (properties !== undefined) {
      for (const [key, child] of Object.entries(properties)) {
        const name = prefix === '' ? key : `${prefix}.${key}`;
        names.add(name);
        walk(child, name, depth + 1);
      }
    }
    const additional = value.additionalProperties;
    if (objectish && (properties === undefined || (additional !== undefined && additional !== false)))
      open.add(prefix);
    if (Object.keys(value).every((key) => ANNOTATIONS.has(key))) open.add(prefix);
  };
  walk(schema, '', 0);
  return { names, open };
}

function jsonSchemaOf(document: unknown, holder: Record<string, unknown> | undefined): unknown[] {
  if (holder === undefined || !isObject(holder.content)) return [];
  const out: unknown[] = [];
  for (const [type, media] of Object.entries(holder.content)) {
    if (!type.toLowerCase().includes('json')) continue;
    const resolved = deref<unknown>(document, media);
    if (isObject(resolved) && resolved.schema !== undefined) out.push(resolved.schema);
  }
  return out;
}

/** `items[].sku` → `items[]` → `items` → ``. */
function parentOf(name: string): string {
  if (name.endsWith('[]')) return name.slice(0, -2);
  const dot = name.lastIndexOf('.');
  return dot === -1 ? '' : name.slice(0, dot);
}

function undeclared(
  document: unknown,
  schemas: readonly unknown[],
  seen: Readonly<Record<string, { seen: number }>>,
): Array<[string, number]> {
  if (schemas.length === 0) return [];
  const names = new Set<string>();
  const open = new Set<string>();
  for (const schema of schemas) {
    const declared = declaredMembers(document, schema);
    for (const name of declared.names) names.add(name);
    for (const prefix of declared.open) open.add(prefix);
  }
  const out: Array<[string, number]> = [];
  for (const [name, param] of Object.entries(seen)) {
    if (names.has(name)) continue;
    // Below a free-form object (`open`) anything is declared.
    let parent = name;
    let covered = false;
    while (!covered && parent !== '') {
      parent = parentOf(parent);
      covered = open.has(parent);
    }
    if (!covered) out.push([name, param.seen]);
  }
  return out;
}

/** Names of apiKey schemes in headers or the query: credentials, not API parameters. */
function credentialNames(spec: LoadedSpec): { header: Set<string>; query: Set<string> } {
  const header = new Set<string>();
  const query = new Set<string>();
  const components = isObject(spec.file.document.components) ? spec.file.document.components : {};
  const schemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
  for (const raw of Object.values(schemes)) {
    let scheme: unknown;
    try {
      scheme = deref(spec.file.document, raw);
    } catch {
      continue;
    }
    if (!isObject(scheme) || scheme.type !== 'apiKey' || typeof scheme.name !== 'string') continue;
    if (scheme.in === 'header') header.add(scheme.name.toLowerCase());
    if (scheme.in === 'query') query.add(scheme.name);
  }
  return { header, query };
}

/** Whether the operation requires a credential (a security requirement, none of them empty). */
export function isSecured(operation: Operation): boolean {
  const security = operation.security;
  if (security === undefined || security.length === 0) return false;
  return security.every((requirement) => isObject(requirement) && Object.keys(requirement).length > 0);
}

function driftOf(facts: EndpointFacts, spec: LoadedSpec, operation: Operation, out: Drift[]): void {
  const document = spec.file.document;
  const credentials = credentialNames(spec);
  const declared = (location: 'query' | 'header') =>
    new Set(operation.parameters.filter((p) => p.in === location).map((p) => p.name));
  const push = (location: ParamLocation, name: string, seen: number) => {
    if (out.length < MAX_DRIFT)
      out.push({ method: facts.method, template: facts.template, location, name, seen });
  };
  const query = declared('query');
  for (const [name, param] of Object.entries(facts.params.query)) {
    if (!query.has(name) && !credentials.query.has(name) && !operation.fixedQuery.includes(name))
      push('query', name, param.seen);
  }
  const header = declared('header');
  for (const [name, param] of Object.entries(facts.params.header)) {
    if (!header.has(name) && !credentials.header.has(name)) push('header', name, param.seen);
  }
  for (const [name, seen] of undeclared(
    document,
    jsonSchemaOf(document, operation.requestBody),
    facts.params.body,
  ))
    push('body', name, seen);
  const success = Object.entries(operation.responses)
    .filter(([status]) => status.startsWith('2') || status === 'DEFAULT')
    .map(([, response]) => response);
  const schemas = success.flatMap((response) => jsonSchemaOf(document, response));
  for (const [name, seen] of undeclared(document, schemas, facts.params.response))
    push('response', name, seen);
}

const VERSION_SEGMENT = /^v([0-9]{1,3})$/i;

/** `/v1/users/{id}` → `{ version: 1, shape: '/v#/users/{}' }`. */
function versionOf(template: string): { version: number; shape: string } | undefined {
  let version: number | undefined;
  const shape = templateShape(template)
    .split('/')
    .map((segment) => {
      const match = version === undefined ? VERSION_SEGMENT.exec(segment) : null;
      if (match === null) return segment;
      version = Number(match[1]);
      return 'v#';
    })
    .join('/');
  return version === undefined ? undefined : { version, shape };
}

/** Compares learned endpoints with the contracts. */
export function compareWithSpecs(endpoints: readonly EndpointFacts[], specs: SpecSet): InventoryDiff {
  const shadow: EndpointRef[] = [];
  const zombie: Zombie[] = [];
  const drift: Drift[] = [];
  const unauthenticated: Unauthenticated[] = [];
  const sensitive: Sensitive[] = [];
  const used = new Set<string>();
  // Newest version per versioned path shape, over the spec's operations and the traffic.
  const newest = new Map<string, { version: number; template: string }>();
  const noteVersion = (method: string, template: string) => {
    const v = versionOf(template);
    if (v === undefined) return;
    const key = `${method} ${v.shape}`;
    const held = newest.get(key);
    if (held === undefined || held.version < v.version) newest.set(key, { version: v.version, template });
  };
  for (const spec of specs.specs)
    for (const operation of spec.index.operations)
      noteVersion(operation.method, spec.basePath + operation.path);
  for (const facts of endpoints) noteVersion(facts.method, facts.template);

  for (const facts of endpoints) {
    const match = specs.specs.length === 0 ? undefined : matchTemplate(specs, facts);
    const operation = match?.operation;
    if (isShadowMatch(facts, specs, match)) shadow.push(refOf(facts));
    if (match !== undefined && operation !== undefined) {
      used.add(
        `${match.spec.path}\n${endpointKey(operation.method, templateShape(match.spec.basePath + operation.path))}`,
      );
      if (operation.deprecated) zombie.push({ ...refOf(facts), reason: 'deprecated' });
      driftOf(facts, match.spec, operation, drift);
      if (isSecured(operation) && facts.authn.anonymousOk > 0)
        unauthenticated.push({ ...refOf(facts), anonymousOk: facts.authn.anonymousOk });
    }
    if (operation === undefined) {
      const v = versionOf(facts.template);
      const latest = v === undefined ? undefined : newest.get(`${facts.method} ${v.shape}`);
      if (v !== undefined && latest !== undefined && latest.version > v.version)
        zombie.push({ ...refOf(facts), reason: 'superseded', by: latest.template });
    }
    const types = Object.keys(facts.sensitive.response).sort();
    if (types.length > 0) sensitive.push({ ...refOf(facts), types, anonymous: facts.authn.anonymousOk > 0 });
  }
  const unused: Unused[] = [];
  for (const spec of specs.specs) {
    for (const operation of spec.index.operations) {
      const template = spec.basePath + operation.path;
      if (!used.has(`${spec.path}\n${endpointKey(operation.method, templateShape(template))}`))
        unused.push({
          method: operation.method,
          template,
          operationId: operation.operationId,
          spec: spec.path,
        });
    }
  }
  return {
    specs: specs.specs.map((spec) => spec.path),
    shadow,
    zombie,
    unused,
    drift,
    unauthenticated,
    sensitive,
  };
}
