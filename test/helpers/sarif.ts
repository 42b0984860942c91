// A validator for SARIF 2.1.0 logs, from the schema @microsoft/jest-sarif ships (MIT).
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';

const require = createRequire(import.meta.url);

/** Compiles the SARIF 2.1.0 schema; it is draft-04 (`id`), which Ajv 8 reads once `id` is `$id`. */
export function sarifValidator() {
  const {
    id,
    $schema: _,
    ...schema
  } = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as Record<string, unknown>;
  return new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false }).compile({
    ...schema,
    $id: String(id),
  });
}
