// Inventory: the endpoints learned from traffic with their badges (shadow, zombie, unauthenticated,
// sensitive) and the comparison with the contracts (shadow, zombie, unused, drift).
import { useEffect } from 'preact/hooks';
import { count, millis, when } from '../format.ts';
import { Badge, Notice, Pending, TableRegion, useApi } from '../ui.tsx';

interface EndpointSummary {
  method: string;
  template: string;
  documented: boolean;
  count: number;
  statuses: Record<string, number>;
  gatewayStatuses: Record<string, number>;
  authenticated: number;
  anonymous: number;
  consumers: number;
  sensitive: { request: string[]; response: string[] };
  lastSeen: string;
  latencyMs: { p50: number; p95: number; max: number };
}
interface Ref {
  method: string;
  template: string;
  count: number;
  lastSeen: number;
}
interface InventoryDiff {
  specs: string[];
  shadow: Ref[];
  zombie: (Ref & { reason: string; by?: string })[];
  unused: { method: string; template: string; operationId?: string; spec: string }[];
  drift: { method: string; template: string; location: string; name: string; seen: number }[];
  unauthenticated: (Ref & { anonymousOk: number })[];
  sensitive: (Ref & { types: string[]; anonymous: boolean })[];
}

const keyOf = (method: string, template: string) => `${method} ${template}`;

export function InventoryPage() {
  const list = useApi<{ endpoints: EndpointSummary[] }>('/inventory', 15_000);
  const diff = useApi<InventoryDiff>('/inventory/diff');
  // The comparison follows the list, so both describe the same learned endpoints.
  const reloadDiff = diff.reload;
  useEffect(() => reloadDiff(), [list.data, reloadDiff]);
  if (list.status === 404) {
    return (
      <Notice kind="info">
        The inventory is off. Add an <code>inventory:</code> section to the config to learn endpoints from the
        traffic (see docs/inventory.md).
      </Notice>
    );
  }
  if (list.data === undefined || diff.data === undefined) return <Pending error={list.error ?? diff.error} />;
  const { endpoints } = list.data;
  const d = diff.data;
  const shadow = new Set(d.shadow.map((e) => keyOf(e.method, e.template)));
  const zombie = new Map(d.zombie.map((e) => [keyOf(e.method, e.template), e]));
  const unauthenticated = new Set(d.unauthenticated.map((e) => keyOf(e.method, e.template)));
  return (
    <>
      <p class="lede">
        {count(endpoints.length)} endpoints learned from the traffic, compared with{' '}
        {d.specs.length === 0 ? 'no contract' : d.specs.join(', ')}.
      </p>
      <dl class="stats">
        <div class="stat" data-stat="shadow">
          <dt>Shadow (undocumented)</dt>
          <dd>{d.shadow.length}</dd>
        </div>
        <div class="stat" data-stat="zombie">
          <dt>Zombie (deprecated, still called)</dt>
          <dd>{d.zombie.length}</dd>
        </div>
        <div class="stat" data-stat="unauthenticated">
          <dt>Answered without credentials</dt>
          <dd>{d.unauthenticated.length}</dd>
        </div>
        <div class="stat" data-stat="sensitive">
          <dt>Sensitive data out</dt>
          <dd>{d.sensitive.length}</dd>
        </div>
      </dl>
      <h2 id="endpoints-title">Endpoints</h2>
      <TableRegion label="Endpoints learned from traffic">
        <table aria-labelledby="endpoints-title" class="cards">
          <thead>
            <tr>
              <th scope="col">Endpoint</th>
              <th scope="col">Badges</th>
              <th scope="col" class="num">
                Calls
              </th>
              <th scope="col">Statuses</th>
              <th scope="col" class="num">
                Consumers
              </th>
              <th scope="col" class="num">
                p50
              </th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {endpoints.length === 0 ? (
              <tr>
                <td colSpan={7}>No endpoint learned yet.</td>
              </tr>
            ) : (
              endpoints.map((endpoint) => {
                const key = keyOf(endpoint.method, endpoint.template);
                const z = zombie.get(key);
                return (
                  <tr key={key} data-endpoint={key}>
                    <th scope="row" class="mono">
                      {key}
                    </th>
                    <td data-label="Badges" class="badges">
                      {shadow.has(key) ? <Badge tone="high">shadow</Badge> : null}
                      {!shadow.has(key) && !endpoint.documented ? (
                        <Badge tone="low">undocumented</Badge>
                      ) : null}
                      {z === undefined ? null : <Badge tone="medium">zombie ({z.reason})</Badge>}
                      {unauthenticated.has(key) ? <Badge tone="high">unauthenticated</Badge> : null}
                      {endpoint.sensitive.response.length === 0 ? null : (
                        <Badge tone="medium">sensitive out: {endpoint.sensitive.response.join(', ')}</Badge>
                      )}
                      {endpoint.sensitive.request.length === 0 ? null : (
                        <Badge tone="low">sensitive in: {endpoint.sensitive.request.join(', ')}</Badge>
                      )}
                    </td>
                    <td data-label="Calls" class="num">
                      {count(endpoint.count)}
                    </td>
                    <td data-label="Statuses" class="small">
                      {Object.entries(endpoint.statuses)
                        .map(([status, n]) => `${status}×${n}`)
                        .join(' ')}
                      {Object.keys(endpoint.gatewayStatuses).length === 0 ? null : (
                        <div class="sub">
                          gateway:{' '}
                          {Object.entries(endpoint.gatewayStatuses)
                            .map(([status, n]) => `${status}×${n}`)
                            .join(' ')}
                        </div>
                      )}
                    </td>
                    <td data-label="Consumers" class="num">
                      {endpoint.consumers}
                    </td>
                    <td data-label="p50" class="num">
                      {millis(endpoint.latencyMs.p50)}
                    </td>
                    <td data-label="Last seen" class="nowrap">
                      {when(endpoint.lastSeen)}
                    </td>
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      </TableRegion>
      <h2>Against the contract</h2>
      <h3>Documented, never called ({d.unused.length})</h3>
      {d.unused.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul class="plain" data-list="unused">
          {d.unused.map((each) => (
            <li key={keyOf(each.method, each.template)} class="mono">
              {each.method} {each.template}
              {each.operationId === undefined ? '' : ` (${each.operationId})`}
            </li>
          ))}
        </ul>
      )}
      <h3>Drift: seen but not declared ({d.drift.length})</h3>
      {d.drift.length === 0 ? (
        <p>None.</p>
      ) : (
        <TableRegion label="Drift">
          <table>
            <thead>
              <tr>
                <th scope="col">Endpoint</th>
                <th scope="col">Where</th>
                <th scope="col">Name</th>
                <th scope="col" class="num">
                  Seen
                </th>
              </tr>
            </thead>
            <tbody>
              {d.drift.map((each) => (
                <tr key={`${each.method} ${each.template} ${each.location} ${each.name}`}>
                  <th scope="row" class="mono">
                    {each.method} {each.template}
                  </th>
                  <td>{each.location}</td>
                  <td class="mono">{each.name}</td>
                  <td class="num">{count(each.seen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  );
}
