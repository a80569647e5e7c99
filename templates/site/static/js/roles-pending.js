// The validator's lists (SPEC 2.2): the requests to decide, then the valid and the suspended
// roles the caller may act on, each from GET /authorisations/pending?status=, a page at a time.
// Every decision is confirmed in a dialog (with a reason for Reject and Suspend) and reloads the
// three lists.
(function (t) {
  "use strict";
  var doc = t.doc, byId = t.byId, $ = t.$, api = t.api, T = t.T;
  var ACTIONS = { requested: ["validate", "reject"], valid: ["suspend", "admin"], suspended: ["reinstate"] };
  var CONFIRMED = ["validate", "reject", "suspend"];
  var WITH_REASON = ["reject", "suspend"];

  t.pages["roles-pending"] = async function () {
    var errors = byId("action-errors"), lists = {};
    var dialog = byId("reason-dialog"), reasonForm = byId("reason-form"), waiting = null;
    var pagers = {};
    ["requested", "valid", "suspended"].forEach(function (s) { pagers[s] = t.pager(s === "requested" ? "pending" : s, function (r) { lists[s] = r.data; render(s); }); });
    async function load(status) {
      var r = await pagers[status]("/authorisations/pending?status=" + status);
      if (!r.ok) t.announce(r.data.error.message, true);
      return r.ok;
    }
    function reload() { return Promise.all(["requested", "valid", "suspended"].map(load)); }
    var ok = await load("requested");
    t.hide(byId("pending-loading"));
    if (!ok) return;
    await Promise.all([load("valid"), load("suspended")]);
    $("[data-close]", dialog).addEventListener("click", function () { dialog.close(); });

    async function act(a, action, data) {
      t.hide(errors);
      var path = "/authorisations/" + a.id + "/" + (action === "admin" ? "administrator" : action);
      var q = await api("POST", path, action === "admin" ? { administrator: !a.administrator } : data || {}, { guard: true });
      if (!q.ok) {
        if (data && q.status === 400) return q;
        $(".error-message", errors).textContent = q.data.error.message;
        dialog.close();
        t.reveal(errors);
        return null;
      }
      dialog.close();
      await reload();
      t.announce(T["done_" + action]);
      t.focusOn(byId("page-status"));
      return q;
    }
    t.onSubmit(reasonForm, function (data) {
      return act(waiting[0], waiting[1], WITH_REASON.indexOf(waiting[1]) >= 0 ? { reason: data.reason } : {});
    });
    function ask(a, action, who) {
      waiting = [a, action];
      byId("reason-title").textContent = T["title_" + action];
      $(".js-who", reasonForm).textContent = who;
      t.clearErrors(reasonForm);
      reasonForm.reset();
      var reason = WITH_REASON.indexOf(action) >= 0;
      byId("reason-field").hidden = !reason;
      byId("validate-note").hidden = action !== "validate";
      var submit = $("button[type=submit]", reasonForm);
      submit.textContent = T["confirm_" + action];
      submit.className = reason ? "warning" : "";
      dialog.showModal();
    }
    function render(status) {
      var id = status === "requested" ? "pending" : status, table = byId(id + "-table"), body = $("tbody", table), items = lists[status];
      body.innerHTML = "";
      items.forEach(function (a) {
        var row = doc.createElement("tr"), name = a.requester_name || a.account_id;
        var who = name + " – " + a.organisation_name;
        t.cell(row, name + " – " + (a.requester_email || ""));
        var organisation = t.nodeCell(row, t.orgLink(a.organisation_id, a.organisation_name));
        organisation.appendChild(doc.createTextNode([" ", a.postal_code, a.city].filter(Boolean).join(" ")));
        t.cell(row, t.kindLabel(a.role_kind) + (a.administrator ? " (" + T.administrator + ")" : ""));
        t.cell(row, [t.date(a.created_at), a.message, a.email, a.phone].filter(Boolean).join(" · "));
        t.cell(row, t.statusOf(a.status) + (a.status === "suspended" && a.reason ? " – " + a.reason : ""));
        var td = t.nodeCell(row);
        ACTIONS[status].forEach(function (action) {
          var label = action === "admin" ? (a.administrator ? T.remove_admin : T.grant_admin) : T[action];
          td.appendChild(t.button(label, t.fmt(T.action_for, { action: label, name: name + ", " + a.organisation_name }), function () {
            if (CONFIRMED.indexOf(action) >= 0) ask(a, action, who); else act(a, action);
          }, action === "validate" || action === "reinstate" ? "" : "secondary"));
          td.appendChild(doc.createTextNode(" "));
        });
        body.appendChild(row);
      });
      table.hidden = !items.length;
      byId(id + "-summary").textContent = items.length ? (id === "pending" ? t.fmt(T.pending_count, { count: items.length }) : "") : T[id + "_empty"];
    }
  };
})(window.traces);
