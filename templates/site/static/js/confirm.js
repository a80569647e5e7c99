// The page of the confirmation link (SPEC 1.2): opening it confirms nothing; the button does.
(function (t) {
  "use strict";
  var byId = t.byId, $ = t.$, api = t.api;

  t.pages.confirm = async function () {
    var token = t.param("token");
    var loading = byId("confirm-loading");
    function problem(id, message) {
      t.hide(loading);
      var panel = byId(id);
      if (message && $(".js-message", panel)) $(".js-message", panel).textContent = message;
      t.reveal(panel);
    }
    if (!token) { problem("confirm-invalid"); return; }
    var result = await api("GET", "/accounts/confirm?" + new URLSearchParams({ token: token }));
    if (result.status === 410) { problem("confirm-expired"); }
    else if (!result.ok) { problem("confirm-invalid", result.status === 404 ? null : result.data.error.message); }
    else if (result.data.status !== "new") { problem("confirm-already"); }
    else {
      t.hide(loading);
      var section = byId("confirm-request");
      $(".js-name", section).textContent = [result.data.first_name, result.data.last_name].join(" ");
      $(".js-email", section).textContent = result.data.email;
      t.show(section);
    }
    t.onSubmit(byId("confirm-form"), async function () {
      var r = await api("POST", "/accounts/confirm", { token: token });
      if (r.ok) { t.hide(byId("confirm-request")); t.reveal(byId("confirm-done")); }
      else if (r.status === 410) { t.hide(byId("confirm-request")); problem("confirm-expired"); return null; }
      return r;
    });
    t.onSubmit(byId("resend-form"), async function (data) {
      var r = await api("POST", "/accounts/confirm/resend", { email: data.email });
      if (r.ok) { t.hide(byId("confirm-expired")); t.reveal(byId("resend-done")); }
      return r;
    });
  };
})(window.traces);
