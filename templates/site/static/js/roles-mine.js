// "My roles": every role asked for, with its status, the counts per status, and Withdraw.
(function (t) {
  "use strict";
  var doc = t.doc, byId = t.byId, $ = t.$, api = t.api, T = t.T;

  t.pages["roles-mine"] = async function () {
    var table = byId("roles-table"), body = $("tbody", table);
    async function load() {
      var r = await api("GET", "/authorisations", undefined, { guard: true });
      t.hide(byId("roles-loading"));
      if (!r.ok) { t.announce(r.data.error.message, true); return; }
      var counts = byId("role-counts");
      counts.innerHTML = "";
      t.counts(r.data.counts).forEach(function (c) {
        var li = doc.createElement("li");
        li.textContent = c.text;
        li.setAttribute("data-status", c.status);
        counts.appendChild(li);
      });
      body.innerHTML = "";
      r.data.items.forEach(function (a) {
        var row = doc.createElement("tr");
        t.nodeCell(row, t.orgLink(a.organisation_id, a.organisation_name));
        t.cell(row, t.kindLabel(a.role_kind) + (a.administrator ? " (" + T.administrator + ")" : ""));
        t.cell(row, t.statusOf(a.status)).className = "status-" + a.status;
        t.cell(row, t.date(a.created_at));
        t.cell(row, a.decided_at ? t.date(a.decided_at) + (a.reason ? " – " + a.reason : "") : "");
        var td = t.nodeCell(row);
        if (a.status === "requested") {
          td.appendChild(t.button(T.withdraw, t.fmt(T.withdraw_named, { name: a.organisation_name }), async function (e) {
            e.currentTarget.disabled = true;
            var w = await api("POST", "/authorisations/" + a.id + "/withdraw", {}, { guard: true });
            await load();
            t.announce(w.ok ? T.withdrawn : w.data.error.message, !w.ok);
            t.focusOn(byId("page-status"));
          }, "secondary"));
        }
        body.appendChild(row);
      });
      table.hidden = !r.data.items.length;
      var empty = byId("roles-empty");
      empty.textContent = T.no_roles;
      empty.hidden = !!r.data.items.length;
      t.show(byId("roles"));
    }
    await load();
  };
})(window.traces);
