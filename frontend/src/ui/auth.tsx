// First run (A1), joining by link (A2), signing in (A3) and session transfer (A5).
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { api, errorMessage } from "../api/client";
import { loadAll } from "../app/controller";
import { useAppState } from "../state/store";
import { ErrorNote, Field, Loading } from "./common";
import { usePageTitle } from "./pageTitle";

function NameTag({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  usePageTitle(title);
  return (
    <div className="center-screen">
      <main id="main" className="name-tag">
        <header className="name-tag__band">
          <span className="name-tag__hello">Hello</span>
          <span className="name-tag__my">my name is</span>
        </header>
        <div className="name-tag__body">
          <h1 className="name-tag__title">{title}</h1>
          {subtitle ? <p className="name-tag__subtitle">{subtitle}</p> : null}
          {children}
        </div>
      </main>
    </div>
  );
}

function safeNext(next: string | null): string {
  // Only same-site paths, never another origin.
  if (!next || !next.startsWith("/") || next.startsWith("//")) return "/";
  if (next.startsWith("/session/new") || next.startsWith("/first_run")) return "/";
  return next;
}

function useSignedInRedirect() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  return async () => {
    await loadAll();
    navigate(safeNext(params.get("next")), { replace: true });
  };
}

type SignUpValues = { name: string; email: string; password: string };

function SignUpForm({ submitLabel, onSubmit }: { submitLabel: string; onSubmit: (v: SignUpValues) => Promise<void> }) {
  const [values, setValues] = useState<SignUpValues>({ name: "", email: "", password: "" });
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const set = (k: keyof SignUpValues) => (e: React.ChangeEvent<HTMLInputElement>) => setValues((v) => ({ ...v, [k]: e.target.value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError("");
    if (values.password.length < 8) {
      setError("Passwords need at least 8 characters.");
      return;
    }
    setBusy(true);
    try {
      await onSubmit({ ...values, name: values.name.trim(), email: values.email.trim() });
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <Field label="Your name" name="name" autoComplete="name" required maxLength={100} value={values.name} onChange={set("name")} autoFocus />
      <Field label="Email address" name="email" type="email" autoComplete="email" required value={values.email} onChange={set("email")} />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        value={values.password}
        onChange={set("password")}
        hint="At least 8 characters."
      />
      <ErrorNote>{error}</ErrorNote>
      <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
        {busy ? "One moment…" : submitLabel}
      </button>
    </form>
  );
}

export function FirstRun() {
  const done = useSignedInRedirect();
  return (
    <NameTag title="Set up Campfire" subtitle="You'll be the administrator. Everyone else joins with a link you share.">
      <SignUpForm
        submitLabel="Set up Campfire"
        onSubmit={async (v) => {
          await api.firstRun(v);
          await done();
        }}
      />
    </NameTag>
  );
}

export function Join() {
  const { code = "" } = useParams();
  const done = useSignedInRedirect();
  const [state, setState] = useState<"loading" | { name: string } | { error: string }>("loading");
  useEffect(() => {
    api
      .joinInfo(code)
      .then((r) => setState({ name: r.account_name }))
      .catch((e) =>
        setState({ error: e?.status === 404 ? "This join link doesn't work. It may have been replaced by a new one: ask for a fresh link." : errorMessage(e) }),
      );
  }, [code]);
  if (state === "loading") return <Loading label="Checking your invitation…" />;
  if ("error" in state) {
    return (
      <NameTag title="Link not valid">
        <p className="error-note" role="alert">
          {state.error}
        </p>
        <p>
          Already have an account? <Link to="/session/new">Sign in</Link>
        </p>
      </NameTag>
    );
  }
  return (
    <NameTag title={`Join ${state.name}`} subtitle="Pick a name people will recognise.">
      <SignUpForm
        submitLabel="Join"
        onSubmit={async (v) => {
          await api.join(code, v);
          await done();
        }}
      />
      <p className="name-tag__foot">
        Already have an account? <Link to="/session/new">Sign in</Link>
      </p>
    </NameTag>
  );
}

export function SignIn() {
  const me = useAppState((s) => s.me);
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const done = useSignedInRedirect();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const sessionEnded = useAppState((s) => s.sessionEnded);
  useEffect(() => {
    if (me) navigate(safeNext(params.get("next")), { replace: true });
  }, [me, navigate, params]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError("");
    setBusy(true);
    try {
      await api.signIn({ email: email.trim(), password });
      await done();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
      // The button was disabled under the caret; give focus back to the form, on the password
      // (the usual mistake), selected so it can be typed again.
      const field = form.current?.querySelector<HTMLInputElement>('input[name="password"]');
      field?.focus();
      field?.select();
    }
  };
  return (
    <NameTag title="Sign in" subtitle="Welcome back to the campfire.">
      {sessionEnded ? (
        <p className="notice" role="status">
          You were signed out, from another device or by an administrator. Sign in again to carry on.
        </p>
      ) : null}
      <form className="form" onSubmit={submit} noValidate ref={form}>
        <Field
          label="Email address"
          name="email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoFocus
          required
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <ErrorNote>{error}</ErrorNote>
        <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p className="name-tag__foot">New here? Ask someone for the join link.</p>
    </NameTag>
  );
}

export function Transfer() {
  const { token = "" } = useParams();
  const navigate = useNavigate();
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  // A button, not an automatic POST: link previews and scanners must not use up a single-use link.
  const go = async () => {
    setBusy(true);
    setError("");
    try {
      await api.transfer(token);
      await loadAll();
      navigate("/", { replace: true });
    } catch (e) {
      setError(
        (e as { status?: number })?.status === 404
          ? "This sign-in link has been used or has expired. Make a new one from your profile on a signed-in device."
          : errorMessage(e),
      );
      setBusy(false);
    }
  };
  return (
    <NameTag title="Sign in on this device" subtitle="This link signs you in here, once.">
      <ErrorNote>{error}</ErrorNote>
      <button type="button" className="btn btn--primary btn--block" onClick={go} disabled={busy}>
        {busy ? "Signing in…" : "Sign me in"}
      </button>
      <p className="name-tag__foot">
        <Link to="/session/new">Sign in with a password instead</Link>
      </p>
    </NameTag>
  );
}
