// "Request a new password" (SPEC 1.7): always the same answer.
(function (t) {
  "use strict";
  t.pages["forgot-password"] = function () {
    var form = t.byId("forgot-form");
    t.onSubmit(form, async function (data) {
      var r = await t.api("POST", "/password/forgot", { email: data.email });
      if (r.ok) { t.hide(form); t.reveal(t.byId("forgot-done")); }
      return r;
    });
  };
})(window.traces);
