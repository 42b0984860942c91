// Validates OCSF events against the class schemas Rampart ships (src/observe/schemas/ocsf-json-schema.ts).
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import { OCSF_SCHEMAS } from '../../src/observe/schemas/ocsf-json-schema.ts';

const ajv = new Ajv({ allErrors: true, strict: false });
formats.default(ajv);
const validators = new Map(
  Object.entries(OCSF_SCHEMAS).map(([uid, schema]) => [Number(uid), ajv.compile(schema)]),
);

/** The schema errors of `event` (empty when valid); an unknown class is an error too. */
export function ocsfErrors(event: unknown): string[] {
  const classUid = (event as { class_uid?: unknown } | null)?.class_uid;
  const validate = typeof classUid === 'number' ? validators.get(classUid) : undefined;
  if (validate === undefined) return [`no schema for class_uid ${String(classUid)}`];
  if (validate(event)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}
