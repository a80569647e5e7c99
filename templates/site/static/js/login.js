// Login (SPEC 1.6). A wrong e-mail, a wrong password and a locked account get the same answer
// (no enumeration); after a few failed attempts in this tab, whatever the address, the page says
// that an account may be locked and how to recover it.
(function (t) {
  "use strict";
  var byId = t.byId, store = window.sessionStorage;
  var HINT_AFTER = 3;

  function safeNext() {
    var next = t.param("next") || "";
    return /^\/(fr|en)\/[A-Za-z0-9_\-\/.]*(\?[^#]*)?(#.*)?$/.test(next) && next.indexOf("//") < 0 ? next : null;
  }

  t.pages.login = function () {
    var reason = t.param("reason");
    var notice = byId("login-notice");
    if (reason === "logged_out" || reason === "session") {
      notice.textContent = byId(reason === "session" ? "notice-session-ended" : "notice-logged-out").content.textContent;
      t.show(notice);
    }
    var form = byId("login-form"), locked = byId("login-locked-help"), waiting = byId("login-not-valid-help");
    function failures() { return Number(store.getItem("login_failures") || 0); }
    locked.hidden = failures() < HINT_AFTER;
    t.onSubmit(form, async function (data) {
      t.hide(waiting);
      var r = await t.api("POST", "/session", { email: data.email, password: data.password });
      if (!r.ok) {
        if (r.data.error.code === "invalid_credentials") store.setItem("login_failures", String(failures() + 1));
        locked.hidden = failures() < HINT_AFTER;
        waiting.hidden = r.data.error.code !== "account_not_valid";
        return r;
      }
      store.removeItem("login_failures");
      if (r.data.second_factor) { secondStep(form, r.data); return r; }
      opened(r.data);
      return r;
    });

    // A passkey alone (with user verification: two factors in one).
    var passkey = byId("passkey-sign-in");
    passkey.hidden = !t.passkeys.supported();
    passkey.addEventListener("click", async function () {
      t.clearErrors(form);
      var options = await t.api("POST", "/session/passkey/options", {});
      var credential = options.ok && await t.passkeys.get(options.data.passkey_options);
      if (!options.ok || !credential) { t.showErrors(form, options.ok ? t.passkeys.cancelled() : options); return; }
      var r = await t.api("POST", "/session/passkey", { credential: credential });
      if (r.ok) opened(r.data); else t.showErrors(form, r);
    });
  };



  // SPEC 1.9: the right password of a person with a second factor opens a pending login; a code
  // (authenticator app or recovery code) or a passkey completes it.
  function secondStep(first, pending) {
    var form = byId("second-step-form"), passkey = byId("second-step-passkey");
    t.hide(first);
    t.show(form);
    byId("second-step-title").focus();
    passkey.hidden = !pending.passkey_options || !t.passkeys.supported();
    passkey.onclick = async function () {
      t.clearErrors(form);
      var credential = await t.passkeys.get(pending.passkey_options);
      if (!credential) { t.showErrors(form, t.passkeys.cancelled()); return; }
      var r = await t.api("POST", "/session/second-factor", { method: "passkey", credential: credential });
      if (r.ok) opened(r.data); else t.showErrors(form, r);
    };
    t.onSubmit(form, async function (data) {
      var r = await t.api("POST", "/session/second-factor", { method: data.method || "totp", code: data.code });
      if (r.ok) opened(r.data);
      else if (r.data.error.code === "login_expired" || r.data.error.code === "invalid_credentials") {
        t.hide(form); t.show(first);
      }
      return r;
    });
  }

  function opened(data) {
    t.session.save(data.csrf_token, data.user);
    if (data.must_change_password) { location.assign(t.url("password-forced.html")); return; }
    if (data.must_enrol_second_factor) { location.assign(t.url("second-factors.html")); return; }
    var next = safeNext();
    if (next) next = next.replace(/^\/(fr|en)\//, "/" + t.lang + "/");
    location.assign(next || (t.isAuthority(data.user) ? t.url("backoffice/index.html")
      : t.holds(data.user, "customs") ? t.url("customs/index.html") : t.url("profile.html")));
  }
})(window.traces);
