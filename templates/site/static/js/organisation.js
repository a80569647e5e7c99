// One organisation of the directory, editable by its administrators and validators.
(function (t) {
  "use strict";
  var byId = t.byId, $ = t.$, $all = t.$all, api = t.api, T = t.T, org = t.org;

  t.pages.organisation = async function () {
    var id = t.param("id") || "", box = byId("org"), form = byId("org-form"), found = null;
    var names = org.reference(), country = await t.countryNames();
    async function load() {
      await names;
      var r = await api("GET", "/organisations/" + encodeURIComponent(id), undefined, { guard: true });
      t.hide(byId("org-loading"));
      if (!r.ok) { var p = byId("org-problem"); $(".js-message", p).textContent = r.data.error.message; t.reveal(p); return null; }
      var o = found = r.data;
      t.text($(".js-name", box), o.name);
      t.text($(".js-kind", box), t.kindLabel(o.kind));
      t.text($(".js-status", box), o.status === "requested" ? T.status_requested_org : t.statusOf(o.status));
      t.text($(".js-address", box), [o.address, [o.postal_code, o.city].filter(Boolean).join(" ")].filter(Boolean).join(", "));
      t.text($(".js-country", box), o.country && country(o.country));
      t.text($(".js-contacts", box), Object.keys(o.contacts || {}).map(function (k) { return o.contacts[k]; }).join(", "));
      t.text($(".js-codes", box), org.codesText(o.codes));
      t.text($(".js-sections", box), (o.sections || []).map(function (s) { return T["section_" + s] || s; }).join(", "));
      t.text($(".js-activities", box), org.activitiesText(o));
      ["control_body_id", "administrator_count", "validator_id"].forEach(function (k) { t.text($(".js-" + k, box), o[k]); });
      $(".js-request", box).href = t.url("roles/request.html") + "?" + new URLSearchParams({ country: o.country, q: o.name });
      t.show(box);
      return r;
    }
    if (!(await load())) return;
    if (!found.may_edit) return;
    t.machines();
    await t.countries(form.elements.namedItem("country"), found.country);
    org.controlBodies(form);
    function fillOrg() {
      var o = found, ids = o.identifiers || [], eori = ids.filter(function (i) { return i.type === "eori"; })[0], other = ids.filter(function (i) { return i.type !== "eori"; })[0];
      var c = o.contacts || {}, data = { eori: eori && eori.value, other_type: other ? other.type : "vat", other_value: other && other.value };
      ["name", "address", "postal_code", "city", "region", "country", "control_body_id"].forEach(function (k) { data[k] = o[k]; });
      ["phone", "fax", "email", "web_site"].forEach(function (k) { data["contacts." + k] = c[k]; });
      t.fill(form, data);
      $all("input[type=checkbox]", form).forEach(function (b) { b.checked = (o[b.name] || []).indexOf(b.value) >= 0; });
    }
    fillOrg();
    var requirements = org.requiredWhen(form);
    requirements();
    if (found.kind !== "operator") form.elements.namedItem("control_body_id").closest(".field").hidden = true;
    t.show(byId("org-edit"));
    t.onSubmit(form, async function () {
      var o = org.data(form, false);
      o.data.version = found.version;
      var r = org.remap(await api("PATCH", "/organisations/" + encodeURIComponent(id), o.data, { guard: true }), o.map);
      if (r.ok) { await load(); fillOrg(); requirements(); t.announce(T.saved_org); t.focusOn(byId("page-status")); }
      return r;
    });
  };
})(window.traces);
