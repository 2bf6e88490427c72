// The browser app: DOM types (also for the root tsconfig, whose lib is ES2023 only; iterable DOM
// collections and async-iterable streams too, so Node code that sees the DOM Headers and ReadableStream
// types keeps Headers.keys() and for await over a body).
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="dom.asynciterable" />
import "uplot/dist/uPlot.min.css";
import "./styles.css";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { forgetKey, storedKey, storeKey } from "./api.js";
import { Dashboard } from "./dashboard/dashboard.js";
import { KeysPage } from "./keys/keys.js";
import { Login } from "./login.js";
import { Playground } from "./playground/playground.js";
import { identify, PAGES, type Page, type Session } from "./session.js";

const TITLES: Record<Page, string> = {
  playground: "Playground",
  dashboard: "Dashboard",
  keys: "Keys & tenants",
};

/** The page in the URL's hash (`#/dashboard`), so reloads and links keep the page. */
const pageFromHash = (): Page | undefined => {
  const h = location.hash.replace(/^#\/?/, "");
  return h === "playground" || h === "dashboard" || h === "keys" ? h : undefined;
};

function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(storedKey() !== null);
  const [page, setPage] = useState<Page | undefined>(pageFromHash());

  useEffect(() => {
    const onHash = () => setPage(pageFromHash());
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);
  // A reload within the tab keeps the session: the key is in sessionStorage.
  useEffect(() => {
    const key = storedKey();
    if (!key) return;
    identify(key)
      .then(setSession)
      .catch(() => forgetKey())
      .finally(() => setRestoring(false));
  }, []);

  if (restoring) return <p class="center">Loading…</p>;
  if (!session)
    return (
      <Login
        onLogin={(s) => {
          storeKey(s.key);
          setSession(s);
        }}
      />
    );
  const pages = PAGES[session.role];
  const current = page && pages.includes(page) ? page : pages[0]!;
  const logout = () => {
    forgetKey();
    setSession(null);
  };
  return (
    <div class="shell">
      <header class="top">
        <span class="brand">LLM router</span>
        <nav aria-label="Pages">
          {pages.map((p) => (
            <a key={p} href={`#/${p}`} aria-current={p === current ? "page" : undefined}>
              {TITLES[p]}
            </a>
          ))}
        </nav>
        <span class="who">
          <span class="badge" title="role of this key">
            {session.role}
            {session.tenant ? ` · ${session.tenant}` : ""}
          </span>
          <button type="button" class="link" onClick={logout}>
            Log out
          </button>
        </span>
      </header>
      <main id="main">
        <h1 class="sr-only">{TITLES[current]}</h1>
        {current === "playground" && <Playground />}
        {current === "dashboard" && <Dashboard session={session} />}
        {current === "keys" && <KeysPage session={session} />}
      </main>
    </div>
  );
}

render(<App />, document.getElementById("root")!);
