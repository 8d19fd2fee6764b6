// @ts-check
/**
 * The WebAuthn ceremonies of the merchant pages, served as a same-origin
 * script (the pages' CSP allows no inline script). It talks to Better Auth's
 * own endpoints under /api/auth with the session cookie; the browser adds the
 * Origin header Better Auth checks. `SimpleWebAuthnBrowser` (loaded first)
 * does the base64url <-> ArrayBuffer work around navigator.credentials.
 *
 * Markup it looks for:
 * - `[data-passkey-add]` button, `#passkey-name` input: register a passkey;
 * - `[data-passkey-remove="<id>"]` buttons: remove one;
 * - `form[data-passkey-approval]`: an approval form whose checked
 *   `[data-needs-passkey]` capabilities are confirmed with a passkey first;
 * - `[data-passkey-status]`: where progress and failures are announced.
 */
(() => {
  /** @type {any} */
  const webauthn = /** @type {any} */ (window).SimpleWebAuthnBrowser;

  /**
   * @param {string} url
   * @param {unknown} body
   * @returns {Promise<{ status: number, body: any }>}
   */
  async function postJson(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json().catch(() => ({})) };
  }

  /**
   * Posts; when the server answers `webauthn_required`, signs its challenge
   * with a passkey and posts again with the assertion as `webauthn_response`.
   * @param {string} url
   * @param {Record<string, unknown>} body
   */
  async function postWithPasskeyProof(url, body) {
    const first = await postJson(url, body);
    if (first.status !== 403 || first.body.error !== "webauthn_required") return first;
    const assertion = await webauthn.startAuthentication({ optionsJSON: first.body.webauthn_options });
    return postJson(url, { ...body, webauthn_response: assertion });
  }

  /**
   * @param {Element | Document} scope
   * @param {string} text
   */
  function announce(scope, text) {
    const status = scope.querySelector("[data-passkey-status]") ?? document.querySelector("[data-passkey-status]");
    if (status) status.textContent = text;
  }

  /** @param {unknown} error */
  function describe(error) {
    const name = error instanceof Error ? error.name : "";
    if (name === "NotAllowedError" || name === "AbortError") return "The passkey prompt was cancelled or timed out. Nothing was changed.";
    if (name === "InvalidStateError") return "This authenticator already holds a passkey for your account.";
    return error instanceof Error && error.message ? error.message : "Something went wrong with the passkey.";
  }

  async function addPasskey() {
    const nameInput = /** @type {HTMLInputElement | null} */ (document.getElementById("passkey-name"));
    announce(document, "Follow your browser's prompt to create the passkey…");
    const options = await fetch("/api/auth/passkey/generate-register-options", { credentials: "same-origin" });
    if (!options.ok) return announce(document, "Could not start the registration. Sign in again and retry.");
    const registration = await webauthn.startRegistration({ optionsJSON: await options.json() });
    const name = nameInput?.value.trim();
    const saved = await postWithPasskeyProof("/api/auth/passkey/verify-registration", {
      response: registration,
      ...(name ? { name } : {}),
    });
    if (saved.status !== 200) return announce(document, saved.body.message ?? "The passkey was not saved.");
    window.location.reload();
  }

  /** @param {string} id */
  async function removePasskey(id) {
    announce(document, "Confirm with one of your passkeys to remove it…");
    const removed = await postWithPasskeyProof("/api/auth/passkey/delete-passkey", { id });
    if (removed.status !== 200) return announce(document, removed.body.message ?? "The passkey was not removed.");
    window.location.reload();
  }

  /**
   * Before an approval form is sent with a capability that needs a passkey:
   * ask the plugin's approval endpoint for this approval's challenge (it
   * answers `webauthn_required` without approving anything), sign it, and
   * send the form with the assertion. Any other answer: send the form as it
   * is, and the page explains.
   * @param {HTMLFormElement} form
   */
  async function approveWithPasskey(form) {
    const data = new FormData(form);
    const body = {
      action: "approve",
      capabilities: data.getAll("capabilities").map(String),
      ...(data.get("agent_id") ? { agent_id: String(data.get("agent_id")) } : {}),
      ...(data.get("approval_id") ? { approval_id: String(data.get("approval_id")) } : {}),
      ...(data.get("code") ? { user_code: String(data.get("code")) } : {}),
    };
    announce(form, "Confirm with your passkey…");
    const challenge = await postJson("/api/auth/agent/approve-capability", body);
    if (challenge.status === 403 && challenge.body.error === "webauthn_required") {
      const assertion = await webauthn.startAuthentication({ optionsJSON: challenge.body.webauthn_options });
      /** @type {HTMLInputElement} */ (form.elements.namedItem("webauthn_response")).value = JSON.stringify(assertion);
    }
    const decision = document.createElement("input");
    Object.assign(decision, { type: "hidden", name: "decision", value: "approve" });
    form.append(decision);
    form.submit();
  }

  /**
   * @param {() => Promise<unknown>} action
   * @param {Element | Document} scope
   */
  function run(action, scope) {
    action().catch((error) => announce(scope, describe(error)));
  }

  document.querySelector("[data-passkey-add]")?.addEventListener("click", () => run(addPasskey, document));
  for (const button of document.querySelectorAll("[data-passkey-remove]")) {
    button.addEventListener("click", () => run(() => removePasskey(button.getAttribute("data-passkey-remove") ?? ""), document));
  }
  for (const form of document.querySelectorAll("form[data-passkey-approval]")) {
    form.addEventListener("submit", (event) => {
      const submitter = /** @type {SubmitEvent} */ (event).submitter;
      if (submitter?.getAttribute("value") !== "approve" || !form.querySelector("[data-needs-passkey]:checked")) return;
      event.preventDefault();
      run(() => approveWithPasskey(/** @type {HTMLFormElement} */ (form)), form);
    });
  }
})();
