// The authority's back office (SPEC 1.5): the queue of confirmed requests and the search.
(function (t) {
  "use strict";
  var byId = t.byId, $ = t.$, api = t.api, T = t.T;

  function accountRow(account, columns, country) {
    var row = t.doc.createElement("tr");
    var name = [account.first_name, account.last_name].join(" ");
    columns.forEach(function (c) {
      if (c === "name") t.cell(row, name);
      else if (c === "status") t.cell(row, t.statusLabel(account));
      else if (c === "created_at") t.cell(row, t.date(account.created_at));
      else if (c === "country") t.cell(row, country(account.country));
      else t.cell(row, account[c]);
    });
    var link = t.doc.createElement("a");
    link.href = t.url("backoffice/account.html") + "?" + new URLSearchParams({ id: account.id });
    link.textContent = T.open;
    link.setAttribute("aria-label", t.fmt(T.open_account, { name: name }));
    t.nodeCell(row, link);
    return row;
  }

  t.pages.backoffice = async function () {
    var country = await t.countryNames();
    var queue = await api("GET", "/authority/accounts?status=confirmed", undefined, { guard: true });
    var summary = byId("queue-summary");
    if (!queue.ok) { summary.textContent = queue.data.error.message; return; }
    summary.textContent = queue.data.length ? t.fmt(T.queue_count, { count: queue.data.length }) : T.queue_empty;
    var table = byId("queue-table");
    queue.data.forEach(function (a) { $("tbody", table).appendChild(accountRow(a, ["name", "email", "organisation", "postal_code", "city", "created_at"], country)); });
    table.hidden = !queue.data.length;

    var form = byId("search-form");
    var searched = false;
    new URLSearchParams(location.search).forEach(function (value, key) {
      var el = form.elements.namedItem(key);
      if (el) { el.value = value; searched = true; }
    });
    var results = t.pager("results", function (r) {
      var body = $("#results-table tbody");
      body.innerHTML = "";
      r.data.forEach(function (a) { body.appendChild(accountRow(a, ["name", "email", "country", "postal_code", "city", "organisation", "status"], country)); });
      byId("results-table").hidden = !r.data.length;
      byId("results-summary").textContent = r.data.length ? t.fmt(T.result_count, { count: r.data.length }) : T.no_results;
      t.show(byId("results"));
    });
    async function search(data, focus) {
      var query = new URLSearchParams();
      Object.keys(data).forEach(function (k) { if (data[k]) query.set(k, data[k]); });
      var r = await results("/authority/accounts?" + query);
      if (!r.ok) return r;
      history.replaceState(null, "", location.pathname + (String(query) ? "?" + query : ""));
      if (focus) byId("results-title").focus();
      return r;
    }
    t.onSubmit(form, function (data) { return search(data, true); });
    if (searched) search(t.values(form), false);
  };
})(window.traces);
