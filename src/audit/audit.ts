// `rampart audit` as a library: load a spec, run the checks, score it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { listOperations, parseSpecText } from '../openapi/index.ts';
import { auditDocument } from './checks.ts';
import { type AuditReport, scoreOf } from './findings.ts';
import { lineMapper } from './lines.ts';

/** Audits the spec at `file`; `displayName` is how reports name it (defaults to `file`). */
export function auditSpecFile(file: string, displayName: string = file): AuditReport {
  const text = readFileSync(resolve(file), 'utf8');
  const spec = parseSpecText(text, file);
  const findings = auditDocument(spec, lineMapper(text));
  const info = spec.document.info as { title?: unknown } | undefined;
  return {
    file: displayName,
    title: typeof info?.title === 'string' ? info.title : '',
    operations: listOperations(spec).length,
    score: scoreOf(findings),
    findings,
  };
}
