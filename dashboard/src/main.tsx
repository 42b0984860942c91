// The dashboard: a login screen, then one page at a time chosen by the URL fragment (#/overview …).
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { currentSession, logout, onSessionExpired, renew, type Session } from './api.ts';
import { Login } from './login.tsx';
import { ConfigPage } from './pages/config.tsx';
import { ConsumersPage } from './pages/consumers.tsx';
import { EventsPage } from './pages/events.tsx';
import { InventoryPage } from './pages/inventory.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { PosturePage } from './pages/posture.tsx';

const PAGES = [
  { id: 'overview', title: 'Overview' },
  { id: 'events', title: 'Security events' },
  { id: 'inventory', title: 'Inventory' },
  { id: 'consumers', title: 'Consumers & keys' },
  { id: 'posture', title: 'Posture' },
  { id: 'config', title: 'Config' },
] as const;
type PageId = (typeof PAGES)[number]['id'];

function pageFromHash(): PageId {
  const id = location.hash.replace(/^#\/?/, '');
  return PAGES.find((page) => page.id === id)?.id ?? 'overview';
}

function Page(props: { id: PageId; session: Session }) {
  switch (props.id) {
    case 'events':
      return <EventsPage />;
    case 'inventory':
      return <InventoryPage />;
    case 'consumers':
      return <ConsumersPage canWrite={props.session.scope === 'write'} />;
    case 'posture':
      return <PosturePage />;
    case 'config':
      return <ConfigPage />;
    default:
      return <OverviewPage />;
  }
}

function App() {
  const [session, setSession] = useState<Session | undefined>(currentSession);
  const [page, setPage] = useState<PageId>(pageFromHash);
  const [ended, setEnded] = useState(false);

  useEffect(() => {
    const follow = () => setPage(pageFromHash());
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  useEffect(
    () =>
      onSessionExpired(() => {
        setEnded(true);
        setSession(undefined);
      }),
    [],
  );
  // Use of the page (a key, a click, another page) renews the session, at most once a minute.
  useEffect(() => {
    if (session === undefined) return undefined;
    let used = false;
    const mark = () => {
      used = true;
    };
    addEventListener('keydown', mark);
    addEventListener('pointerdown', mark);
    addEventListener('hashchange', mark);
    const timer = setInterval(() => {
      if (!used) return;
      used = false;
      renew().catch(() => {
        // A refused renewal (401) already sent the page back to sign-in.
      });
    }, 60_000);
    return () => {
      clearInterval(timer);
      removeEventListener('keydown', mark);
      removeEventListener('pointerdown', mark);
      removeEventListener('hashchange', mark);
    };
  }, [session]);
  // The session also ends by its own clock, even with the tab idle.
  useEffect(() => {
    if (session === undefined) return undefined;
    const timer = setTimeout(
      () => {
        setEnded(true);
        setSession(undefined);
      },
      Math.max(0, session.expiresAt - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [session]);
  useEffect(() => {
    const title = PAGES.find((each) => each.id === page)?.title ?? '';
    document.title = session === undefined ? 'Sign in · Rampart' : `${title} · Rampart`;
  }, [page, session]);

  if (session === undefined) {
    return (
      <Login
        ended={ended}
        onSession={(opened) => {
          setEnded(false);
          setSession(opened);
        }}
      />
    );
  }
  const current = PAGES.find((each) => each.id === page)!;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Rampart</span>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((each) => (
              <li key={each.id}>
                <a href={`#/${each.id}`} aria-current={each.id === page ? 'page' : undefined}>
                  {each.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">
          <span class={`badge badge-${session.scope === 'write' ? 'admin' : 'read'}`}>
            {session.scope === 'write' ? 'admin' : 'read-only'}
          </span>
          <button
            type="button"
            class="link"
            onClick={() => {
              logout().finally(() => setSession(undefined));
            }}
          >
            Sign out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        <h1>{current.title}</h1>
        <Page id={page} session={session} />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
