// What was learned, as an OpenAPI 3.1 document: one operation per endpoint, its path, query and
// header parameters and its JSON request and answer members with the types seen, statuses as
// responses. Examples are the redacted ones recorded (secret-named values and sensitive data masked);
// the facts a spec has no member for go under `x-rampart-inventory`.
import { type EndpointFacts, latencyQuantile, type ParamFacts, paramOf, typesOf } from './facts.ts';
import { isParamSegment } from './path-tree.ts';
import { type JsonType, type SegmentKind, schemaOfKind } from './values.ts';

/** Options of the export. */
export interface ExportOptions {
  readonly title?: string;
  readonly version?: string;
  /** Milliseconds since the epoch, for `info.version` when none is given. */
  readonly now?: number;
}

type Schema = Record<string, unknown>;

function typedExample(type: JsonType, example: string): unknown {
  if (example === '[REDACTED]') return example;
  if (type === 'integer' || type === 'number') {
    const n = Number(example);
    return Number.isFinite(n) ? n : undefined;
  }
  if (type === 'boolean') return example === 'true' ? true : example === 'false' ? false : undefined;
  return type === 'string' ? example : undefined;
}

function scalarSchema(param: ParamFacts): Schema {
  const types = typesOf(param).filter((t) => t !== 'object' && t !== 'array');
  const schema: Schema = {};
  if (types.length === 1) schema.type = types[0];
  else if (types.length > 1) schema.type = types;
  const formats = Object.entries(param.formats).sort((a, b) => b[1] - a[1]);
  // A format only when every string seen had it.
  const strings = param.types.string ?? 0;
  if (formats[0] !== undefined && formats[0][1] === strings && strings > 0) schema.format = formats[0][0];
  if (param.example !== undefined && types[0] !== undefined) {
    const example = typedExample(types[0], param.example);
    if (example !== undefined) schema.examples = [example];
  }
  return schema;
}

function pathParamSchema(param: ParamFacts | undefined): Schema {
  if (param?.kinds === undefined) return { type: 'string' };
  const kinds = Object.entries(param.kinds).sort((a, b) => b[1] - a[1]);
  if (kinds.length !== 1) return { type: 'string' };
  const schema: Schema = { ...schemaOfKind(kinds[0]![0] as SegmentKind) };
  if (param.example !== undefined) {
    const example = typedExample(schema.type as JsonType, param.example);
    if (example !== undefined) schema.examples = [example];
  }
  return schema;
}

/** Builds a schema from member paths (`a`, `a.b`, `items[]`, `items[].sku`). */
function membersSchema(members: Readonly<Record<string, ParamFacts>>): Schema | undefined {
  const names = Object.keys(members);
  if (names.length === 0) return undefined;
  const build = (prefix: string): Schema => {
    const param = paramOf(members, prefix);
    const types = param === undefined ? [] : typesOf(param);
    const itemsName = `${prefix}[]`;
    const childPrefix = prefix === '' ? '' : `${prefix}.`;
    const children = names.filter(
      (name) =>
        name !== prefix &&
        name.startsWith(childPrefix) &&
        !name.slice(childPrefix.length).includes('.') &&
        !name.endsWith('[]'),
    );
    const items = paramOf(members, itemsName);
    if (items !== undefined || types[0] === 'array') {
      const schema: Schema = { type: 'array' };
      if (items !== undefined) schema.items = build(itemsName);
      return schema;
    }
    if (children.length > 0 || types[0] === 'object' || (prefix === '' && param === undefined)) {
      const properties: Record<string, Schema> = {};
      for (const name of children.sort()) properties[name.slice(childPrefix.length)] = build(name);
      return { type: 'object', properties };
    }
    return param === undefined ? {} : scalarSchema(param);
  };
  // Members of an object answer are `a`, `a.b`; the items of an array answer are `[]`, `[].a`.
  if (paramOf(members, '[]') !== undefined) return { type: 'array', items: build('[]') };
  return build('');
}

function operationId(facts: EndpointFacts, used: Set<string>): string {
  const words = facts.template
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => (isParamSegment(segment) ? `by-${segment.slice(1, -1)}` : segment))
    .join('-')
    .replace(/[^A-Za-z0-9_-]/g, '-');
  const base = `${facts.method.toLowerCase()}-${words || 'root'}`.slice(0, 120);
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

/** The OpenAPI 3.1 document of `endpoints`. */
export function exportOpenApi(
  endpoints: readonly EndpointFacts[],
  options: ExportOptions = {},
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const ids = new Set<string>();
  const sorted = [...endpoints].sort(
    (a, b) => a.template.localeCompare(b.template) || a.method.localeCompare(b.method),
  );
  for (const facts of sorted) {
    const method = facts.method.toLowerCase();
    if (!['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(method)) continue;
    const parameters: Schema[] = [];
    for (const segment of facts.template.split('/')) {
      if (!isParamSegment(segment)) continue;
      const name = segment.slice(1, -1);
      const seen = paramOf(facts.params.path, name);
      const parameter: Schema = { name, in: 'path', required: true, schema: pathParamSchema(seen) };
      // The statistics the template rests on: value kinds seen and distinct values (32 means 32 or more).
      if (seen?.kinds !== undefined)
        parameter['x-rampart-values'] = { kinds: seen.kinds, distinct: seen.distinct?.length ?? 0 };
      parameters.push(parameter);
    }
    for (const location of ['query', 'header'] as const) {
      for (const [name, param] of Object.entries(facts.params[location]).sort((a, b) =>
        a[0].localeCompare(b[0]),
      )) {
        parameters.push({
          name,
          in: location,
          required: param.seen >= facts.count && facts.count > 0,
          schema: scalarSchema(param),
        });
      }
    }
    const operation: Record<string, unknown> = {
      operationId: operationId(facts, ids),
      summary: `${facts.method} ${facts.template} (learned from ${facts.count} calls)`,
    };
    if (parameters.length > 0) operation.parameters = parameters;
    const body = membersSchema(facts.params.body);
    if (body !== undefined) operation.requestBody = { content: { 'application/json': { schema: body } } };
    const responses: Record<string, unknown> = {};
    const answer = membersSchema(facts.params.response);
    for (const [status, count] of Object.entries(facts.statuses).sort()) {
      if (!/^[1-5][0-9][0-9]$/.test(status)) continue;
      const response: Record<string, unknown> = { description: `seen ${count} times` };
      if (answer !== undefined && status.startsWith('2'))
        response.content = { 'application/json': { schema: answer } };
      responses[status] = response;
    }
    if (Object.keys(responses).length === 0) responses.default = { description: 'no answer recorded' };
    operation.responses = responses;
    operation['x-rampart-inventory'] = {
      documented: facts.documented,
      count: facts.count,
      firstSeen: new Date(facts.firstSeen).toISOString(),
      lastSeen: new Date(facts.lastSeen).toISOString(),
      latencyMs: {
        p50: latencyQuantile(facts, 0.5),
        p95: latencyQuantile(facts, 0.95),
        max: facts.latency.max,
      },
      authn: facts.authn,
      consumers: facts.consumers.length + facts.consumersOverflow,
      sensitive: facts.sensitive,
    };
    paths[facts.template] ??= {};
    paths[facts.template]![method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'API inventory learned by Rampart',
      version: options.version ?? new Date(options.now ?? Date.now()).toISOString().slice(0, 10),
      description: 'Endpoints, parameters and answers as observed in traffic; examples are redacted.',
    },
    paths,
  };
}
