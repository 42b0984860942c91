// Overview: the last hour of traffic, live (polled every 5 s): totals, per-minute charts, per route.
import { useState } from 'preact/hooks';
import { LineChart } from '../chart.tsx';
import { count, millis, percent } from '../format.ts';
import { Pending, TableRegion, useApi } from '../ui.tsx';

interface Figures {
  requests: number;
  errors: number;
  blocked: number;
  errorRate: number;
  blockRate: number;
  p50: number | null;
  p99: number | null;
}
interface Traffic {
  now: number;
  route: string | null;
  minutes: number;
  totals: Figures;
  series: (Figures & { time: number })[];
  routes: (Figures & { route: string })[];
}

export const POLL_MS = 5000;

function Stat(props: { label: string; value: string; id: string }) {
  return (
    <div class="stat" data-stat={props.id}>
      <dt>{props.label}</dt>
      <dd>{props.value}</dd>
    </div>
  );
}

export function OverviewPage() {
  const [route, setRoute] = useState('');
  const { data, error } = useApi<Traffic>('/traffic?minutes=60', POLL_MS);
  // One route's figures and charts, when one is chosen (the table always lists every route).
  const one = useApi<Traffic>(
    route === '' ? undefined : `/traffic?minutes=60&route=${encodeURIComponent(route)}`,
    POLL_MS,
  );
  if (data === undefined) return <Pending error={error} />;
  const { routes } = data;
  const shown = route !== '' && one.data?.route === route ? one.data : data;
  const { totals, series } = shown;
  const times = series.map((point) => point.time);
  return (
    <>
      <p class="lede">
        The last hour, minute by minute; refreshed every {POLL_MS / 1000} seconds.
        {error === undefined ? '' : ` (Last refresh failed: ${error})`}
      </p>
      <div class="toolbar">
        <label for="overview-route">Figures and charts for</label>
        <select
          id="overview-route"
          value={route}
          onChange={(event) => setRoute((event.target as HTMLSelectElement).value)}
        >
          <option value="">every route</option>
          {routes.map((each) => (
            <option key={each.route} value={each.route}>
              route {each.route}
            </option>
          ))}
        </select>
      </div>
      <dl class="stats">
        <Stat id="requests" label="Requests" value={count(totals.requests)} />
        <Stat id="error-rate" label="Error rate (5xx)" value={percent(totals.errorRate)} />
        <Stat id="block-rate" label="Blocked by policies" value={percent(totals.blockRate)} />
        <Stat id="p50" label="Latency p50" value={millis(totals.p50)} />
        <Stat id="p99" label="Latency p99" value={millis(totals.p99)} />
      </dl>
      <div class="charts">
        <section aria-labelledby="chart-requests">
          <h2 id="chart-requests">Requests per minute</h2>
          <LineChart
            label={`Requests per minute over the last hour: ${totals.requests} in all, ${totals.blocked} blocked, ${totals.errors} errors`}
            times={times}
            unit="requests"
            series={[
              { label: 'requests', color: '#1f5fa8', values: series.map((p) => p.requests) },
              { label: 'blocked', color: '#b35900', values: series.map((p) => p.blocked) },
              { label: 'errors', color: '#b3261e', values: series.map((p) => p.errors), dash: [6, 4] },
            ]}
          />
        </section>
        <section aria-labelledby="chart-latency">
          <h2 id="chart-latency">Latency</h2>
          <LineChart
            label={`Latency per minute over the last hour: p50 ${millis(totals.p50)}, p99 ${millis(totals.p99)}`}
            times={times}
            unit="ms"
            series={[
              { label: 'p50', color: '#1b7f3b', values: series.map((p) => p.p50), points: true },
              {
                label: 'p99',
                color: '#6a3ea1',
                values: series.map((p) => p.p99),
                dash: [6, 4],
                points: true,
              },
            ]}
          />
        </section>
      </div>
      <h2 id="per-route">Per route</h2>
      <TableRegion label="Traffic per route">
        <table aria-labelledby="per-route">
          <thead>
            <tr>
              <th scope="col">Route</th>
              <th scope="col" class="num">
                Requests
              </th>
              <th scope="col" class="num">
                Error rate
              </th>
              <th scope="col" class="num">
                Block rate
              </th>
              <th scope="col" class="num">
                p50
              </th>
              <th scope="col" class="num">
                p99
              </th>
            </tr>
          </thead>
          <tbody>
            {routes.length === 0 ? (
              <tr>
                <td colSpan={6}>No requests in the last hour.</td>
              </tr>
            ) : (
              routes.map((route) => (
                <tr key={route.route} data-route={route.route}>
                  <th scope="row">{route.route}</th>
                  <td class="num">{count(route.requests)}</td>
                  <td class="num">{percent(route.errorRate)}</td>
                  <td class="num">{percent(route.blockRate)}</td>
                  <td class="num">{millis(route.p50)}</td>
                  <td class="num">{millis(route.p99)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </TableRegion>
    </>
  );
}
