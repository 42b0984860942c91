// `rampart audit` as a library: load a spec, run the checks, score it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { listOperations, parseSpecText, specWarnings } from '../openapi/index.ts';
import { auditDocument } from './checks.ts';
import { type AuditReport, RULES, scoreOf } from './findings.ts';
import { lineMapper } from './lines.ts';

/** Audits the spec at `file`; `displayName` is how reports name it (defaults to `file`). */
export function auditSpecFile(file: string, displayName: string = file): AuditReport {
  const text = readFileSync(resolve(file), 'utf8');
  const spec = parseSpecText(text, file);
  const lineOf = lineMapper(text);
  const findings = auditDocument(spec, lineOf);
  // Places not validated as written, named by their file (the spec or a part its `$ref`s name).
  for (const warning of specWarnings(spec)) {
    const rule = warning.kind === 'relaxed-keyword' ? 'schema-keyword-relaxed' : 'schema-uncompilable';
    const elsewhere = warning.file !== spec.path;
    findings.push({
      rule,
      severity: RULES.find((known) => known.id === rule)!.severity,
      message: elsewhere ? `${warning.file}${warning.pointer}: ${warning.message}` : warning.message,
      pointer: warning.pointer,
      line: elsewhere ? undefined : lineOf(warning.pointer),
    });
  }
  const info = spec.document.info as { title?: unknown } | undefined;
  return {
    file: displayName,
    title: typeof info?.title === 'string' ? info.title : '',
    operations: listOperations(spec).length,
    score: scoreOf(findings),
    findings,
  };
}
