import { Document } from '../layout.tsx';

/** The sign-in form: an API key, with the pre-session CSRF token of this browser. */
export function SignIn(props: { csrf: string; next: string; error?: string }) {
  return (
    <Document title="Sign in">
      <div class="center">
        <main class="signin" id="content">
          <div class="brand" style="color:#111827;margin:0 0 18px">
            <span class="mark" aria-hidden="true" style="color:#fff">
              DL
            </span>
            DealerLoop
          </div>
          <h1>Sign in</h1>
          <p class="lede">Use an API key of your store (ask an admin for one).</p>
          {props.error && (
            <div class="flash bad" role="alert">
              {props.error}
            </div>
          )}
          <form method="post" action="/ui/signin" class="stack">
            <input type="hidden" name="_csrf" value={props.csrf} />
            <input type="hidden" name="next" value={props.next} />
            <div class="field">
              <label for="apiKey">API key</label>
              <input
                id="apiKey"
                name="apiKey"
                type="password"
                autocomplete="off"
                required
                placeholder="dlk_…"
                aria-describedby="apiKey-help"
              />
              <div class="help" id="apiKey-help">
                Made with <code>dealerloop apikey create</code>. It stays on the server; the browser
                only keeps a session cookie.
              </div>
            </div>
            <button class="btn" type="submit">
              Sign in
            </button>
          </form>
        </main>
      </div>
    </Document>
  );
}
