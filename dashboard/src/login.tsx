// Sign in: the admin token (or the read-only one) is exchanged for a session and then forgotten.
import { useState } from 'preact/hooks';
import { ApiError, login, type Session } from './api.ts';
import { Notice } from './ui.tsx';

export function Login(props: { ended: boolean; onSession: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const session = await login(token.trim());
      setToken('');
      props.onSession(session);
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 401
          ? 'That token is not accepted.'
          : `Sign-in failed: ${failure instanceof Error ? failure.message : String(failure)}`,
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="login">
      <h1>Rampart</h1>
      <p>Sign in with the admin token, or the read-only token to look without changing anything.</p>
      {props.ended ? <Notice kind="info">Your session has ended. Sign in again.</Notice> : null}
      <form onSubmit={submit}>
        <label for="token">Admin token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={token}
          onInput={(event) => setToken((event.target as HTMLInputElement).value)}
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      {error === undefined ? null : <Notice kind="error">{error}</Notice>}
      <p class="hint">
        The token is sent once to open a session that ends after 15 minutes without use (8 hours at most);
        only that session is kept, in this tab.
      </p>
    </main>
  );
}
