// The sign-in page: the demo users when the local run wrote dev-users.json, and always a form to
// paste a token (what a deployment uses: tokens come from its identity provider).

import { notice, signIn, state } from "./app";
import { ApiError } from "./api";
import { field, h, labelled } from "./dom";

async function go(org: string, token: string): Promise<void> {
  try {
    await signIn(org, token);
    notice("info", `Signed in as ${state.me}`, `organization ${org}, version ${state.version}`);
    if (location.hash === "#/org") window.dispatchEvent(new HashChangeEvent("hashchange"));
    else location.hash = "#/org";
  } catch (err) {
    const e = err as ApiError;
    notice("error", `Sign-in refused (${e.code ?? "error"})`, e.message, e.rule);
  }
}

/** Signs in as a dev user of dev-users.json. */
export function signInAs(user: string): Promise<void> {
  const dev = state.devUsers?.users.find((u) => u.user === user);
  if (!dev || !state.devUsers) return Promise.resolve();
  return go(state.devUsers.org, dev.token);
}

export function signinPage(): HTMLElement {
  const dev = state.devUsers;
  const paste = h("form", {
    class: "card",
    "data-testid": "token-form",
    onsubmit: (e: Event) => {
      e.preventDefault();
      const form = e.target as HTMLFormElement;
      void go(field(form, "org"), field(form, "token"));
    },
  },
  h("h2", {}, "Sign in with a token"),
  h("p", { class: "muted" }, "A bearer token your identity provider issued for the orgspace API (its `sub` is your user id)."),
  labelled("Organization", h("input", { name: "org", required: true, value: dev?.org ?? "", autocomplete: "off" })),
  labelled("Token", h("textarea", { name: "token", required: true, rows: 3, spellcheck: "false" })),
  h("button", { type: "submit" }, "Sign in"));

  return h("section", { class: "signin" },
    h("h1", {}, "orgspace console"),
    h("p", { class: "lead" }, "Everything you see is filtered in this page by the orgspace engine (WebAssembly) from your own view of the organization; every change goes to the API, which checks it again."),
    dev
      ? h("div", { class: "card", "data-testid": "dev-users" },
        h("h2", {}, "Demo users"),
        h("p", { class: "muted" }, `Local development only: the run command minted these tokens for organization "${dev.org}". A deployment has no such list.`),
        h("ul", { class: "users" }, dev.users.map((u) =>
          h("li", {},
            h("button", { type: "button", "data-testid": `signin-${u.user}`, onclick: () => void go(dev.org, u.token) }, u.user),
            h("span", { class: "role" }, u.role),
            h("span", { class: "muted" }, u.note)))))
      : null,
    paste);
}
