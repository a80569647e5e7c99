// The person's profile: account, roles with their counts, personal details, and the preferences
// that apply to their role type (the API lists only those digests).
(function (t) {
  "use strict";
  var byId = t.byId, $ = t.$, $all = t.$all, api = t.api;

  t.pages.profile = async function () {
    var me = await api("GET", "/me", undefined, { guard: true });
    t.hide(byId("profile-loading"));
    if (!me.ok) { t.announce(me.data.error.message, true); return; }
    var p = me.data;
    t.rememberMe(p);
    var box = byId("profile");
    t.text($(".js-email", box), p.email);
    t.text($(".js-status", box), t.statusLabel(p));
    t.text($(".js-organisation", box), p.organisation && (p.organisation.name || p.organisation.id));
    $(".js-counts", box).textContent = t.counts(p.authorisation_counts).map(function (c) { return c.text; }).join(" · ");
    var body = $("#roles-table tbody");
    (p.authorisations || []).forEach(function (a) {
      var row = t.doc.createElement("tr");
      var known = p.organisation && p.organisation.id === a.organisation_id && p.organisation.name;
      t.cell(row, a.organisation_name || known || a.organisation_id);
      t.cell(row, t.kindLabel(a.role_kind) + (a.administrator ? " (" + t.T.administrator + ")" : ""));
      t.cell(row, t.statusOf(a.status));
      body.appendChild(row);
    });
    api("GET", "/me/second-factors", undefined, { guard: true }).then(function (r) {
      if (r.ok) $(".js-methods", box).textContent = [t.T.method_password].concat(r.data.second_factors.map(function (f) {
        return t.methodLabel(f.method) + (f.name ? " (" + f.name + ")" : "");
      })).join(" · ");
    });
    var form = byId("profile-form");
    t.fill(form, p);
    t.show(box);
    t.onSubmit(form, async function (data) {
      var r = await api("PATCH", "/me", data, { guard: true });
      if (r.ok) t.announce(t.T.saved);
      return r;
    });

    var prefs = byId("preferences-form"), zone = prefs.elements.namedItem("time_zone");
    var kinds = Object.keys(p.notifications || {});
    zone.value = p.time_zone;
    $all("[data-notification]", prefs).forEach(function (row) {
      var kind = row.getAttribute("data-notification"), box = $("input", row);
      row.hidden = kinds.indexOf(kind) < 0;
      box.checked = !!(p.notifications || {})[kind];
    });
    byId("f-notifications").hidden = !kinds.length;
    api("GET", "/reference/time-zones").then(function (r) {
      var list = byId("time-zones");
      if (r.ok) r.data.forEach(function (z) { var o = t.doc.createElement("option"); o.value = z; list.appendChild(o); });
    });
    t.onSubmit(prefs, async function () {
      var wanted = {};
      kinds.forEach(function (kind) { wanted[kind] = prefs.elements.namedItem(kind).checked; });
      var body = { time_zone: zone.value.trim() };
      if (kinds.length) body.notifications = wanted;
      var r = await api("PATCH", "/me", body, { guard: true });
      if (r.ok) t.announce(t.T.saved);
      return r;
    });
  };
})(window.traces);
