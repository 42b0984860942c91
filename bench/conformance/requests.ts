// One valid request per operation, serialized as the spec says: parameters by style and explode
// (OpenAPI 3 §4.8.12.4), the body in the first media type we can write, and the credentials the
// operation's security requirement names (placeholders: the policies under test only see presence).
import { deref, isObject, type Operation, type Parameter } from '../../src/openapi/index.ts';
import { InstanceGenerator, NotGenerated, type ValueSource } from './instance.ts';

/** A request as the in-memory policy context takes it. */
export interface GeneratedRequest {
  readonly method: string;
  readonly rawUrl: string;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer | undefined;
  /** Whether any value came from the spec's own examples. */
  readonly fromExamples: boolean;
}

/** Bodies bigger than this are not generated (bounded memory). */
const MAX_BODY_BYTES = 256 * 1024;
const BOUNDARY = 'rampart-conformance-boundary';
const BEARER = 'Bearer conformance.placeholder.token';

/** Builds requests for the operations of one document. */
export class RequestBuilder {
  readonly #document: Record<string, unknown>;
  readonly #generator: InstanceGenerator;

  constructor(document: Record<string, unknown>, version: '3.0' | '3.1') {
    this.#document = document;
    this.#generator = new InstanceGenerator(document, version);
  }

  /** How many named examples the operation's body gives (at least 1: one request is always made). */
  exampleVariants(operation: Operation): number {
    const content = operation.requestBody?.content;
    let most = 1;
    if (!isObject(content)) return most;
    for (const media of Object.values(content)) {
      if (isObject(media) && isObject(media.examples))
        most = Math.max(most, Object.keys(media.examples).length);
    }
    return most;
  }

  /**
   * A valid request for `operation`; throws NotGenerated with the reason when it cannot. `variant`
   * picks the variant-th named example where there are several, and the oneOf/anyOf option to try first.
   */
  build(operation: Operation, source: ValueSource, variant = 0): GeneratedRequest {
    let fromExamples = false;
    this.#generator.variant = variant;
    this.#generator.usedExample = false;
    const pick = (owner: Record<string, unknown>, schema: unknown): unknown => {
      if (source === 'examples') {
        const example = this.#exampleOf(owner, variant);
        if (example.found) {
          fromExamples = true;
          return example.value;
        }
      }
      return this.#generator.value(schema, source);
    };

    let path = operation.path;
    const query: string[] = [];
    const headers: Record<string, string> = { host: 'api.example.test' };
    const cookies: string[] = [];
    for (const p of operation.parameters) {
      const raw = this.#rawParameter(operation, p);
      // Optional parameters are left out, except where the spec gives a value or the request is full.
      const given = source === 'examples' && raw !== undefined && this.#exampleOf(raw, variant).found;
      if (!p.required && !given && source !== 'full' && source !== 'nulls') continue;
      const schema = p.contentType === undefined ? p.schema : this.#contentSchema(raw, p.contentType);
      let value: unknown;
      try {
        value = pick(raw ?? {}, schema);
      } catch (error) {
        // A full request leaves out the optional parameters it cannot generate.
        if (error instanceof NotGenerated && !p.required) continue;
        throw error;
      }
      if (value === undefined) throw new NotGenerated('parameter value undefined');
      // A parameter has no null form: an optional one whose value is null is left out.
      if (value === null && !p.required) continue;
      if (p.contentType !== undefined) {
        const text = JSON.stringify(value);
        if (p.in === 'path') path = path.replace(`{${p.name}}`, encodeURIComponent(text));
        else if (p.in === 'query') query.push(`${encodeURIComponent(p.name)}=${encodeURIComponent(text)}`);
        else if (p.in === 'header') headers[p.name] = text;
        else cookies.push(`${p.name}=${encodeURIComponent(text)}`);
        continue;
      }
      if (p.in === 'path') path = path.replace(`{${p.name}}`, serializePath(p, value));
      else if (p.in === 'query') query.push(...serializeQuery(p, value));
      else if (p.in === 'header') headers[p.name] = serializeSimple(value, p.explode, (s) => s);
      else cookies.push(`${p.name}=${serializeSimple(value, false, encodeURIComponent)}`);
    }
    if (path.includes('{')) throw new NotGenerated('path template names an undeclared parameter');

    this.#credentials(operation, headers, query, cookies);
    if (cookies.length > 0) headers.cookie = cookies.join('; ');

    let body: string | Buffer | undefined;
    const requestBody = operation.requestBody;
    if (
      requestBody !== undefined &&
      isObject(requestBody.content) &&
      Object.keys(requestBody.content).length > 0
    ) {
      const written = this.#body(requestBody.content, pick);
      headers['content-type'] = written.contentType;
      body = written.body;
      if (Buffer.byteLength(body) > MAX_BODY_BYTES) throw new NotGenerated('body over 256 KiB');
    }
    const rawUrl = query.length === 0 ? path : `${path}?${query.join('&')}`;
    fromExamples ||= this.#generator.usedExample;
    return { method: operation.method, rawUrl, headers, body, fromExamples };
  }

  #schemaOf(raw: unknown): Record<string, unknown> | undefined {
    try {
      const schema = deref<unknown>(this.#document, raw);
      return isObject(schema) ? schema : undefined;
    } catch {
      return undefined;
    }
  }

  /** The raw parameter object (refs followed) as the operation or its path item declares it. */
  #rawParameter(operation: Operation, p: Parameter): Record<string, unknown> | undefined {
    const pathItem = this.#schemaOf((this.#document.paths as Record<string, unknown>)[operation.path]);
    for (const list of [operation.raw.parameters, pathItem?.parameters]) {
      if (!Array.isArray(list)) continue;
      for (const entry of list) {
        const value = this.#schemaOf(entry);
        if (value === undefined || value.in !== p.in || typeof value.name !== 'string') continue;
        if ((p.in === 'header' ? value.name.toLowerCase() : value.name) === p.name) return value;
      }
    }
    return undefined;
  }

  #contentSchema(raw: Record<string, unknown> | undefined, contentType: string): unknown {
    const content = raw !== undefined && isObject(raw.content) ? raw.content[contentType] : undefined;
    return isObject(content) ? content.schema : undefined;
  }

  /** `example`, or the `examples` entry `variant` names (counting round) with a `value` (Example Objects may be `$ref`s). */
  #exampleOf(owner: Record<string, unknown>, variant: number): { found: boolean; value?: unknown } {
    if ('example' in owner) return { found: true, value: owner.example };
    if (!isObject(owner.examples)) return { found: false };
    const values: unknown[] = [];
    for (const entry of Object.values(owner.examples)) {
      const example = this.#schemaOf(entry);
      if (example !== undefined && 'value' in example) values.push(example.value);
    }
    return values.length === 0 ? { found: false } : { found: true, value: values[variant % values.length] };
  }

  #body(
    content: Record<string, unknown>,
    pick: (owner: Record<string, unknown>, schema: unknown) => unknown,
  ): { contentType: string; body: string | Buffer } {
    const types = Object.keys(content);
    const ranked = [
      types.find((t) => /^application\/(.+\+)?json$/i.test(t.split(';')[0]!.trim())),
      types.find((t) => t.startsWith('application/x-www-form-urlencoded')),
      types.find((t) => t.startsWith('multipart/form-data')),
      types.find((t) => t.startsWith('text/')),
      types.find((t) => t === '*/*' || t === 'application/octet-stream' || !t.includes('*')),
    ];
    const type = ranked.find((t) => t !== undefined);
    if (type === undefined) throw new NotGenerated('no media type a request can be written in');
    const media = isObject(content[type]) ? content[type] : {};
    const value = pick(media, media.schema);
    const essence = type.split(';')[0]!.trim().toLowerCase();
    if (/json$/.test(essence)) return { contentType: type, body: JSON.stringify(value) };
    if (essence === 'application/x-www-form-urlencoded') {
      if (!isObject(value)) throw new NotGenerated('form body that is not an object');
      const form = new URLSearchParams();
      for (const [name, member] of Object.entries(value)) {
        // A form has no null: a member whose value is null is left out.
        if (member === null) continue;
        if (Array.isArray(member) && member.every((item) => item === null || typeof item !== 'object')) {
          for (const item of member) form.append(name, String(item));
        } else appendBrackets(form, name, member);
      }
      return { contentType: type, body: form.toString() };
    }
    if (essence === 'multipart/form-data') {
      if (!isObject(value)) throw new NotGenerated('multipart body that is not an object');
      let text = '';
      for (const [name, member] of Object.entries(value)) {
        if (member === null) continue; // multipart has no null either
        for (const item of Array.isArray(member) ? member : [member]) {
          const data = item !== null && typeof item === 'object' ? JSON.stringify(item) : String(item);
          const type = item !== null && typeof item === 'object' ? 'content-type: application/json\r\n' : '';
          text += `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${name}"\r\n${type}\r\n${data}\r\n`;
        }
      }
      return { contentType: `multipart/form-data; boundary=${BOUNDARY}`, body: `${text}--${BOUNDARY}--\r\n` };
    }
    const concrete = type.includes('*') ? 'application/octet-stream' : type;
    return { contentType: concrete, body: typeof value === 'string' ? value : JSON.stringify(value ?? '') };
  }

  /** The credentials of the operation's first security requirement, as placeholders. */
  #credentials(
    operation: Operation,
    headers: Record<string, string>,
    query: string[],
    cookies: string[],
  ): void {
    const requirement = operation.security?.find((r) => isObject(r) && Object.keys(r).length > 0);
    if (requirement === undefined) return;
    const components = isObject(this.#document.components) ? this.#document.components : {};
    const schemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
    for (const name of Object.keys(requirement)) {
      const scheme = this.#schemaOf(schemes[name]);
      if (scheme === undefined) continue;
      if (scheme.type === 'apiKey' && typeof scheme.name === 'string') {
        if (scheme.in === 'query')
          query.push(`${encodeURIComponent(scheme.name)}=conformance-placeholder-key`);
        else if (scheme.in === 'cookie') cookies.push(`${scheme.name}=conformance-placeholder-key`);
        else headers[scheme.name.toLowerCase()] = 'conformance-placeholder-key';
      } else if (scheme.type === 'http' && String(scheme.scheme).toLowerCase() === 'basic') {
        headers.authorization = `Basic ${Buffer.from('user:password').toString('base64')}`;
      } else if (scheme.type === 'http' || scheme.type === 'oauth2' || scheme.type === 'openIdConnect') {
        headers.authorization = BEARER;
      }
    }
  }
}

/** A nested form member in bracket (deepObject) form: `a[b]=1`, `a[0][b]=1`. */
function appendBrackets(form: URLSearchParams, key: string, value: unknown): void {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) appendBrackets(form, `${key}[${index}]`, item);
  } else if (isObject(value))
    for (const [name, member] of Object.entries(value)) appendBrackets(form, `${key}[${name}]`, member);
  else form.append(key, value === null ? '' : String(value));
}

function encodeScalar(value: unknown, encode: (s: string) => string): string {
  return encode(value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
}

/** simple style (path and header): `a,b,c`; objects `k,v,k,v`, exploded `k=v,k=v`. */
function serializeSimple(value: unknown, explode: boolean, encode: (s: string) => string): string {
  if (Array.isArray(value)) return value.map((v) => encodeScalar(v, encode)).join(',');
  if (isObject(value)) {
    return Object.entries(value)
      .map(([k, v]) =>
        explode ? `${encode(k)}=${encodeScalar(v, encode)}` : `${encode(k)},${encodeScalar(v, encode)}`,
      )
      .join(',');
  }
  return encodeScalar(value, encode);
}

function serializePath(p: Parameter, value: unknown): string {
  const enc = encodeURIComponent;
  if (p.style === 'label') {
    if (Array.isArray(value)) return `.${value.map((v) => encodeScalar(v, enc)).join(p.explode ? '.' : ',')}`;
    return `.${serializeSimple(value, p.explode, enc)}`;
  }
  if (p.style === 'matrix') {
    if (Array.isArray(value) && p.explode)
      return value.map((v) => `;${enc(p.name)}=${encodeScalar(v, enc)}`).join('');
    if (isObject(value) && p.explode)
      return Object.entries(value)
        .map(([k, v]) => `;${enc(k)}=${encodeScalar(v, enc)}`)
        .join('');
    return `;${enc(p.name)}=${serializeSimple(value, false, enc)}`;
  }
  return serializeSimple(value, p.explode, enc);
}

function serializeQuery(p: Parameter, value: unknown): string[] {
  const enc = encodeURIComponent;
  const name = enc(p.name);
  if (p.style === 'deepObject' && isObject(value)) {
    return Object.entries(value).map(([k, v]) => `${name}%5B${enc(k)}%5D=${encodeScalar(v, enc)}`);
  }
  if (Array.isArray(value)) {
    if (p.explode && p.style === 'form') return value.map((v) => `${name}=${encodeScalar(v, enc)}`);
    const separator = p.style === 'spaceDelimited' ? '%20' : p.style === 'pipeDelimited' ? '|' : ',';
    return [`${name}=${value.map((v) => encodeScalar(v, enc)).join(separator)}`];
  }
  if (isObject(value)) {
    if (p.explode) return Object.entries(value).map(([k, v]) => `${enc(k)}=${encodeScalar(v, enc)}`);
    return [`${name}=${serializeSimple(value, false, enc)}`];
  }
  return [`${name}=${encodeScalar(value, enc)}`];
}
