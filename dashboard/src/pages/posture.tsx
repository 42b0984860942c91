// Posture: the `rampart check` report per route, the `rampart audit` score per spec, and the findings
// of the last scan posted to the admin API with the config block that fixes each.
import { when } from '../format.ts';
import { Badge, Notice, Pending, TableRegion, useApi } from '../ui.tsx';

interface RoutePosture {
  route: string;
  path: string;
  methods: string[] | null;
  enforced: Record<string, string[]>;
  monitored: string[];
  public?: string;
}
interface Finding {
  route?: string;
  severity: string;
  rule: string;
  message: string;
  line?: number;
}
interface SpecAudit {
  file: string;
  title?: string;
  operations?: number;
  score?: number;
  findings?: Finding[];
  error?: string;
}
interface ScanFinding {
  check: string;
  title: string;
  severity: string;
  owasp: string;
  operation: string;
  description: string;
  fix?: { route: { methods: string[]; path: string }; policies: Record<string, unknown>; note: string };
}
interface Posture {
  version: number;
  routes: RoutePosture[];
  findings: Finding[];
  specs: SpecAudit[];
  scan: {
    receivedAt: number;
    report: { target: string; startedAt?: string; findings: ScanFinding[] };
  } | null;
}

const STAGES = ['ingress', 'authn', 'authz', 'traffic', 'validation', 'threat', 'response'] as const;

function Findings(props: { findings: Finding[]; label: string }) {
  if (props.findings.length === 0) return <p>No findings.</p>;
  return (
    <TableRegion label={props.label}>
      <table class="cards">
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Where</th>
            <th scope="col">Rule</th>
            <th scope="col">What</th>
          </tr>
        </thead>
        <tbody>
          {props.findings.map((finding, index) => (
            <tr key={`${finding.rule}-${index}`}>
              <td data-label="Severity">
                <Badge tone={finding.severity}>{finding.severity}</Badge>
              </td>
              <td data-label="Where">
                {finding.route ?? (finding.line === undefined ? '–' : `line ${finding.line}`)}
              </td>
              <td class="mono" data-label="Rule">
                {finding.rule}
              </td>
              <td data-label="What">{finding.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

export function PosturePage() {
  const { data, error } = useApi<Posture>('/posture');
  if (data === undefined) return <Pending error={error} />;
  return (
    <>
      <p class="lede">
        Config version {data.version}: what each route enforces, what is only monitored, and what is missing.
      </p>
      <h2 id="routes-title">Routes</h2>
      <TableRegion label="Protections per route">
        <table class="cards">
          <thead>
            <tr>
              <th scope="col">Route</th>
              {STAGES.map((stage) => (
                <th scope="col" key={stage}>
                  {stage}
                </th>
              ))}
              <th scope="col">Monitor only</th>
            </tr>
          </thead>
          <tbody>
            {data.routes.map((route) => (
              <tr key={route.route} data-route={route.route}>
                <th scope="row">
                  {route.route}
                  <div class="sub mono">
                    {(route.methods ?? ['*']).join(',')} {route.path}
                  </div>
                  {route.public === undefined ? null : <div class="sub">public: {route.public}</div>}
                </th>
                {STAGES.map((stage) => (
                  <td key={stage} class="small" data-label={stage}>
                    {(route.enforced[stage] ?? []).join(', ') || '–'}
                  </td>
                ))}
                <td class="small" data-label="monitor only">
                  {route.monitored.join(', ') || '–'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
      <h2>Config findings ({data.findings.length})</h2>
      <Findings findings={data.findings} label="Config findings" />
      <h2>Specs</h2>
      {data.specs.length === 0 ? <p>No policy of this config reads an OpenAPI spec.</p> : null}
      {data.specs.map((spec) => (
        <section class="spec" key={spec.file} aria-label={`Audit of ${spec.file}`}>
          <h3>
            {spec.title || spec.file}{' '}
            {spec.score === undefined ? null : (
              <span class="score" data-score={spec.score}>
                score {spec.score}/100
              </span>
            )}
          </h3>
          <p class="sub mono">{spec.file}</p>
          {spec.error === undefined ? (
            <>
              <p>
                {spec.operations} operations, {spec.findings?.length ?? 0} findings.
              </p>
              <Findings findings={spec.findings ?? []} label={`Findings of ${spec.file}`} />
            </>
          ) : (
            <Notice kind="error">Could not audit it: {spec.error}</Notice>
          )}
        </section>
      ))}
      <h2>Last scan</h2>
      {data.scan === null ? (
        <p>
          No scan report yet. Post one with{' '}
          <code>
            rampart scan … --format json | curl -X POST --data-binary @- -H 'content-type: application/json'
            -H "authorization: Bearer $TOKEN" ADMIN/scan-report
          </code>
          .
        </p>
      ) : (
        <section aria-label="Last scan">
          <p>
            {data.scan.report.target}, received {when(data.scan.receivedAt)}:{' '}
            {data.scan.report.findings.length} finding{data.scan.report.findings.length === 1 ? '' : 's'}.
          </p>
          {data.scan.report.findings.map((finding, index) => (
            <details key={`${finding.check}-${index}`} class="scan-finding">
              <summary>
                <Badge tone={finding.severity}>{finding.severity}</Badge> {finding.title}{' '}
                <span class="mono">{finding.operation}</span> <span class="sub">{finding.owasp}</span>
              </summary>
              <p>{finding.description}</p>
              {finding.fix === undefined ? null : (
                <>
                  <p>
                    Fix on{' '}
                    <span class="mono">
                      {finding.fix.route.methods.join(',')} {finding.fix.route.path}
                    </span>
                    : {finding.fix.note}
                  </p>
                  <pre>{JSON.stringify(finding.fix.policies, null, 2)}</pre>
                </>
              )}
            </details>
          ))}
        </section>
      )}
    </>
  );
}
