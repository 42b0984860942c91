// Security events: the recent denials, would-denies and flags, filtered by route, consumer, rule,
// client address, outcome and time; evidence as the gateway recorded it (redacted and cut).
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { count, when } from '../format.ts';
import { Badge, Pending, TableRegion, useApi } from '../ui.tsx';

interface SecurityEvent {
  seq: number;
  time: number;
  requestId: string;
  route: string;
  clientIp: string;
  consumerId?: string;
  outcome: 'denied' | 'would-deny' | 'flagged';
  policy: string;
  code?: string;
  rule?: string;
  location?: string;
  evidence?: string;
  reason?: string;
  severity?: string;
  method?: string;
  path?: string;
  traceId?: string;
}
interface EventPage {
  events: SecurityEvent[];
  matched: number;
  kept: number;
  seen: number;
}

interface AuditRecordView {
  position: number;
  seq: number;
  hash: string;
  time: number;
  action: string;
  outcome: string;
}

/** The audit record of a denial, looked up on demand (the trail keeps the denials it is told to). */
function AuditRecord(props: { event: SecurityEvent }) {
  const [found, setFound] = useState<AuditRecordView | null | undefined>(undefined);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const look = () => {
    const query = new URLSearchParams({
      requestId: props.event.requestId,
      since: String(props.event.time - 1000),
      limit: '1',
    });
    api<{ records: AuditRecordView[] }>('GET', `/audit-trail?${query}`).then(
      (answer) => setFound(answer.records[0] ?? null),
      (error: unknown) => setFailure(error instanceof Error ? error.message : String(error)),
    );
  };
  if (failure !== undefined) return <div class="sub">audit trail: {failure}</div>;
  if (found === undefined)
    return (
      <div>
        <button
          type="button"
          class="small secondary"
          onClick={look}
          aria-label={`Audit record of ${props.event.requestId}`}
        >
          Audit record
        </button>
      </div>
    );
  if (found === null)
    return (
      <div class="sub" data-audit="none">
        not in the audit trail (its policy is not recorded)
      </div>
    );
  return (
    <div class="sub" data-audit={found.seq}>
      audit record #{found.seq}, {when(found.time)}, hash {found.hash.slice(0, 12)}…
    </div>
  );
}

const FIELDS = [
  { name: 'route', label: 'Route' },
  { name: 'consumer', label: 'Consumer (name or id)' },
  { name: 'rule', label: 'Rule, code or policy' },
  { name: 'clientIp', label: 'Client IP' },
] as const;

type Filters = Record<(typeof FIELDS)[number]['name'] | 'outcome' | 'since' | 'until', string>;
const EMPTY: Filters = { route: '', consumer: '', rule: '', clientIp: '', outcome: '', since: '', until: '' };

function queryOf(filters: Filters, idOf: (consumer: string) => string): string {
  const query = new URLSearchParams({ limit: '200' });
  for (const [name, value] of Object.entries(filters)) {
    if (value === '') continue;
    // datetime-local is local time without a zone: Date reads it as local, the API wants an instant.
    if (name === 'since' || name === 'until') query.set(name, String(new Date(value).getTime()));
    else query.set(name, name === 'consumer' ? idOf(value.trim()) : value.trim());
  }
  return `/events?${query}`;
}

export function EventsPage() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  // Consumers, to show names (the events carry ids) and to filter by name.
  const consumers = useApi<{ id: string; name: string }[]>('/consumers');
  const idOf = (consumer: string) => consumers.data?.find((each) => each.name === consumer)?.id ?? consumer;
  const { data, error, reload } = useApi<EventPage>(queryOf(applied, idOf), 10_000);
  // Whether the audit trail is on (its route is mounted only then).
  const trail = useApi<unknown>('/audit-trail?limit=1');
  const trailOn = trail.data !== undefined;
  const nameOf = (id: string | undefined) =>
    id === undefined ? '–' : (consumers.data?.find((each) => each.id === id)?.name ?? id);
  const field = (name: keyof Filters) => ({
    id: `filter-${name}`,
    name,
    value: draft[name],
    onInput: (event: Event) => setDraft({ ...draft, [name]: (event.target as HTMLInputElement).value }),
  });
  return (
    <>
      <form
        class="filters"
        aria-label="Filter events"
        onSubmit={(event) => {
          event.preventDefault();
          setApplied({ ...draft });
        }}
      >
        {FIELDS.map((each) => (
          <div class="field" key={each.name}>
            <label for={`filter-${each.name}`}>{each.label}</label>
            <input type="text" autocomplete="off" {...field(each.name)} />
          </div>
        ))}
        <div class="field">
          <label for="filter-outcome">Outcome</label>
          <select {...field('outcome')}>
            <option value="">any</option>
            <option value="denied">denied</option>
            <option value="would-deny">would-deny (monitor)</option>
            <option value="flagged">flagged</option>
          </select>
        </div>
        <div class="field">
          <label for="filter-since">From</label>
          <input type="datetime-local" step="1" {...field('since')} />
        </div>
        <div class="field">
          <label for="filter-until">To</label>
          <input type="datetime-local" step="1" {...field('until')} />
        </div>
        <div class="actions">
          <button type="submit">Apply filters</button>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setDraft(EMPTY);
              setApplied(EMPTY);
            }}
          >
            Clear
          </button>
          <button type="button" class="secondary" onClick={reload}>
            Refresh
          </button>
        </div>
      </form>
      {data === undefined ? (
        <Pending error={error} />
      ) : (
        <>
          <p class="lede" role="status" data-testid="event-count">
            {count(data.matched)} matching event{data.matched === 1 ? '' : 's'}
            {data.matched > data.events.length ? ` (the newest ${data.events.length} shown)` : ''}; the last{' '}
            {count(data.kept)} of {count(data.seen)} since start are kept.
          </p>
          <TableRegion label="Security events">
            <table class="events cards">
              <caption class="visually-hidden">Security events, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Route</th>
                  <th scope="col">Consumer / client IP</th>
                  <th scope="col">Policy / rule</th>
                  <th scope="col">Where</th>
                  <th scope="col">Evidence (redacted)</th>
                  <th scope="col">Request id</th>
                </tr>
              </thead>
              <tbody>
                {data.events.length === 0 ? (
                  <tr>
                    <td colSpan={8}>No events match.</td>
                  </tr>
                ) : (
                  data.events.map((event) => (
                    <tr key={event.seq} data-event={event.seq}>
                      <td data-label="Time" class="nowrap">
                        {when(event.time)}
                      </td>
                      <td data-label="Outcome">
                        <Badge tone={event.outcome}>{event.outcome}</Badge>
                      </td>
                      <td data-label="Route">{event.route}</td>
                      <td data-label="Consumer / IP" title={event.consumerId}>
                        {nameOf(event.consumerId)}
                        <div class="sub mono">{event.clientIp}</div>
                      </td>
                      <td data-label="Policy / rule" class="rule">
                        {event.policy}
                        {event.rule === undefined ? '' : ` · ${event.rule}`}
                        {event.code === undefined ? null : <div class="sub mono">{event.code}</div>}
                      </td>
                      <td data-label="Where" class="mono where">
                        {event.method === undefined ? null : (
                          <div>
                            {event.method} {event.path}
                          </div>
                        )}
                        <div class="sub">{event.location ?? '–'}</div>
                      </td>
                      <td data-label="Evidence" class="mono evidence">
                        {event.evidence ?? event.reason ?? '–'}
                      </td>
                      <td data-label="Request id" class="mono small request-id">
                        {event.requestId}
                        {event.traceId === undefined ? null : <div class="sub">trace {event.traceId}</div>}
                        {trailOn && event.outcome === 'denied' ? <AuditRecord event={event} /> : null}
                      </td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </TableRegion>
        </>
      )}
    </>
  );
}
