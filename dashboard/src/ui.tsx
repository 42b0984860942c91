// Small shared pieces: data loading with polling, a scrollable table region, status messages, badges.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from './api.ts';

/** What a load hook gives: data once loaded, the last error, and a reload function. */
export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  /** The HTTP status of the last failure, when the API answered. */
  readonly status: number | undefined;
  reload(): void;
}

/** GETs `path` now and every `everyMs` (when given) while mounted and the tab is visible; nothing when undefined. */
export function useApi<T>(path: string | undefined, everyMs?: number): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<number | undefined>(undefined);
  const generation = useRef(0);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    if (path === undefined) return;
    api<T>('GET', path).then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(undefined);
        setStatus(undefined);
      },
      (failure: unknown) => {
        if (mine !== generation.current) return;
        setError(failure instanceof ApiError ? failure.message : String(failure));
        setStatus(failure instanceof ApiError ? failure.status : undefined);
      },
    );
  }, [path]);
  useEffect(() => {
    reload();
    if (everyMs === undefined) return undefined;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, everyMs);
    return () => clearInterval(timer);
  }, [reload, everyMs]);
  return { data, error, status, reload };
}

/** A table inside a labelled region that scrolls sideways on narrow screens (and by keyboard). */
export function TableRegion(props: { label: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
    <section class="table-region" aria-label={props.label} tabIndex={0}>
      {props.children}
    </section>
  );
}

/** An error or status line, announced to screen readers. */
export function Notice(props: { kind: 'error' | 'info'; children: ComponentChildren }) {
  return (
    <p class={`notice notice-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </p>
  );
}

/** A coloured word (severity, outcome, status); the text carries the meaning, the colour repeats it. */
export function Badge(props: { tone: string; children: ComponentChildren }) {
  return <span class={`badge badge-${props.tone}`}>{props.children}</span>;
}

/** A page's loading/error state before its data arrives. */
export function Pending(props: { error: string | undefined }) {
  return props.error === undefined ? (
    <Notice kind="info">Loading…</Notice>
  ) : (
    <Notice kind="error">{props.error}</Notice>
  );
}
