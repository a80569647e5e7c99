// The forced change after a temporary password, and the voluntary change (SPEC 1.7).
(function (t) {
  "use strict";
  var byId = t.byId, $ = t.$, api = t.api;

  async function passwordPage() {
    var form = byId("password-form");
    var forced = form.getAttribute("data-forced") === "true";
    var me = await api("GET", "/me", undefined, { guard: true });
    if (!me.ok) { t.announce(me.data.error.message, true); return; }
    t.rememberMe(me.data);
    var questions = await api("GET", "/reference/secret-questions");
    var list = questions.ok ? questions.data : [];
    if (forced && me.data.may_choose_secret_question) {
      t.options(form.elements.namedItem("secret_question_id"), list.map(function (q) { return { value: q.id, text: q.text }; }));
      t.show(byId("choose-question"));
    } else {
      var mine = list.filter(function (q) { return q.id === me.data.secret_question_id; })[0];
      if (mine) { $(".js-question", form).textContent = mine.text; t.show(byId("your-question")); }
    }
    t.show(form);
    t.onSubmit(form, async function (data) {
      if (data.secret_question_id) data.secret_question_id = Number(data.secret_question_id);
      var r = await api("POST", "/password/change", data, { guard: true });
      if (r.ok) {
        var user = t.session.user();
        if (user) { user.must_change_password = false; t.session.save(null, user); }
        t.hide(form);
        t.$all("main > p").forEach(t.hide);
        t.reveal(byId("password-done"));
      }
      return r;
    });
  }
  t.pages["password-forced"] = passwordPage;
  t.pages["password-change"] = passwordPage;
})(window.traces);
