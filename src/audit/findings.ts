// The audit's vocabulary: rules (id, severity, how to fix) and findings (where, what), plus the score.

/** How bad a finding is. */
export type Severity = 'low' | 'medium' | 'high';
export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high'];

/** A check the audit runs. */
export interface AuditRule {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  readonly fix: string;
}

/** One problem in a spec. */
export interface AuditFinding {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  /** JSON pointer into the document (`#/paths/~1users/get`). */
  readonly pointer: string;
  /** 1-based line in the spec file, when known. */
  readonly line: number | undefined;
}

/** The audit of one spec. */
export interface AuditReport {
  readonly file: string;
  readonly title: string;
  readonly operations: number;
  /** 0..100: 100 minus weighted findings. */
  readonly score: number;
  readonly findings: readonly AuditFinding[];
}

export const RULES: readonly AuditRule[] = [
  {
    id: 'operation-without-security',
    severity: 'high',
    title: 'Operation without security requirement',
    fix: 'Add a `security` requirement to the operation or the document; mark public operations with `security: []` deliberately.',
  },
  {
    id: 'operation-public',
    severity: 'low',
    title: 'Operation explicitly public',
    fix: 'Confirm the operation is meant to be reachable without credentials.',
  },
  {
    id: 'server-http',
    severity: 'medium',
    title: 'Server over plain HTTP',
    fix: 'Use an https:// server URL; plain HTTP exposes credentials and data in transit.',
  },
  {
    id: 'string-unbounded',
    severity: 'low',
    title: 'Request string without maxLength',
    fix: 'Add `maxLength` (or an `enum`/`format` that bounds it) to strings the API accepts.',
  },
  {
    id: 'array-unbounded',
    severity: 'low',
    title: 'Request array without maxItems',
    fix: 'Add `maxItems` to arrays the API accepts.',
  },
  {
    id: 'number-unbounded',
    severity: 'low',
    title: 'Request number without maximum',
    fix: 'Add `minimum`/`maximum` to numbers the API accepts.',
  },
  {
    id: 'body-open-object',
    severity: 'medium',
    title: 'Request object accepts undeclared members',
    fix: 'Add `additionalProperties: false` to request body objects (prevents mass assignment).',
  },
  {
    id: 'auth-responses-missing',
    severity: 'low',
    title: 'No 401/403 response documented',
    fix: 'Document 401 and 403 responses for operations that require credentials.',
  },
  {
    id: 'rate-limit-undocumented',
    severity: 'low',
    title: 'No 429 response documented',
    fix: 'Document the 429 response (and Retry-After/RateLimit headers) so clients know the limits.',
  },
  {
    id: 'sensitive-property-returned',
    severity: 'high',
    title: 'Sensitive-looking property in a response',
    fix: 'Remove the property from the response schema, or mark it `writeOnly` if clients only send it.',
  },
  {
    id: 'schema-keyword-relaxed',
    severity: 'medium',
    title: 'Schema keyword no validator compiles (relaxed, not checked)',
    fix: 'Write the pattern so it is valid in unicode mode (no needless escapes such as `\\:`), or give the empty enum its values; until then that check is not enforced.',
  },
  {
    id: 'schema-uncompilable',
    severity: 'high',
    title: 'Request schema that does not compile (not validated)',
    fix: 'Fix the schema the message names; until then requests to the operation are not validated there.',
  },
  {
    id: 'sequential-id',
    severity: 'medium',
    title: 'Integer id in path (BOLA risk)',
    fix: 'Use unguessable ids (UUIDs) and enforce object-level authorization on every access.',
  },
];

const WEIGHT: Record<Severity, number> = { high: 10, medium: 4, low: 1 };

/** A score from 100 down: each finding costs its weight, with diminishing cost per rule. */
export function scoreOf(findings: readonly AuditFinding[]): number {
  const perRule = new Map<string, { severity: Severity; count: number }>();
  for (const finding of findings) {
    const entry = perRule.get(finding.rule) ?? { severity: finding.severity, count: 0 };
    entry.count++;
    perRule.set(finding.rule, entry);
  }
  let cost = 0;
  // A rule's cost grows with the log of its count, so one noisy rule cannot hide the others.
  for (const { severity, count } of perRule.values()) cost += WEIGHT[severity] * (1 + Math.log2(count));
  return Math.max(0, Math.round(100 - cost));
}

/** Whether `severity` is at or above `threshold`. */
export function reaches(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(threshold);
}
