// Account settings for administrators (A2, A6–A8, A11, B1): name, custom CSS,
// who may create rooms, the join link, people and bots.
import { useEffect, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { api, errorMessage } from "../api/client";
import type { Bot, User } from "../api/types";
import { roomTitle } from "../lib/format";
import { store, useAppState } from "../state/store";
import { absoluteUrl, Avatar, CopyButton, Empty, ErrorNote, Field, LinkShare, Loading, Panel, Switch, TextArea, useConfirm } from "./common";
import { BotIcon, CrownIcon, RotateIcon } from "./icons";
import { PictureEditor } from "./picture";

export function AccountSettings() {
  const me = useAppState((s) => s.me);
  if (me?.role !== "administrator") {
    return (
      <Panel title="Account settings">
        <Empty title="Only administrators can change account settings">
          <p>
            Your own settings are in <Link to="/me">your profile</Link>.
          </p>
        </Empty>
      </Panel>
    );
  }
  return (
    <Panel title="Account settings" wide>
      <AccountForm />
      <JoinLink />
      <People />
      <Bots />
    </Panel>
  );
}

function AccountForm() {
  const account = useAppState((s) => s.account);
  const features = useAppState((s) => s.features);
  const [name, setName] = useState(account?.name ?? "");
  const [css, setCss] = useState(account?.custom_css ?? "");
  const [state, setState] = useState<{ error?: string; saved?: boolean; busy?: boolean }>({});
  const [switchError, setSwitchError] = useState("");

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setState({ busy: true });
    try {
      const r = await api.updateAccount({ name: name.trim(), custom_css: css });
      store.dispatch({ type: "accountUpdated", account: r.account });
      setState({ saved: true });
    } catch (err) {
      setState({ error: errorMessage(err) });
    }
  };

  const toggleOnlyAdmins = async (v: boolean) => {
    setSwitchError("");
    try {
      const r = await api.updateAccount({ only_admins_create_rooms: v });
      store.dispatch({ type: "accountUpdated", account: r.account });
    } catch (err) {
      setSwitchError(errorMessage(err));
    }
  };

  return (
    <>
      <form className="form section" onSubmit={submit} aria-labelledby="acct-title">
        <h2 id="acct-title" className="section-title">
          Your Campfire
        </h2>
        <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required />
        {features.avatars ? (
          <div className="field">
            <span className="field__label">Logo</span>
            <PictureEditor
              label="Logo"
              round={false}
              preview={<img className="logo-preview" src={account?.logo_url ?? "/icons/icon-192.png"} alt="" width={72} height={72} />}
              hasPicture={!!account?.logo_url}
              onSave={async (picture) => store.dispatch({ type: "accountUpdated", account: (await api.setLogo(picture)).account })}
              onRemove={async () => store.dispatch({ type: "accountUpdated", account: (await api.removeLogo()).account })}
            />
            <span className="field__hint">The tab's icon, the installed app's icon and the icon of notifications.</span>
          </div>
        ) : null}
        <TextArea
          label="Custom CSS"
          value={css}
          onChange={(e) => setCss(e.target.value)}
          rows={5}
          spellCheck={false}
          className="code-input"
          hint="Added to every page for everyone. Handy for a brand colour: :root { --accent: #b5451b; }"
        />
        <ErrorNote>{state.error}</ErrorNote>
        <div className="form__actions">
          <button type="submit" className="btn btn--primary" disabled={state.busy}>
            Save
          </button>
          {state.saved ? (
            <span className="saved" role="status">
              Saved
            </span>
          ) : null}
        </div>
      </form>
      <section className="section" aria-labelledby="rooms-policy-title">
        <h2 id="rooms-policy-title" className="section-title">
          Rooms
        </h2>
        <Switch
          label="Only administrators can create rooms"
          checked={!!account?.only_admins_create_rooms}
          onChange={toggleOnlyAdmins}
          description="Everyone can still start Pings."
        />
        <ErrorNote>{switchError}</ErrorNote>
      </section>
    </>
  );
}

function JoinLink() {
  const [path, setPath] = useState<string | null>(null);
  const [error, setError] = useState("");
  const [confirm, confirmDialog] = useConfirm();
  useEffect(() => {
    api
      .account()
      .then((r) => setPath(r.join_path))
      .catch((e) => setError(errorMessage(e)));
  }, []);
  const rotate = async () => {
    const ok = await confirm({
      title: "Make a new join link?",
      body: "The current link stops working right away. People who already joined aren't affected.",
      confirm: "Make a new link",
    });
    if (!ok) return;
    try {
      setPath((await api.rotateJoinCode()).join_path);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <section className="section" aria-labelledby="join-title">
      <h2 id="join-title" className="section-title">
        Invite people
      </h2>
      <p className="muted">Anyone with this link can join as a member.</p>
      {path ? (
        <LinkShare url={absoluteUrl(path)} title="Join link" qrLabel="QR code of the join link" />
      ) : error ? null : (
        <Loading label="Loading the join link…" />
      )}
      <ErrorNote>{error}</ErrorNote>
      <button type="button" className="btn btn--small" onClick={rotate}>
        <RotateIcon size={16} /> Make a new link
      </button>
      {confirmDialog}
    </section>
  );
}

function People() {
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me);
  const [error, setError] = useState("");
  const [banned, setBanned] = useState<User[]>([]);
  const [confirm, confirmDialog] = useConfirm();
  // A8: banned people stay listed, with Unban, also after a reload.
  useEffect(() => {
    let live = true;
    api
      .bannedUsers()
      .then((r) => live && setBanned(r.users))
      .catch((e) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, []);
  const people = Object.values(users)
    .filter((u) => u.active && u.role !== "bot")
    .sort((a, b) => a.name.localeCompare(b.name));

  const run = async (f: () => Promise<void>) => {
    setError("");
    try {
      await f();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <section className="section" aria-labelledby="people-title">
      <h2 id="people-title" className="section-title">
        People
      </h2>
      <ErrorNote>{error}</ErrorNote>
      <ul className="admin-list">
        {people.map((u) => (
          <li key={u.id} className="admin-list__row">
            <Link to={`/users/${u.id}`} className="admin-list__who">
              <Avatar user={u} size={28} />
              <span>
                {u.name}
                {u.id === me?.id ? " (you)" : ""}
              </span>
              {u.email ? <span className="muted admin-list__email">{u.email}</span> : null}
            </Link>
            <div className="admin-list__actions">
              <Switch
                label="Administrator"
                checked={u.role === "administrator"}
                disabled={u.id === me?.id}
                onChange={(v) =>
                  void run(async () => {
                    const r = await api.setRole(u.id, v ? "administrator" : "member");
                    store.dispatch({ type: "userUpsert", user: r.user });
                  })
                }
              >
                <CrownIcon size={16} />
              </Switch>
              {u.id !== me?.id ? (
                <>
                  <button
                    type="button"
                    className="btn btn--small"
                    aria-label={`Remove ${u.name}`}
                    onClick={async () => {
                      const ok = await confirm({
                        title: `Remove ${u.name}?`,
                        body: "They're signed out everywhere and leave every room. Their messages stay.",
                        confirm: "Remove",
                        danger: true,
                      });
                      if (ok)
                        await run(async () => {
                          await api.deactivate(u.id);
                          store.dispatch({ type: "userUpsert", user: { ...u, active: false } });
                        });
                    }}
                  >
                    Remove
                  </button>
                  <button
                    type="button"
                    className="btn btn--small btn--danger"
                    aria-label={`Ban ${u.name}`}
                    onClick={async () => {
                      const ok = await confirm({
                        title: `Ban ${u.name}?`,
                        body: "They're removed, their messages are deleted, and their addresses can't post any more.",
                        confirm: "Ban",
                        danger: true,
                      });
                      if (ok)
                        await run(async () => {
                          await api.ban(u.id);
                          store.dispatch({ type: "userUpsert", user: { ...u, active: false } });
                          setBanned((b) => [...b, { ...u, active: false, banned: true }].sort((x, y) => x.name.localeCompare(y.name)));
                        });
                    }}
                  >
                    Ban
                  </button>
                </>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
      {banned.length ? (
        <>
          <h3 className="section-subtitle">Banned</h3>
          <ul className="admin-list">
            {banned.map((u) => (
              <li key={u.id} className="admin-list__row">
                <Link to={`/users/${u.id}`} className="admin-list__who">
                  <Avatar user={u} size={28} />
                  <span>{u.name}</span>
                  {u.email ? <span className="muted admin-list__email">{u.email}</span> : null}
                </Link>
                <button
                  type="button"
                  className="btn btn--small"
                  aria-label={`Unban ${u.name}`}
                  onClick={() =>
                    void run(async () => {
                      await api.unban(u.id);
                      setBanned((b) => b.filter((x) => x.id !== u.id));
                    })
                  }
                >
                  Unban
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {confirmDialog}
    </section>
  );
}

function Bots() {
  const features = useAppState((s) => s.features);
  const [bots, setBots] = useState<Bot[] | null>(null);
  const [error, setError] = useState("");
  const [name, setName] = useState("");
  const [webhook, setWebhook] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!features.bots) return;
    api
      .bots()
      .then((r) => setBots(r.bots))
      .catch((e) => setError(errorMessage(e)));
  }, [features.bots]);

  if (!features.bots) {
    return (
      <section className="section" aria-labelledby="bots-title">
        <h2 id="bots-title" className="section-title">
          Bots
        </h2>
        <p className="muted">Bots are not enabled on this server.</p>
      </section>
    );
  }

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError("");
    setBusy(true);
    try {
      const r = await api.createBot({ name: name.trim(), ...(webhook.trim() ? { webhook_url: webhook.trim() } : {}) });
      setBots((b) => [...(b ?? []), r.bot]);
      store.dispatch({ type: "userUpsert", user: r.bot.user });
      setName("");
      setWebhook("");
    } catch (err) {
      setError(errorMessage(err));
    }
    setBusy(false);
  };

  const replace = (bot: Bot) => setBots((b) => (b ?? []).map((x) => (x.user.id === bot.user.id ? bot : x)));

  return (
    <section className="section" aria-labelledby="bots-title">
      <h2 id="bots-title" className="section-title">
        Bots
      </h2>
      <p className="muted">Bots post with their key and can answer mentions through a webhook.</p>
      <ErrorNote>{error}</ErrorNote>
      {!bots ? <Loading label="Loading bots…" /> : null}
      {bots && bots.length === 0 ? <p className="muted">No bots yet.</p> : null}
      <ul className="bots">
        {bots?.map((b) => (
          <BotRow key={b.user.id} bot={b} onChange={replace} onRemove={() => setBots((x) => (x ?? []).filter((y) => y.user.id !== b.user.id))} />
        ))}
      </ul>
      <form className="form bot-form" onSubmit={create} aria-labelledby="newbot-title">
        <h3 id="newbot-title" className="section-subtitle">
          Add a bot
        </h3>
        <Field label="Bot name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        <Field label="Webhook URL (optional)" type="url" value={webhook} onChange={(e) => setWebhook(e.target.value)} placeholder="https://" />
        <div className="form__actions">
          <button type="submit" className="btn btn--primary" disabled={busy || !name.trim()}>
            <BotIcon size={18} /> Add bot
          </button>
        </div>
      </form>
    </section>
  );
}

function BotRow({ bot, onChange, onRemove }: { bot: Bot; onChange: (b: Bot) => void; onRemove: () => void }) {
  const rooms = useAppState((s) => s.rooms);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me);
  const features = useAppState((s) => s.features);
  const [webhook, setWebhook] = useState(bot.webhook_url ?? "");
  const [name, setName] = useState(bot.user.name);
  const [error, setError] = useState("");
  const [saved, setSaved] = useState(false);
  const [confirm, confirmDialog] = useConfirm();
  const botRooms = Object.values(rooms)
    .filter((r) => r.member_ids.includes(bot.user.id))
    .sort((a, b) => roomTitle(a, users, me?.id).localeCompare(roomTitle(b, users, me?.id)));
  const origin = location.origin;

  return (
    <li className="bots__row">
      <div className="bots__head">
        {features.avatars ? (
          <PictureEditor
            label="Picture"
            preview={<Avatar user={bot.user} size={40} />}
            hasPicture={!!bot.user.avatar_url}
            onSave={async (picture) => onChange({ ...bot, user: (await api.setBotAvatar(bot.user.id, picture)).user })}
            onRemove={async () => onChange({ ...bot, user: (await api.removeBotAvatar(bot.user.id)).user })}
          />
        ) : (
          <Avatar user={bot.user} size={32} />
        )}
        <strong>{bot.user.name}</strong>
      </div>
      {bot.webhook_url && bot.deliveries && (
        <p className="muted" aria-label={`Webhook deliveries of ${bot.user.name}`}>
          Webhook: {bot.deliveries.delivered} delivered · {bot.deliveries.pending} waiting · {bot.deliveries.failed} failed · circuit {bot.deliveries.circuit}
          {bot.deliveries.last_attempt_at && <> · last attempt {new Date(bot.deliveries.last_attempt_at).toLocaleString()}</>}
          {bot.deliveries.last_error && <> · last failure: {bot.deliveries.last_error}</>}
        </p>
      )}
      <form
        className="form form--inline"
        onSubmit={async (e) => {
          e.preventDefault();
          setError("");
          try {
            const r = await api.updateBot(bot.user.id, { name: name.trim(), webhook_url: webhook.trim() });
            onChange(r.bot);
            setSaved(true);
            setTimeout(() => setSaved(false), 1500);
          } catch (err) {
            setError(errorMessage(err));
          }
        }}
      >
        <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} required />
        <Field label="Webhook URL" type="url" value={webhook} onChange={(e) => setWebhook(e.target.value)} placeholder="No webhook" />
        <button type="submit" className="btn btn--small">
          {saved ? "Saved" : "Save"}
        </button>
      </form>
      <div className="bots__key">
        <span className="muted">Key</span> <code>{bot.key}</code>
        <CopyButton text={bot.key} label="Copy key" />
        <button
          type="button"
          className="btn btn--small"
          onClick={async () => {
            const ok = await confirm({ title: "Make a new key?", body: "The old key stops working right away.", confirm: "New key" });
            if (!ok) return;
            try {
              onChange((await api.rotateBotKey(bot.user.id)).bot);
            } catch (err) {
              setError(errorMessage(err));
            }
          }}
        >
          <RotateIcon size={16} /> New key
        </button>
        <button
          type="button"
          className="btn btn--small btn--danger"
          onClick={async () => {
            const ok = await confirm({
              title: `Remove ${bot.user.name}?`,
              body: "Its key stops working. Its messages stay.",
              confirm: "Remove bot",
              danger: true,
            });
            if (!ok) return;
            try {
              await api.deleteBot(bot.user.id);
              onRemove();
            } catch (err) {
              setError(errorMessage(err));
            }
          }}
        >
          Remove
        </button>
      </div>
      <ErrorNote>{error}</ErrorNote>
      <details className="bots__curl">
        <summary>curl commands for its rooms ({botRooms.length})</summary>
        {botRooms.length === 0 ? <p className="muted">This bot isn't in any of your rooms.</p> : null}
        <ul>
          {botRooms.map((r) => {
            const cmd = `curl -d 'Hello from ${bot.user.name}' ${origin}/rooms/${r.id}/${bot.key}/messages`;
            return (
              <li key={r.id} className="bots__curl-row">
                <span className="bots__curl-room">{roomTitle(r, users, me?.id)}</span>
                <code className="bots__curl-cmd">{cmd}</code>
                <CopyButton text={cmd} label="Copy" />
              </li>
            );
          })}
        </ul>
      </details>
      {confirmDialog}
    </li>
  );
}
