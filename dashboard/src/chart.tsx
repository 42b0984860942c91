// A uPlot line chart that follows its container's width; described by a label, since the numbers are
// also in a table next to it.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
  readonly dash?: readonly number[];
  /** Draw each point (for series with gaps, where a lone minute would draw no line). */
  readonly points?: boolean;
}

export function LineChart(props: {
  label: string;
  times: readonly number[];
  series: readonly ChartSeries[];
  unit: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = props.series.map((each) => each.label).join('\n');

  // (Re)create the chart when its series change; data updates go through setData.
  useEffect(() => {
    const element = host.current;
    if (element === null) return undefined;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 200),
      height: 220,
      // Counts and latencies start at zero, so a flat line is not magnified into a cliff.
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [{ stroke: '#333' }, { stroke: '#333', label: props.unit, size: 60 }],
      legend: { show: true },
      series: [
        {},
        ...props.series.map((each) => ({
          label: each.label,
          stroke: each.color,
          width: 2,
          ...(each.dash === undefined ? {} : { dash: [...each.dash] }),
          ...(each.points === true ? { points: { show: true, size: 7, fill: each.color } } : {}),
          spanGaps: false,
        })),
      ],
    };
    const chart = new uPlot(options, [[], ...props.series.map(() => [])], element);
    plot.current = chart;
    const observer = new ResizeObserver(() =>
      chart.setSize({ width: Math.max(element.clientWidth, 200), height: 220 }),
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData([
      props.times.map((time) => time / 1000),
      ...props.series.map((each) => [...each.values]),
    ] as uPlot.AlignedData);
  });

  return <div class="chart" ref={host} role="img" aria-label={props.label} />;
}
