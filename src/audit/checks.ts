// The audit's checks over one OpenAPI document: security requirements, servers, request schema
// bounds and openness, documented error responses, sensitive response members and id shapes.
import { deref, isObject, isRef, listOperations, type Operation, type SpecFile } from '../openapi/index.ts';
import { escapeToken } from '../openapi/pointer.ts';
import { type AuditFinding, RULES, type Severity } from './findings.ts';

type Emit = (rule: string, message: string, pointer: string) => void;

const SEVERITY: ReadonlyMap<string, Severity> = new Map(RULES.map((rule) => [rule.id, rule.severity]));
// Whole-word-ish names: `passwordHash`, `client_secret`, `ssn`, `apiKey`, `privateKey`, `cardNumber`.
const SENSITIVE_NAME =
  /^(password|passwd|pass_?hash|password_?hash|secret|client_?secret|ssn|social_?security_?number|api_?key|private_?key|card_?number|credit_?card|cvv)$/i;
const MAX_SCHEMA_DEPTH = 32;

/** Walks request schemas: unbounded strings, arrays, numbers and open objects, each reported once. */
function checkRequestSchema(
  document: unknown,
  schema: unknown,
  pointer: string,
  emit: Emit,
  seen: Set<string>,
  depth: number,
  body: boolean,
): void {
  if (depth > MAX_SCHEMA_DEPTH) return;
  let at = pointer;
  let node = schema;
  if (isRef(schema)) {
    at = schema.$ref;
    try {
      node = deref(document, schema);
    } catch {
      return;
    }
  }
  if (!isObject(node) || seen.has(at)) return;
  seen.add(at);
  const type = Array.isArray(node.type) ? node.type.find((t) => t !== 'null') : node.type;
  if (
    type === 'string' &&
    node.maxLength === undefined &&
    node.enum === undefined &&
    node.const === undefined &&
    node.format === undefined &&
    node.pattern === undefined
  ) {
    emit('string-unbounded', 'string without maxLength', at);
  }
  if (type === 'array' && node.maxItems === undefined) emit('array-unbounded', 'array without maxItems', at);
  if (
    (type === 'integer' || type === 'number') &&
    node.maximum === undefined &&
    node.exclusiveMaximum === undefined &&
    node.enum === undefined
  ) {
    emit('number-unbounded', `${type} without maximum`, at);
  }
  const objectLike = type === 'object' || isObject(node.properties);
  if (
    body &&
    objectLike &&
    node.additionalProperties === undefined &&
    node.unevaluatedProperties === undefined &&
    isObject(node.properties)
  ) {
    emit('body-open-object', 'object without additionalProperties: false', at);
  }
  if (isObject(node.properties)) {
    for (const [name, member] of Object.entries(node.properties)) {
      if (isObject(member) && member.readOnly === true) continue;
      checkRequestSchema(
        document,
        member,
        `${at}/properties/${escapeToken(name)}`,
        emit,
        seen,
        depth + 1,
        body,
      );
    }
  }
  if (node.items !== undefined)
    checkRequestSchema(document, node.items, `${at}/items`, emit, seen, depth + 1, body);
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    const members = node[keyword];
    if (Array.isArray(members))
      for (const [i, m] of members.entries()) {
        checkRequestSchema(document, m, `${at}/${keyword}/${i}`, emit, seen, depth + 1, false);
      }
  }
}

/** Reports sensitive-looking member names in response schemas (writeOnly members excepted). */
function checkResponseSchema(
  document: unknown,
  schema: unknown,
  pointer: string,
  emit: Emit,
  seen: Set<string>,
  depth: number,
): void {
  if (depth > MAX_SCHEMA_DEPTH) return;
  let at = pointer;
  let node = schema;
  if (isRef(schema)) {
    at = schema.$ref;
    try {
      node = deref(document, schema);
    } catch {
      return;
    }
  }
  if (!isObject(node) || seen.has(at)) return;
  seen.add(at);
  if (isObject(node.properties)) {
    for (const [name, member] of Object.entries(node.properties)) {
      const resolved = isRef(member) ? undefined : member;
      const memberAt = `${at}/properties/${escapeToken(name)}`;
      if (SENSITIVE_NAME.test(name) && !(isObject(resolved) && resolved.writeOnly === true)) {
        emit('sensitive-property-returned', `response member "${name}" looks sensitive`, memberAt);
      }
      checkResponseSchema(document, member, memberAt, emit, seen, depth + 1);
    }
  }
  if (node.items !== undefined)
    checkResponseSchema(document, node.items, `${at}/items`, emit, seen, depth + 1);
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    const members = node[keyword];
    if (Array.isArray(members))
      for (const [i, m] of members.entries()) {
        checkResponseSchema(document, m, `${at}/${keyword}/${i}`, emit, seen, depth + 1);
      }
  }
}

function checkOperation(
  spec: SpecFile,
  operation: Operation,
  emit: Emit,
  requestSeen: Set<string>,
  responseSeen: Set<string>,
): void {
  const document = spec.document;
  const label = `${operation.method} ${operation.path}`;
  const security = operation.security;
  const secured = security !== undefined && security.length > 0;
  if (security === undefined)
    emit('operation-without-security', `${label} has no security requirement`, operation.pointer);
  else if (!secured) emit('operation-public', `${label} is public (security: [])`, operation.pointer);
  const statuses = Object.keys(operation.responses);
  if (secured && !statuses.includes('401') && !statuses.includes('403') && !statuses.includes('4XX')) {
    emit(
      'auth-responses-missing',
      `${label} documents neither 401 nor 403`,
      `${operation.pointer}/responses`,
    );
  }
  if (!statuses.includes('429') && !statuses.includes('4XX')) {
    emit('rate-limit-undocumented', `${label} documents no 429`, `${operation.pointer}/responses`);
  }
  for (const parameter of operation.parameters) {
    if (parameter.in === 'path') {
      let schema: unknown;
      try {
        schema = deref(document, parameter.schema);
      } catch {
        schema = undefined;
      }
      if (isObject(schema) && schema.type === 'integer' && /(^id$|_id$|Id$)/.test(parameter.name)) {
        emit(
          'sequential-id',
          `${label}: path parameter "${parameter.name}" is an integer id`,
          operation.pointer,
        );
      }
    }
    if (parameter.schema !== undefined)
      checkRequestSchema(
        document,
        parameter.schema,
        `${operation.pointer}/parameters`,
        emit,
        requestSeen,
        0,
        false,
      );
  }
  const body = operation.requestBody;
  if (body !== undefined && isObject(body.content)) {
    for (const [type, media] of Object.entries(body.content)) {
      if (isObject(media) && media.schema !== undefined) {
        checkRequestSchema(
          document,
          media.schema,
          `${operation.pointer}/requestBody/content/${escapeToken(type)}/schema`,
          emit,
          requestSeen,
          0,
          true,
        );
      }
    }
  }
  for (const [status, response] of Object.entries(operation.responses)) {
    if (!status.startsWith('2') || !isObject(response.content)) continue;
    for (const [type, media] of Object.entries(response.content)) {
      if (isObject(media) && media.schema !== undefined) {
        checkResponseSchema(
          document,
          media.schema,
          `${operation.pointer}/responses/${status}/content/${escapeToken(type)}/schema`,
          emit,
          responseSeen,
          0,
        );
      }
    }
  }
}

/** Runs every check; findings come back in document order of discovery, then sorted stably. */
export function auditDocument(
  spec: SpecFile,
  lineOf: (pointer: string) => number | undefined,
): AuditFinding[] {
  const findings: AuditFinding[] = [];
  const emit: Emit = (rule, message, pointer) => {
    findings.push({ rule, severity: SEVERITY.get(rule)!, message, pointer, line: lineOf(pointer) });
  };
  const servers = Array.isArray(spec.document.servers) ? spec.document.servers : [];
  servers.forEach((server, i) => {
    if (
      isObject(server) &&
      typeof server.url === 'string' &&
      server.url.toLowerCase().startsWith('http://')
    ) {
      emit('server-http', `server ${server.url} uses plain HTTP`, `#/servers/${i}/url`);
    }
  });
  const requestSeen = new Set<string>();
  const responseSeen = new Set<string>();
  for (const operation of listOperations(spec))
    checkOperation(spec, operation, emit, requestSeen, responseSeen);
  return findings;
}
