// Consumers & keys: consumers and their API keys; with the admin scope, create consumers, issue keys,
// rotate them with a grace period and revoke them. A new key is shown once, with a copy button.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../api.ts';
import { when } from '../format.ts';
import { Badge, Notice, Pending, TableRegion, useApi } from '../ui.tsx';

interface Consumer {
  id: string;
  name: string;
  roles: string[];
  enabled: boolean;
  createdAt: string;
}
interface ApiKey {
  id: string;
  prefix: string;
  consumerId: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  replacedBy: string | null;
  status: 'active' | 'expired' | 'revoked';
  key?: string;
}

const messageOf = (failure: unknown) => (failure instanceof ApiError ? failure.message : String(failure));

/** The key just issued: shown once, with a copy button; gone when dismissed. */
function NewKey(props: { issued: ApiKey; consumerName: string; onDone: () => void }) {
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<string | undefined>(undefined);
  useEffect(() => field.current?.focus(), []);
  return (
    <section class="new-key" aria-labelledby="new-key-title">
      <h2 id="new-key-title">New key for {props.consumerName}</h2>
      <p>Copy it now: it is shown this once and cannot be read again.</p>
      <label for="new-key-value">API key</label>
      <div class="copy-row">
        <input id="new-key-value" ref={field} readOnly value={props.issued.key ?? ''} class="mono" />
        <button
          type="button"
          onClick={() => {
            field.current?.select();
            navigator.clipboard.writeText(props.issued.key ?? '').then(
              () => setCopied('Copied to the clipboard.'),
              () => setCopied('The browser refused the clipboard: select the key and copy it.'),
            );
          }}
        >
          Copy
        </button>
        <button type="button" class="secondary" onClick={props.onDone}>
          Done
        </button>
      </div>
      {copied === undefined ? null : <Notice kind="info">{copied}</Notice>}
    </section>
  );
}

function Keys(props: {
  consumer: Consumer;
  canWrite: boolean;
  onIssued: (key: ApiKey) => void;
  refresh: number;
}) {
  const { data, error, reload } = useApi<ApiKey[]>(
    `/consumers/${encodeURIComponent(props.consumer.id)}/keys`,
  );
  const [grace, setGrace] = useState('24h');
  const [confirming, setConfirming] = useState<string | undefined>(undefined);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  // A new refresh number (a key was issued) asks for a reload.
  useEffect(() => reload(), [props.refresh]);
  const act = async (call: () => Promise<unknown>) => {
    setFailure(undefined);
    try {
      await call();
    } catch (error) {
      setFailure(messageOf(error));
    }
    setConfirming(undefined);
    reload();
  };
  const issue = () =>
    act(async () =>
      props.onIssued(
        await api<ApiKey>('POST', `/consumers/${encodeURIComponent(props.consumer.id)}/keys`, {}),
      ),
    );
  const rotate = (key: ApiKey) =>
    act(async () =>
      props.onIssued(await api<ApiKey>('POST', `/keys/${encodeURIComponent(key.id)}/rotate`, { grace })),
    );
  const revoke = (key: ApiKey) => act(() => api('POST', `/keys/${encodeURIComponent(key.id)}/revoke`, {}));
  return (
    <section aria-labelledby="keys-title" class="keys">
      <h2 id="keys-title">Keys of {props.consumer.name}</h2>
      {props.canWrite ? (
        <div class="toolbar">
          <button type="button" onClick={issue}>
            Issue a key
          </button>
          <label for="grace">Grace period when rotating</label>
          <select
            id="grace"
            value={grace}
            onChange={(event) => setGrace((event.target as HTMLSelectElement).value)}
          >
            <option value="1h">1 hour</option>
            <option value="24h">24 hours</option>
            <option value="7d">7 days</option>
          </select>
        </div>
      ) : null}
      {failure === undefined ? null : <Notice kind="error">{failure}</Notice>}
      {data === undefined ? (
        <Pending error={error} />
      ) : (
        <TableRegion label={`API key list of ${props.consumer.name}`}>
          <table>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Revoked at</th>
                {props.canWrite ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {data.length === 0 ? (
                <tr>
                  <td colSpan={6}>No keys.</td>
                </tr>
              ) : (
                data.map((key) => (
                  <tr key={key.id} data-key={key.id}>
                    <th scope="row" class="mono">
                      {key.prefix}
                    </th>
                    <td>
                      <Badge tone={key.status}>{key.status}</Badge>
                      {key.replacedBy !== null && key.status === 'active' ? (
                        <div class="sub">rotated: in grace</div>
                      ) : null}
                    </td>
                    <td class="nowrap">{when(key.createdAt)}</td>
                    <td class="nowrap">{when(key.expiresAt)}</td>
                    <td class="nowrap">{when(key.revokedAt)}</td>
                    {props.canWrite ? (
                      <td class="nowrap">
                        {key.status === 'active' && key.replacedBy === null ? (
                          <>
                            <button
                              type="button"
                              class="small"
                              onClick={() => rotate(key)}
                              aria-label={`Rotate ${key.prefix}`}
                            >
                              Rotate
                            </button>{' '}
                            {confirming === key.id ? (
                              <button
                                type="button"
                                class="small danger"
                                onClick={() => revoke(key)}
                                aria-label={`Confirm revoking ${key.prefix}`}
                              >
                                Confirm revoke
                              </button>
                            ) : (
                              <button
                                type="button"
                                class="small secondary"
                                onClick={() => setConfirming(key.id)}
                                aria-label={`Revoke ${key.prefix}`}
                              >
                                Revoke
                              </button>
                            )}
                          </>
                        ) : (
                          '–'
                        )}
                      </td>
                    ) : null}
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </TableRegion>
      )}
    </section>
  );
}

function CreateConsumer(props: { onCreated: (consumer: Consumer) => void }) {
  const [name, setName] = useState('');
  const [roles, setRoles] = useState('');
  const [failure, setFailure] = useState<string | undefined>(undefined);
  return (
    <form
      class="inline-form"
      aria-label="Create a consumer"
      onSubmit={async (event) => {
        event.preventDefault();
        setFailure(undefined);
        try {
          const list = roles
            .split(',')
            .map((role) => role.trim())
            .filter((role) => role !== '');
          const consumer = await api<Consumer>('POST', '/consumers', { name: name.trim(), roles: list });
          setName('');
          setRoles('');
          props.onCreated(consumer);
        } catch (error) {
          setFailure(messageOf(error));
        }
      }}
    >
      <div class="field">
        <label for="consumer-name">Name</label>
        <input
          id="consumer-name"
          required
          value={name}
          autocomplete="off"
          onInput={(event) => setName((event.target as HTMLInputElement).value)}
        />
      </div>
      <div class="field">
        <label for="consumer-roles">Roles (comma separated)</label>
        <input
          id="consumer-roles"
          value={roles}
          autocomplete="off"
          onInput={(event) => setRoles((event.target as HTMLInputElement).value)}
        />
      </div>
      <div class="actions">
        <button type="submit">Create consumer</button>
      </div>
      {failure === undefined ? null : <Notice kind="error">{failure}</Notice>}
    </form>
  );
}

export function ConsumersPage(props: { canWrite: boolean }) {
  const { data, error, reload } = useApi<Consumer[]>('/consumers');
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [issued, setIssued] = useState<ApiKey | undefined>(undefined);
  const [refresh, setRefresh] = useState(0);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  // Disabling is announced to every instance: the consumer's keys stop working at once.
  const toggle = (consumer: Consumer) => {
    setFailure(undefined);
    api('PATCH', `/consumers/${encodeURIComponent(consumer.id)}`, { enabled: !consumer.enabled }).then(
      () => reload(),
      (error: unknown) => setFailure(messageOf(error)),
    );
  };
  if (data === undefined) return <Pending error={error} />;
  const consumer = data.find((each) => each.id === selected);
  return (
    <>
      {props.canWrite ? (
        <CreateConsumer
          onCreated={(created) => {
            reload();
            setSelected(created.id);
          }}
        />
      ) : (
        <Notice kind="info">Signed in read-only: you can look at consumers and keys, not change them.</Notice>
      )}
      {failure === undefined ? null : <Notice kind="error">{failure}</Notice>}
      <TableRegion label="Consumers">
        <table>
          <caption class="visually-hidden">Consumers</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Keys</th>
              <th scope="col">Roles</th>
              <th scope="col">Enabled</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {data.map((each) => (
              <tr
                key={each.id}
                data-consumer={each.name}
                class={each.id === selected ? 'selected' : undefined}
              >
                <th scope="row">
                  {each.name}
                  <div class="sub mono">{each.id}</div>
                </th>
                <td>
                  <button
                    type="button"
                    class="small secondary"
                    onClick={() => setSelected(each.id)}
                    aria-label={`Keys of ${each.name}`}
                  >
                    Keys
                  </button>
                </td>
                <td>{each.roles.join(', ') || '–'}</td>
                <td>
                  {each.enabled ? 'yes' : <Badge tone="revoked">disabled</Badge>}
                  {props.canWrite ? (
                    <div>
                      <button
                        type="button"
                        class="small secondary"
                        onClick={() => toggle(each)}
                        aria-label={`${each.enabled ? 'Disable' : 'Enable'} ${each.name}`}
                      >
                        {each.enabled ? 'Disable' : 'Enable'}
                      </button>
                    </div>
                  ) : null}
                </td>
                <td class="nowrap">{when(each.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
      {issued === undefined ? null : (
        <NewKey
          issued={issued}
          consumerName={data.find((each) => each.id === issued.consumerId)?.name ?? issued.consumerId}
          onDone={() => {
            setIssued(undefined);
          }}
        />
      )}
      {consumer === undefined ? null : (
        <Keys
          key={consumer.id}
          consumer={consumer}
          canWrite={props.canWrite}
          refresh={refresh}
          onIssued={(key) => {
            setIssued(key);
            setRefresh(refresh + 1);
          }}
        />
      )}
    </>
  );
}
