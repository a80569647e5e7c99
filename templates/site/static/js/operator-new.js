// A new operator (SPEC 2.1), after the duplicate warning, with the person's role request.
(function (t) {
  "use strict";
  var doc = t.doc, byId = t.byId, $ = t.$, $all = t.$all, api = t.api, T = t.T, org = t.org;

  t.pages["operator-new"] = async function () {
    var form = byId("operator-form"), dup = byId("duplicates"), confirm = false;
    var country = await t.countryNames();
    await Promise.all([t.countries(form.elements.namedItem("country")), org.reference()]);
    org.controlBodies(form);
    org.requiredWhen(form);
    var withRequest = form.elements.namedItem("with_request");
    function requestFields() { byId("request-fields").hidden = !withRequest.checked; }
    withRequest.addEventListener("change", requestFields);
    requestFields();
    function done(message, id) {
      t.hide(form);
      var panel = byId("operator-done");
      $(".js-message", panel).textContent = message;
      $(".js-link", panel).href = t.url("roles/organisation.html") + "?" + new URLSearchParams({ id: id });
      t.reveal(panel);
    }
    byId("confirm-duplicate").addEventListener("click", function () {
      confirm = true;
      form.requestSubmit();
    });
    t.onSubmit(form, async function () {
      var o = org.data(form, true);
      if (confirm) o.data.confirm_duplicate = true;
      confirm = false;
      t.hide(dup);
      var r = await api("POST", "/organisations", o.data, { guard: true });
      if (r.ok) { done(r.data.authorisation ? T.created : T.created_only, r.data.id); return r; }
      var e = r.data.error;
      if (e.code === "possible_duplicate") {
        var list = $(".js-list", dup);
        list.innerHTML = "";
        (e.candidates || []).forEach(function (c) {
          var li = doc.createElement("li");
          li.appendChild(t.orgLink(c.id, c.name));
          li.appendChild(doc.createTextNode(" – " + org.place(c, country) + " "));
          li.appendChild(t.button(t.fmt(T.request_in, { name: c.name }), null, async function () {
            var q = await api("POST", "/authorisations", Object.assign({ organisation_id: c.id }, o.data.request || {}), { guard: true });
            if (q.ok) done(t.fmt(T.requested_for, { name: c.name }), c.id);
            else t.showErrors(form, org.remap(q, { message: "request.message", email: "request.email", phone: "request.phone" }));
          }, "secondary"));
          list.appendChild(li);
        });
        t.reveal(dup);
        return null;
      }
      if (e.code === "duplicate_identifier") { e.fields = {}; e.fields[o.data.identifiers.length ? o.map["identifiers.0.value"] : "name"] = e.message; }
      return org.remap(r, o.map);
    });
  };
})(window.traces);
