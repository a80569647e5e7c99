// The registration form (SPEC 1.1), with the anti-automation code: a code serves once, so every
// answer of the API (which names all the problems of the form at once) brings a new one.
(function (t) {
  "use strict";
  var byId = t.byId, $ = t.$, $all = t.$all, api = t.api;

  t.pages.register = function () {
    var form = byId("register-form");
    var questions = form.elements.namedItem("secret_question_id");
    api("GET", "/reference/secret-questions").then(function (r) {
      if (r.ok) t.options(questions, r.data.map(function (q) { return { value: q.id, text: q.text }; }));
      else t.announce(r.data.error.message, true);
    });
    t.countries(form.elements.namedItem("organisation.country"));

    function newCaptcha() {
      return api("GET", "/captcha").then(function (r) {
        if (!r.ok) { t.announce(t.T.captcha_failed, true); return; }
        form.elements.namedItem("captcha_id").value = r.data.captcha_id;
        byId("captcha-image").src = r.data.image;
        byId("captcha-audio").src = r.data.audio;
        form.elements.namedItem("captcha_answer").value = "";
      });
    }
    newCaptcha();
    byId("captcha-new").addEventListener("click", function () {
      newCaptcha().then(function () { form.elements.namedItem("captcha_answer").focus(); });
    });

    function mode() {
      var existing = byId("org-mode-existing").checked;
      byId("org-existing").hidden = !existing;
      byId("org-new").hidden = existing;
    }
    $all("[name=organisation_mode]").forEach(function (r) { r.addEventListener("change", mode); });
    mode();

    t.onSubmit(form, async function (data) {
      if (data.secret_question_id) data.secret_question_id = Number(data.secret_question_id);
      ["phone", "fax", "additional_info"].forEach(function (k) { if (data[k] === "") delete data[k]; });
      var result = await api("POST", "/accounts", data);
      if (result.ok) {
        $(".js-email", byId("register-done")).textContent = data.email;
        t.hide(form);
        t.hide(byId("register-intro"));
        t.reveal(byId("register-done"));
        return result;
      }
      await newCaptcha();  // a code serves once: every answer from the API spends it
      return result;
    });
  };
})(window.traces);
