// The spec audit library: checks, score and report formats for `rampart audit` and `rampart check`.
export { auditSpecFile } from './audit.ts';
export { auditDocument } from './checks.ts';
export {
  type AuditFinding,
  type AuditReport,
  type AuditRule,
  RULES,
  reaches,
  SEVERITIES,
  type Severity,
  scoreOf,
} from './findings.ts';
export { formatJson, formatSarif, formatText } from './format.ts';
