// JSON Schemas (draft 2020-12 subset ajv runs) of the OCSF 1.3 classes as Rampart emits them: the
// attributes each class defines that Rampart sets, with their types and enumerations, the class's
// required attributes, and nothing else at the top level (what OCSF has no place for is `unmapped`).
// Written from the class definitions at https://schema.ocsf.io/1.3.0; tests validate every event with them.

type Schema = Record<string, unknown>;

const int = { type: 'integer' };
const str = { type: 'string' };
const nonEmpty = { type: 'string', minLength: 1 };

const metadata: Schema = {
  type: 'object',
  required: ['version', 'product'],
  properties: {
    version: { const: '1.3.0' },
    product: {
      type: 'object',
      required: ['name', 'vendor_name'],
      properties: { name: nonEmpty, vendor_name: nonEmpty, version: str },
      additionalProperties: false,
    },
    correlation_uid: str,
    log_name: str,
    labels: { type: 'array', items: str },
  },
  additionalProperties: false,
};

const endpoint: Schema = {
  type: 'object',
  minProperties: 1,
  properties: { ip: str, svc_name: str, hostname: str, port: int },
  additionalProperties: false,
};

const httpRequest: Schema = {
  type: 'object',
  properties: {
    uid: str,
    http_method: str,
    url: {
      type: 'object',
      properties: { path: str, query_string: str, url_string: str },
      additionalProperties: false,
    },
    user_agent: str,
    length: int,
  },
  additionalProperties: false,
};

const user: Schema = {
  type: 'object',
  minProperties: 1,
  properties: { uid: str, name: str },
  additionalProperties: false,
};

/** Attributes of the base event every class has (OCSF base_event + classification + occurrence). */
const baseProperties: Schema = {
  activity_id: int,
  activity_name: str,
  category_uid: int,
  class_uid: int,
  type_uid: int,
  time: int,
  time_dt: { type: 'string', format: 'date-time' },
  severity_id: { enum: [0, 1, 2, 3, 4, 5, 6, 99] },
  status_id: { enum: [0, 1, 2, 99] },
  status_code: str,
  status_detail: str,
  message: str,
  duration: int,
  metadata,
  unmapped: { type: 'object' },
};
const BASE_REQUIRED = [
  'activity_id',
  'category_uid',
  'class_uid',
  'type_uid',
  'time',
  'severity_id',
  'metadata',
];

// Security Control profile (applied to the classes that carry a verdict).
const securityControl: Schema = {
  action_id: { enum: [0, 1, 2, 3, 4, 99] },
  disposition_id: { type: 'integer', minimum: 0, maximum: 99 },
};

function classSchema(
  classUid: number,
  categoryUid: number,
  activities: readonly number[],
  properties: Schema,
  required: readonly string[],
): Schema {
  return {
    $id: `https://schema.ocsf.io/1.3.0/classes/${classUid}`,
    type: 'object',
    required: [...BASE_REQUIRED, ...required],
    properties: {
      ...baseProperties,
      class_uid: { const: classUid },
      category_uid: { const: categoryUid },
      activity_id: { enum: [...activities] },
      type_uid: { enum: activities.map((activity) => classUid * 100 + activity) },
      ...properties,
    },
    additionalProperties: false,
  };
}

/** Detection Finding (2004, category Findings). */
export const DETECTION_FINDING_SCHEMA: Schema = classSchema(
  2004,
  2,
  [0, 1, 2, 3, 99],
  {
    ...securityControl,
    finding_info: {
      type: 'object',
      required: ['uid', 'title'],
      properties: {
        uid: nonEmpty,
        title: str,
        types: { type: 'array', items: str },
        analytic: {
          type: 'object',
          required: ['type_id'],
          properties: { uid: str, name: str, type_id: { enum: [0, 1, 2, 3, 4, 5, 99] }, type: str },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    is_alert: { type: 'boolean' },
    evidences: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { data: { type: 'object' } },
        additionalProperties: false,
      },
    },
    src_endpoint: endpoint,
    http_request: httpRequest,
  },
  ['finding_info'],
);

/** Authentication (3002, category Identity & Access Management). */
export const AUTHENTICATION_SCHEMA: Schema = classSchema(
  3002,
  3,
  [0, 1, 2, 3, 4, 5, 6, 7, 99],
  {
    ...securityControl,
    user,
    auth_protocol_id: { enum: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 99] },
    auth_protocol: str,
    src_endpoint: endpoint,
    dst_endpoint: endpoint,
    http_request: httpRequest,
  },
  ['user'],
);

/** HTTP Activity (4002, category Network Activity). */
export const HTTP_ACTIVITY_SCHEMA: Schema = classSchema(
  4002,
  4,
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 99],
  {
    src_endpoint: endpoint,
    dst_endpoint: endpoint,
    http_request: httpRequest,
    http_response: {
      type: 'object',
      required: ['code'],
      properties: { code: int, length: int },
      additionalProperties: false,
    },
  },
  ['src_endpoint', 'dst_endpoint'],
);

/** API Activity (6003, category Application Activity). */
export const API_ACTIVITY_SCHEMA: Schema = classSchema(
  6003,
  6,
  [0, 1, 2, 3, 4, 99],
  {
    ...securityControl,
    actor: {
      type: 'object',
      minProperties: 1,
      properties: { user },
      additionalProperties: false,
    },
    api: {
      type: 'object',
      required: ['operation'],
      properties: {
        operation: nonEmpty,
        service: { type: 'object', properties: { name: str }, additionalProperties: false },
      },
      additionalProperties: false,
    },
    src_endpoint: endpoint,
    http_request: httpRequest,
  },
  ['actor', 'api', 'src_endpoint'],
);

/** The schema of each class Rampart emits, by `class_uid`. */
export const OCSF_SCHEMAS: Readonly<Record<number, Schema>> = {
  2004: DETECTION_FINDING_SCHEMA,
  3002: AUTHENTICATION_SCHEMA,
  4002: HTTP_ACTIVITY_SCHEMA,
  6003: API_ACTIVITY_SCHEMA,
};
