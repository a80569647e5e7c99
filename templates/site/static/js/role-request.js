// Requesting a role (SPEC 2.2), one path: search the directory, pick an organisation with its
// row's button, send the request from the dialog, land on "My roles" where the request shows.
(function (t) {
  "use strict";
  var doc = t.doc, byId = t.byId, $ = t.$, $all = t.$all, api = t.api, T = t.T, org = t.org;

  t.pages["role-request"] = async function () {
    var me = await api("GET", "/me", undefined, { guard: true });
    if (!me.ok) { t.announce(me.data.error.message, true); return; }
    t.rememberMe(me.data);
    var auths = me.data.authorisations || [];
    byId("no-role").hidden = auths.some(function (a) { return a.status === "valid"; });
    // A person holds one type of role: once they hold or ask for one, no choice is offered.
    var held = me.data.role_kind && auths.some(function (a) { return a.status !== "rejected" && a.status !== "withdrawn"; }) && me.data.role_kind;
    if (held) {
      byId("kind-" + held).checked = true;
      t.hide(byId("kind-form"));
      byId("kind-held").textContent = t.fmt(T.kind_held, { kind: t.kindLabel(held) });
      t.show(byId("kind-held"));
    }
    var mine = {};
    auths.forEach(function (a) { if (a.status !== "rejected" && a.status !== "withdrawn") mine[a.organisation_id] = a.status; });

    var form = byId("search-form"), dialog = byId("request-dialog"), requestForm = byId("request-form");
    var body = $("#results-table tbody"), cursors = [null], at = 0, chosen = null;
    function kind() { return ($("input[name=kind]:checked") || {}).value || "operator"; }
    function kindChanged() { $all(".js-create-operator").forEach(function (el) { el.hidden = kind() !== "operator"; }); }
    $all("input[name=kind]").forEach(function (r) { r.addEventListener("change", function () { kindChanged(); if (!byId("results").hidden) search(0, false); }); });
    kindChanged();
    var initial = new URLSearchParams(location.search);
    var country = await t.countryNames();
    await Promise.all([t.countries(form.elements.namedItem("country"), initial.get("country")), org.reference()]);
    if (initial.get("q")) form.elements.namedItem("q").value = initial.get("q");

    function pick(o) {
      chosen = o;
      $(".js-orgs", requestForm).textContent = o.name + " – " + org.place(o, country);
      t.clearErrors(requestForm);
      requestForm.reset();
      dialog.showModal();
    }

    async function search(page, focus) {
      var query = new URLSearchParams({ kind: kind() });
      var v = t.values(form);
      ["country", "section", "activity", "q"].forEach(function (k) { if (v[k]) query.set(k, v[k]); });
      if (cursors[page]) query.set("cursor", cursors[page]);
      var r = await api("GET", "/organisations?" + query, undefined, { guard: true });
      if (!r.ok) return r;
      at = page;
      cursors[page + 1] = r.data.cursor;
      body.innerHTML = "";
      r.data.items.forEach(function (o) {
        var row = doc.createElement("tr");
        t.nodeCell(row, t.orgLink(o.id, o.name));
        t.cell(row, org.place(o, country));
        t.cell(row, [org.activitiesText(o), org.codesText(o.codes)].filter(Boolean).join(" · "));
        if (mine[o.id]) t.cell(row, t.statusOf(mine[o.id]));
        else t.nodeCell(row, t.button(T.request, t.fmt(T.request_in, { name: o.name }), function () { pick(o); }));
        body.appendChild(row);
      });
      var some = r.data.items.length;
      byId("results-table").hidden = !some;
      byId("results-summary").textContent = some ? t.fmt(T.found, { count: some }) : T.none_found;
      byId("page-previous").hidden = !at;
      byId("page-next").hidden = !r.data.cursor;
      byId("pages").hidden = !at && !r.data.cursor;
      t.show(byId("results"));
      if (focus) byId("results-title").focus();
      return r;
    }
    t.onSubmit(form, function () { cursors = [null]; return search(0, true); });
    byId("page-next").addEventListener("click", function () { search(at + 1, true); });
    byId("page-previous").addEventListener("click", function () { search(at - 1, true); });
    if (initial.get("q")) search(0, false);

    $("[data-close]", dialog).addEventListener("click", function () { dialog.close(); });
    t.onSubmit(requestForm, async function (data) {
      var r = await api("POST", "/authorisations", Object.assign({ organisation_id: chosen.id }, data), { guard: true });
      if (r.ok) {
        t.flash(t.fmt(T.sent, { name: chosen.name }));
        location.assign(t.url("roles/mine.html"));
      }
      return r;
    });
  };
})(window.traces);
