// Number and time formats shared by the pages.

/** 0.1234 → "12.3%". */
export function percent(rate: number): string {
  return `${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 2 : 1)}%`;
}

/** Milliseconds → "3.2 ms" / "1.25 s"; null → "–". */
export function millis(ms: number | null): string {
  if (ms === null) return '–';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(0)} ms`;
}

/** An integer with thousands separators. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Epoch milliseconds or an ISO string → "2026-12-03 10:58:49" in local time. */
export function when(time: number | string | null | undefined): string {
  if (time === null || time === undefined) return '–';
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return '–';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
