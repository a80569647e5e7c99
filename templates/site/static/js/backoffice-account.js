// One account in the back office: Activate, Refuse, Reset password, Reset second factors, Unlock,
// Delete, Save.
(function (t) {
  "use strict";
  var byId = t.byId, $ = t.$, $all = t.$all, api = t.api, T = t.T;

  t.pages["backoffice-account"] = async function () {
    var id = t.param("id");
    var loading = byId("account-loading"), box = byId("account"), problem = byId("account-problem");
    var form = byId("account-form"), actionErrors = byId("action-errors");
    var path = "/authority/accounts/" + encodeURIComponent(id || "");
    var country = await t.countryNames();

    function render(a) {
      $(".js-title", box).textContent = [a.first_name, a.last_name].join(" ");
      t.text($(".js-status", box), t.statusLabel(a));
      ["email", "organisation", "postal_code", "city"].forEach(function (k) { t.text($(".js-" + k, box), a[k]); });
      t.text($(".js-country", box), a.country && country(a.country));
      ["created_at", "confirmed_at", "validated_at", "last_login_at"].forEach(function (k) { $(".js-" + k, box).textContent = t.date(a[k]); });
      $all("[data-when-status]", box).forEach(function (b) {
        b.hidden = b.getAttribute("data-when-status").split(" ").indexOf(a.status) < 0;
      });
      byId("do-unlock").hidden = !a.locked;
      $(".js-second_factors", box).textContent = (a.second_factors || []).map(t.methodLabel).join(", ") || T.no_factor;
      byId("do-reset-factors").hidden = a.status !== "valid" || !(a.second_factors || []).length;
      t.fill(form, a);
      form.closest("section").hidden = a.status === "deleted";
    }

    async function load() {
      var r = await api("GET", path, undefined, { guard: true });
      t.hide(loading);
      if (!r.ok) { $(".js-message", problem).textContent = r.data.error.message; t.reveal(problem); t.hide(box); return null; }
      render(r.data);
      t.show(box);
      return r;
    }
    if (!id) { t.hide(loading); $(".js-message", problem).textContent = T.unexpected; t.reveal(problem); return; }
    await load();

    function actionFailed(r) {
      $(".error-message", actionErrors).textContent = r.data.error.message;
      $(".error-list", actionErrors).innerHTML = "";
      t.show(actionErrors);
      actionErrors.focus();
    }
    async function act(button, method, suffix, body, message) {
      t.hide(actionErrors);
      button.disabled = true;
      try {
        var r = await api(method, path + suffix, body, { guard: true });
        if (!r.ok) { actionFailed(r); return r; }
        t.hide(byId("refuse-form"));
        t.hide(byId("delete-confirm"));
        await load();
        t.announce(message);
        t.focusOn(byId("page-status"));
        return r;
      } catch (e) {
        if (!e || !e.redirecting) throw e;
      } finally { button.disabled = false; }
    }
    function toggle(button, panel) {
      button.addEventListener("click", function () {
        var open = panel.hidden;
        panel.hidden = !open;
        button.setAttribute("aria-expanded", String(open));
        if (open) { var first = $("textarea, button", panel); if (first) first.focus(); }
      });
    }
    byId("do-activate").addEventListener("click", function (e) { act(e.currentTarget, "POST", "/activate", {}, T.activated); });
    byId("do-unlock").addEventListener("click", function (e) { act(e.currentTarget, "POST", "/unlock", {}, T.unlocked); });
    byId("do-reset").addEventListener("click", function (e) { act(e.currentTarget, "POST", "/reset-password", {}, T.reset); });
    byId("do-reset-factors").addEventListener("click", function (e) { act(e.currentTarget, "POST", "/reset-second-factor", {}, T.factors_reset); });
    toggle(byId("do-refuse"), byId("refuse-form"));
    toggle(byId("do-delete"), byId("delete-confirm"));
    byId("do-delete-confirm").addEventListener("click", function (e) { act(e.currentTarget, "DELETE", "", undefined, T.deleted); });
    var refuse = byId("refuse-form");
    t.onSubmit(refuse, async function (data) {
      var r = await api("POST", path + "/refuse", { reason: data.reason }, { guard: true });
      if (r.ok) { refuse.reset(); t.hide(refuse); await load(); t.announce(T.refused); t.focusOn(byId("page-status")); }
      return r;
    });
    t.onSubmit(form, async function (data) {
      var r = await api("PATCH", path, data, { guard: true });
      if (r.ok) { await load(); t.announce(T.saved); }
      return r;
    });
  };
})(window.traces);
