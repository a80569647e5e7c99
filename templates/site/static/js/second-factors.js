// My sign-in methods (SPEC 1.9): the list, an authenticator app (QR code), a passkey, recovery
// codes to print or download, removal. Adding or removing needs a fresh proof: when the API asks
// for one, the password form appears and the action runs again once it is confirmed.
(function (t) {
  "use strict";
  var byId = t.byId, $ = t.$, api = t.api, T = t.T;

  t.pages["second-factors"] = async function () {
    var proof = byId("proof-form"), retry = null;

    async function load() {
      var r = await api("GET", "/me/second-factors", undefined, { guard: true });
      t.hide(byId("factors-loading"));
      if (!r.ok) { t.announce(r.data.error.message, true); return; }
      var body = $("#factors-table tbody");
      body.innerHTML = "";
      r.data.second_factors.forEach(function (f) {
        var row = t.doc.createElement("tr");
        t.cell(row, t.methodLabel(f.method));
        t.cell(row, f.method === "recovery_code" ? t.fmt(T.remaining, { count: f.remaining }) : f.name);
        t.cell(row, t.date(f.created_at));
        t.cell(row, f.last_used_at ? t.date(f.last_used_at) : T.never);
        t.nodeCell(row, t.button(T.remove, T.remove + " – " + (f.name || t.methodLabel(f.method)),
                                 function () { removeFactor(f.id); }, "secondary"));
        body.appendChild(row);
      });
      byId("factors-none").hidden = r.data.second_factors.length > 0;
      byId("factors-table").hidden = !r.data.second_factors.length;
      t.show(byId("factors"));
    }

    // Runs `action` (which returns an API result); a missing fresh proof shows the password form,
    // and the action runs again once it is confirmed (`fail` shows what then goes wrong).
    async function proved(action, fail) {
      var r = await action();
      if (!r.ok && r.data.error.code === "fresh_proof_required") {
        retry = { action: action, fail: fail };
        t.show(proof);
        byId("proof-title").focus();
        return { ok: true };
      }
      return r;
    }
    t.onSubmit(proof, async function (data) {
      var r = await api("POST", "/session/proof", { password: data.password }, { guard: true });
      if (!r.ok) return r;
      proof.reset();
      t.hide(proof);
      var pending = retry;
      retry = null;
      if (pending) {
        var again = await pending.action();
        if (!again.ok) pending.fail(again);
      }
      return r;
    });

    function problem(r) {
      var box = byId("list-errors");
      $(".error-message", box).textContent = r.data.error.message;
      t.show(box);
      box.focus();
    }
    function failed(r) { t.announce(r.data.error.message, true); }

    async function removeFactor(id) {
      t.hide(byId("list-errors"));
      var r = await proved(function () {
        return api("DELETE", "/me/second-factors/" + encodeURIComponent(id), undefined, { guard: true }).then(function (r) {
          if (r.ok) { load(); t.announce(T.removed); }
          return r;
        });
      }, problem);
      if (!r.ok) problem(r);
    }

    function added() { load(); t.announce(T.added); t.hide(byId("must-enrol")); }

    // Authenticator app: a secret and its QR code, confirmed by a first code.
    var totpForm = byId("totp-form");
    byId("totp-start").addEventListener("click", async function () {
      var r = await proved(function () {
        return api("POST", "/me/second-factors/totp", {}, { guard: true }).then(function (r) {
          if (r.ok) {
            byId("totp-qr").src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(r.data.qr_svg);
            byId("totp-secret").textContent = r.data.secret;
            t.show(totpForm);
            byId("f-totp-code").focus();
          }
          return r;
        });
      }, failed);
      if (!r.ok) failed(r);
    });
    t.onSubmit(totpForm, async function (data) {
      var r = await api("POST", "/me/second-factors/totp/confirm", { code: data.code, name: data.name || null }, { guard: true });
      if (r.ok) { totpForm.reset(); t.hide(totpForm); added(); }
      return r;
    });

    // Passkey: the browser creates it with the API's options.
    var passkeyForm = byId("passkey-form");
    t.onSubmit(passkeyForm, async function (data) {
      return proved(async function () {
        var options = await api("POST", "/me/second-factors/passkeys/options", {}, { guard: true });
        if (!options.ok) return options;
        var credential = await t.passkeys.create(options.data);
        if (!credential) return t.passkeys.cancelled();
        var r = await api("POST", "/me/second-factors/passkeys", { credential: credential, name: data.name }, { guard: true });
        if (r.ok) { passkeyForm.reset(); added(); }
        return r;
      }, function (r) { t.showErrors(passkeyForm, r); });
    });

    // Recovery codes: shown once, to download or print.
    byId("codes-new").addEventListener("click", async function () {
      var r = await proved(function () {
        return api("POST", "/me/recovery-codes", {}, { guard: true }).then(function (r) {
          if (r.ok) {
            var list = byId("codes-list");
            list.innerHTML = "";
            r.data.codes.forEach(function (code) { var li = t.doc.createElement("li"); li.textContent = code; list.appendChild(li); });
            byId("codes-download").href = "data:text/plain;charset=utf-8," +
              encodeURIComponent(T.codes_file + "\n\n" + r.data.codes.join("\n") + "\n");
            t.reveal(byId("codes"));
            load();
          }
          return r;
        });
      }, failed);
      if (!r.ok) failed(r);
    });
    byId("codes-print").addEventListener("click", function () { window.print(); });

    var me = await api("GET", "/me", undefined, { guard: true });
    if (me.ok && me.data.must_enrol_second_factor) t.reveal(byId("must-enrol"));
    await load();
  };
})(window.traces);
