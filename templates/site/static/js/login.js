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
      t.session.save(r.data.csrf_token, r.data.user);
      if (r.data.must_change_password) { location.assign(t.url("password-forced.html")); return r; }
      var next = safeNext();
      if (next) next = next.replace(/^\/(fr|en)\//, "/" + t.lang + "/");
      location.assign(next || (t.isAuthority(r.data.user) ? t.url("backoffice/index.html") : t.url("profile.html")));
      return r;
    });
  };
})(window.traces);
