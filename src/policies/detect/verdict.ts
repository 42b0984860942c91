// What an inspection result means for a request, shared by every policy that runs the threat engine
// (detect, graphql): the threat score annotated, findings below the decision flagged, the strongest
// one denied at the threshold, and inputs over the budget refused or flagged.
import type { Finding, InspectionResult } from '../../detect/index.ts';
import { CONTINUE, deny, type PolicyContext, type SecurityEvent, type Verdict } from '../policy.ts';

/** At most this many flags are emitted per request (the rest are counted in the annotation). */
const MAX_FLAGS = 16;

function severityOf(finding: Finding): NonNullable<SecurityEvent['severity']> {
  return finding.score >= 5 ? 'high' : finding.score >= 3 ? 'medium' : 'low';
}

/** The verdict of `result` on `ctx`; `budgetBytes` names the budget in the reason. */
export function detectionVerdict(ctx: PolicyContext, result: InspectionResult, budgetBytes: number): Verdict {
  if (result.score > 0) ctx.annotate('threat_score', result.score);
  const top = result.findings[0];
  const denied = result.blocked && top !== undefined && result.score >= result.threshold;
  const flags = denied ? result.findings.slice(1) : result.findings;
  for (const finding of flags.slice(0, MAX_FLAGS)) {
    ctx.emit({
      rule: finding.rule,
      location: finding.location,
      evidence: finding.excerpt,
      reason: `${finding.category} finding, score ${finding.score}`,
      severity: severityOf(finding),
    });
  }
  if (denied) {
    return deny('RAMPART_THREAT_DETECTED', {
      rule: top.rule,
      location: top.location,
      reason: `${top.rule} at ${top.location} (request score ${result.score}): ${top.excerpt}`,
    });
  }
  if (result.overBudget) {
    if (result.blocked) {
      return deny('RAMPART_THREAT_INSPECTION_BUDGET', {
        rule: 'budget',
        reason: `request inputs exceed the inspection budget of ${budgetBytes} bytes`,
      });
    }
    ctx.emit({
      rule: 'budget',
      reason: `inputs beyond ${budgetBytes} bytes were not inspected`,
      severity: 'medium',
    });
  }
  return CONTINUE;
}
