// Config: the running version, the last reloads and refusals, the routes and upstreams it serves.
import { when } from '../format.ts';
import { Badge, Pending, TableRegion, useApi } from '../ui.tsx';

interface ConfigState {
  version: number;
  reloads: { time: number; result: 'success' | 'failure'; detail: string }[];
  routes: { name: string; path: string; methods: string[] | null; upstream: string; policies: string[] }[];
  upstreams: { name: string; targets: { url: string; weight: number }[] }[];
}

export function ConfigPage() {
  const { data, error } = useApi<ConfigState>('/config', 10_000);
  if (data === undefined) return <Pending error={error} />;
  const refused = data.reloads.filter((reload) => reload.result === 'failure').length;
  return (
    <>
      <dl class="stats">
        <div class="stat" data-stat="version">
          <dt>Running version</dt>
          <dd>{data.version}</dd>
        </div>
        <div class="stat" data-stat="routes">
          <dt>Routes</dt>
          <dd>{data.routes.length}</dd>
        </div>
        <div class="stat" data-stat="refusals">
          <dt>Refused reloads</dt>
          <dd>{refused}</dd>
        </div>
      </dl>
      <h2 id="reloads-title">Loads and reloads</h2>
      <TableRegion label="Loads and reloads, newest first">
        <table aria-labelledby="reloads-title" class="cards">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Result</th>
              <th scope="col">Version or reason</th>
            </tr>
          </thead>
          <tbody>
            {data.reloads.map((reload, index) => (
              <tr key={`${reload.time}-${index}`} data-reload={reload.result}>
                <td class="nowrap" data-label="Time">
                  {when(reload.time)}
                </td>
                <td data-label="Result">
                  <Badge tone={reload.result === 'success' ? 'active' : 'revoked'}>
                    {reload.result === 'success' ? 'loaded' : 'refused'}
                  </Badge>
                </td>
                <td class="pre" data-label="Detail">
                  {reload.detail}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
      <h2 id="routes-title">Routes</h2>
      <TableRegion label="Routes">
        <table aria-labelledby="routes-title" class="cards">
          <thead>
            <tr>
              <th scope="col">Route</th>
              <th scope="col">Match</th>
              <th scope="col">Upstream</th>
              <th scope="col">Policies</th>
            </tr>
          </thead>
          <tbody>
            {data.routes.map((route) => (
              <tr key={route.name}>
                <th scope="row">{route.name}</th>
                <td class="mono" data-label="Match">
                  {(route.methods ?? ['*']).join(',')} {route.path}
                </td>
                <td data-label="Upstream">{route.upstream}</td>
                <td class="small" data-label="Policies">
                  {route.policies.join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
      <h2 id="upstreams-title">Upstreams</h2>
      <TableRegion label="Upstreams">
        <table aria-labelledby="upstreams-title">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Targets</th>
            </tr>
          </thead>
          <tbody>
            {data.upstreams.map((upstream) => (
              <tr key={upstream.name}>
                <th scope="row">{upstream.name}</th>
                <td class="mono">
                  {upstream.targets.map((target) => (
                    <div key={target.url}>
                      {target.url}
                      {upstream.targets.length > 1 ? ` (weight ${target.weight})` : ''}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
    </>
  );
}
