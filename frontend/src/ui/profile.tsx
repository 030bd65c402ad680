// Profiles (A9): someone else's (avatar, name, bio, Ping, email for admins) and
// mine (name, bio, email, password, my rooms with their bells, my sign-in link
// with a QR code, my sessions, sign out).
import { useEffect, useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api, errorMessage } from "../api/client";
import type { Involvement, Session, User } from "../api/types";
import { signedOut } from "../app/controller";
import { describeAgent, formatDateTime, roomTitle } from "../lib/format";
import { store, useAppState } from "../state/store";
import { Avatar, Empty, ErrorNote, Field, LinkShare, Loading, Panel, TextArea, useConfirm } from "./common";
import { CrownIcon, LogoutIcon, PingIcon } from "./icons";
import { PictureEditor } from "./picture";
import { BellButton } from "./room/RoomScreen";
import { NotFound } from "./Shell";

export function Profile() {
  const { id } = useParams();
  const userId = Number(id);
  const me = useAppState((s) => s.me);
  const cached = useAppState((s) => s.users[userId]);
  const [user, setUser] = useState<User | null>(cached ?? null);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState("");
  const navigate = useNavigate();

  useEffect(() => {
    if (!Number.isFinite(userId)) {
      setMissing(true);
      return;
    }
    let live = true;
    api
      .user(userId)
      .then((r) => {
        if (!live) return;
        setUser(r.user);
        store.dispatch({ type: "userUpsert", user: r.user });
      })
      .catch((e) => live && (e?.status === 404 ? setMissing(true) : setError(errorMessage(e))));
    return () => {
      live = false;
    };
  }, [userId]);

  if (me && userId === me.id) return <MyProfile />;
  if (missing) return <NotFound what="person" />;
  if (!user)
    return error ? (
      <Panel title="Profile">
        <ErrorNote>{error}</ErrorNote>
      </Panel>
    ) : (
      <Loading label="Loading profile…" />
    );

  const ping = async () => {
    setError("");
    try {
      const { room } = await api.directRoom([user.id]);
      store.dispatch({ type: "roomUpsert", room });
      navigate(`/rooms/${room.id}`);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <Panel title={user.name}>
      <div className="profile-card">
        <Avatar user={user} size={96} />
        <div className="profile-card__text">
          <h2 className="profile-card__name">
            {user.name}
            {user.role === "administrator" ? (
              <span className="badge" title="Administrator">
                <CrownIcon size={14} /> Admin
              </span>
            ) : null}
            {user.role === "bot" ? <span className="badge">Bot</span> : null}
          </h2>
          {user.bio ? (
            <p className="profile-card__bio" dir="auto">
              {user.bio}
            </p>
          ) : (
            <p className="muted">No bio yet.</p>
          )}
          {user.email ? (
            <p className="profile-card__email">
              <a href={`mailto:${user.email}`}>{user.email}</a>
            </p>
          ) : null}
          {!user.active ? (
            <p className="muted">
              {user.name.split(" ")[0]} {user.banned ? "is banned." : "is no longer here."}
            </p>
          ) : null}
        </div>
      </div>
      {user.active && user.role !== "bot" ? (
        <button type="button" className="btn btn--primary" onClick={ping}>
          <PingIcon size={18} /> Ping {user.name.split(" ")[0]}
        </button>
      ) : null}
      {me?.role === "administrator" && user.banned ? (
        <button
          type="button"
          className="btn"
          onClick={async () => {
            setError("");
            try {
              await api.unban(user.id);
              const r = await api.user(user.id);
              setUser(r.user);
            } catch (e) {
              setError(errorMessage(e));
            }
          }}
        >
          Unban {user.name.split(" ")[0]}
        </button>
      ) : null}
      <ErrorNote>{error}</ErrorNote>
      {me?.role === "administrator" && user.active && user.role !== "bot" ? <AdminTransfer user={user} /> : null}
    </Panel>
  );
}

function AdminTransfer({ user }: { user: User }) {
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState("");
  return (
    <section className="section" aria-labelledby="transfer-title">
      <h2 id="transfer-title" className="section-title">
        Help {user.name.split(" ")[0]} sign in
      </h2>
      <p className="muted">A single-use link that signs them in, valid for 4 hours.</p>
      {link ? (
        <LinkShare url={link} title={`Sign-in link for ${user.name}`} qrLabel={`QR code of ${user.name}'s sign-in link`} />
      ) : (
        <button
          type="button"
          className="btn"
          onClick={async () => {
            try {
              setLink((await api.transferLink(user.id)).url);
            } catch (e) {
              setError(errorMessage(e));
            }
          }}
        >
          Make a sign-in link
        </button>
      )}
      <ErrorNote>{error}</ErrorNote>
    </section>
  );
}

export function MyProfile() {
  const me = useAppState((s) => s.me) as User;
  const features = useAppState((s) => s.features);
  return (
    <Panel title="Your profile" wide>
      <div className="profile-card">
        {features.avatars ? (
          <PictureEditor
            label="Profile picture"
            preview={<Avatar user={me} size={72} />}
            hasPicture={!!me.avatar_url}
            onSave={async (picture) => store.dispatch({ type: "userUpsert", user: (await api.setMyAvatar(picture)).me })}
            onRemove={async () => store.dispatch({ type: "userUpsert", user: (await api.removeMyAvatar()).me })}
          />
        ) : (
          <Avatar user={me} size={72} />
        )}
        <div className="profile-card__text">
          <h2 className="profile-card__name">{me.name}</h2>
          <p className="muted">{me.email}</p>
          {features.avatars ? null : <p className="muted profile-card__note">Profile pictures are not enabled on this server, so your initials are shown.</p>}
        </div>
      </div>
      <div className="grid-2">
        <ProfileForm me={me} />
        <CredentialsForm me={me} />
      </div>
      <MyRooms />
      <InviteLink />
      <TransferLink />
      <Sessions />
      <SignOut />
    </Panel>
  );
}

/** A2: every member can invite; the link is the account's join link. */
function InviteLink() {
  const [path, setPath] = useState<string | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    let live = true;
    api
      .joinLink()
      .then((r) => live && setPath(r.join_path))
      .catch((e) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, []);
  return (
    <section className="section" aria-labelledby="invite-title">
      <h2 id="invite-title" className="section-title">
        Invite people
      </h2>
      <p className="muted">Anyone with this link can join this Campfire and will land in every open room.</p>
      {path ? <LinkShare url={path} title="Join link" qrLabel="QR code of the join link" /> : error ? null : <Loading label="Loading the join link…" />}
      <ErrorNote>{error}</ErrorNote>
    </section>
  );
}

function ProfileForm({ me }: { me: User }) {
  const [name, setName] = useState(me.name);
  const [bio, setBio] = useState(me.bio);
  const [state, setState] = useState<{ error?: string; saved?: boolean; busy?: boolean }>({});
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setState({ busy: true });
    try {
      const r = await api.updateMe({ name: name.trim(), bio });
      store.dispatch({ type: "userUpsert", user: r.me });
      setState({ saved: true });
    } catch (err) {
      setState({ error: errorMessage(err) });
    }
  };
  return (
    <form className="form section" onSubmit={submit} aria-labelledby="about-title">
      <h2 id="about-title" className="section-title">
        About you
      </h2>
      <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required autoComplete="name" />
      <TextArea label="Bio" value={bio} onChange={(e) => setBio(e.target.value)} maxLength={200} rows={3} hint={`${200 - [...bio].length} characters left`} />
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
  );
}

function CredentialsForm({ me }: { me: User }) {
  const [email, setEmail] = useState(me.email ?? "");
  const [password, setPassword] = useState("");
  const [current, setCurrent] = useState("");
  const [state, setState] = useState<{ error?: string; saved?: boolean; busy?: boolean }>({});
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: { email?: string; password?: string; current_password: string } = { current_password: current };
    if (email.trim() && email.trim() !== me.email) body.email = email.trim();
    if (password) {
      if (password.length < 8) {
        setState({ error: "Passwords need at least 8 characters." });
        return;
      }
      body.password = password;
    }
    if (!body.email && !body.password) {
      setState({ error: "Change your email or password first." });
      return;
    }
    setState({ busy: true });
    try {
      const r = await api.updateMe(body);
      store.dispatch({ type: "userUpsert", user: r.me });
      setPassword("");
      setCurrent("");
      setState({ saved: true });
    } catch (err) {
      setState({ error: errorMessage(err) });
    }
  };
  return (
    <form className="form section" onSubmit={submit} aria-labelledby="creds-title">
      <h2 id="creds-title" className="section-title">
        Email and password
      </h2>
      <Field label="Email address" type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" />
      <Field
        label="New password"
        type="password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        autoComplete="new-password"
        hint="Leave blank to keep your password."
      />
      <Field
        label="Current password"
        type="password"
        value={current}
        onChange={(e) => setCurrent(e.target.value)}
        autoComplete="current-password"
        hint="Needed to change your email or password."
      />
      <ErrorNote>{state.error}</ErrorNote>
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={state.busy}>
          Update
        </button>
        {state.saved ? (
          <span className="saved" role="status">
            Updated
          </span>
        ) : null}
      </div>
    </form>
  );
}

function MyRooms() {
  const rooms = useAppState((s) => s.rooms);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me);
  const list = Object.values(rooms).sort((a, b) =>
    a.kind === "direct" && b.kind !== "direct"
      ? 1
      : b.kind === "direct" && a.kind !== "direct"
        ? -1
        : roomTitle(a, users, me?.id).localeCompare(roomTitle(b, users, me?.id)),
  );
  const label: Record<Involvement, string> = { everything: "Everything", mentions: "Mentions", nothing: "Nothing", invisible: "Hidden" };
  return (
    <section className="section" aria-labelledby="myrooms-title">
      <h2 id="myrooms-title" className="section-title">
        Your rooms
      </h2>
      {list.length === 0 ? <p className="muted">You're not in any rooms yet.</p> : null}
      <ul className="my-rooms">
        {list.map((r) => (
          <li key={r.id} className="my-rooms__row">
            <Link to={`/rooms/${r.id}`} className="my-rooms__name">
              {roomTitle(r, users, me?.id)}
            </Link>
            <span className="my-rooms__level">{label[r.involvement]}</span>
            <BellButton room={r} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function TransferLink() {
  const [link, setLink] = useState<{ url: string; expires_at: string } | null>(null);
  const [error, setError] = useState("");
  return (
    <section className="section" aria-labelledby="transfer-title">
      <h2 id="transfer-title" className="section-title">
        Sign in on another device
      </h2>
      <p className="muted">Open this link on your phone or another computer, or scan the QR code. It works once, for 4 hours.</p>
      {link ? (
        <>
          <LinkShare url={link.url} title="Your sign-in link" qrLabel="QR code of your sign-in link" />
          <p className="muted">Expires {formatDateTime(new Date(link.expires_at))}.</p>
        </>
      ) : (
        <button
          type="button"
          className="btn"
          onClick={async () => {
            setError("");
            try {
              setLink(await api.transferLink());
            } catch (e) {
              setError(errorMessage(e));
            }
          }}
        >
          Make a sign-in link
        </button>
      )}
      <ErrorNote>{error}</ErrorNote>
    </section>
  );
}

function Sessions() {
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [error, setError] = useState("");
  const [confirm, confirmDialog] = useConfirm();
  const load = () =>
    api
      .sessions()
      .then((r) => setSessions(r.sessions))
      .catch((e) => setError(errorMessage(e)));
  useEffect(() => {
    void load();
  }, []);
  return (
    <section className="section" aria-labelledby="sessions-title">
      <h2 id="sessions-title" className="section-title">
        Where you're signed in
      </h2>
      {!sessions && !error ? <Loading label="Loading sessions…" /> : null}
      <ErrorNote>{error}</ErrorNote>
      {sessions && sessions.length === 0 ? <Empty title="No sessions" /> : null}
      <ul className="sessions">
        {sessions?.map((s) => (
          <li key={s.id} className="sessions__row">
            <div>
              <div className="sessions__device">
                {describeAgent(s.user_agent)} {s.current ? <span className="badge">This device</span> : null}
              </div>
              <div className="muted sessions__meta">
                {s.ip} · last active {formatDateTime(new Date(s.last_active_at))} · signed in {formatDateTime(new Date(s.created_at))}
              </div>
            </div>
            <button
              type="button"
              className="btn btn--small"
              aria-label={s.current ? "Sign out this device" : `Sign out ${describeAgent(s.user_agent)} (${s.ip})`}
              onClick={async () => {
                if (s.current) {
                  const ok = await confirm({ title: "Sign out here?", body: "You'll need to sign in again on this device.", confirm: "Sign out" });
                  if (!ok) return;
                  try {
                    await api.signOut();
                  } finally {
                    signedOut();
                  }
                  return;
                }
                try {
                  await api.endSession(s.id);
                  await load();
                } catch (e) {
                  setError(errorMessage(e));
                }
              }}
            >
              {s.current ? "Sign out this device" : "Sign out"}
            </button>
          </li>
        ))}
      </ul>
      {confirmDialog}
    </section>
  );
}

function SignOut() {
  const [busy, setBusy] = useState(false);
  return (
    <section className="section">
      <button
        type="button"
        className="btn"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await api.signOut();
          } catch {
            // Signed out either way on this device.
          }
          signedOut();
        }}
      >
        <LogoutIcon size={18} /> Sign out
      </button>
    </section>
  );
}
