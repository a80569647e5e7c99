// traces: what the certificate of inspection (COI) pages share: the boxes and their fields,
// values as text, countries and organisations by name. It adds them to window.traces (site.js's
// helpers); coi-view.js and coi-pages.js hold the pages. The boxes are the domain's box table
// (chalicelib/domain/coi_table.py), which the site build writes as static/coi-boxes.json.
(function () {
  "use strict";
  var t = window.traces, T = t.T, doc = document, $ = t.$, $all = t.$all;
  var names = {}, countries = [];
  // field -> its kind, size, choices, default, and the kind and activity of the organisation it
  // names (a field of a box written by a client before one of a derived box); the signatures' fields
  var F = { outcome: { kind: "choice" }, at: { kind: "at" } };
  // B.boxes: box -> its fields; B.written: the boxes a client writes; B.order: every box in the
  // order of the official model; B.table: the file as read (lines, member states, creators)
  var B = { boxes: {}, written: [] }, table = null;
  function take(found) {
    var names = Object.keys(found.boxes);
    names.forEach(function (name) {
      var fields = found.boxes[name].fields;
      B.boxes[name] = Object.keys(fields).map(function (f) { return Object.assign({ name: f }, fields[f]); });
      if (!found.boxes[name].derived) B.written.push(name);
    });
    B.written.concat(names).forEach(function (name) { B.boxes[name].forEach(function (f) { F[f.name] = F[f.name] || f; }); });
    B.order = names.concat(found.signatures);
    B.table = found;
    return found;
  }
  // The box table, read once (its address, named by its content, is in the page's head).
  function loadBoxes() {
    table = table || fetch($("meta[name=coi-boxes]").content).then(function (r) { return r.json(); }).then(take);
    return table;
  }

  function el(tag, cls, value) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (value !== undefined && value !== null) e.textContent = value;
    return e;
  }
  function empty(v) { return v === null || v === undefined || v === "" || (Array.isArray(v) && !v.length); }
  function statusWord(s) { return T["coi_" + s] || s; }
  function coiUrl(id, page) { return t.url("cois/" + (page || "view") + ".html") + "?" + new URLSearchParams({ id: id }); }
  function coiLink(id, label, page) { var a = el("a", "", label); a.href = coiUrl(id, page); return a; }
  async function loadCountries() {
    if (!countries.length) { var r = await t.api("GET", "/reference/countries"); if (r.ok) countries.push.apply(countries, r.data); }
    return countries;
  }
  function countryName(code) {
    var c = countries.filter(function (x) { return x.code === code; })[0];
    return code ? (c ? c.name + " (" + code + ")" : code) : T.none;
  }
  function countryItems(only) {
    return countries.filter(function (c) { return !only || only.indexOf(c.code) >= 0; }).map(function (c) { return [c.code, c.name + " (" + c.code + ")"]; });
  }
  function orgText(id) {
    var o = names[id];
    if (!id) return T.none;
    return o ? o.name + (o.code ? " (" + o.code + ")" : "") + " – " + [o.city, o.country].filter(Boolean).join(", ") : id;
  }
  // A value as text, by the kind of its field.
  function display(name, v) {
    var type = (F[name] || {}).kind;
    if (empty(v)) return T.none;
    if (type === "organisation") return orgText(v);
    if (type === "country" || type === "member_state") return countryName(v);
    if (type === "countries") return v.map(countryName).join(", ");
    if (type === "boolean") return v ? T.yes : T.no;
    if (type === "choice") return T["o_" + v] || v;
    if (type === "at") return t.date(v);
    return String(v) + (name === "gross_weight" ? " kg" : "");
  }
  // A box's value in one line of text (history, derived boxes).
  function boxText(value) {
    if (empty(value)) return T.none;
    if (Array.isArray(value)) return value.map(boxText).join(" ; ");
    if (typeof value !== "object") return String(value);
    return Object.keys(value).filter(function (k) { return !empty(value[k]) && value[k] !== false; }).map(function (k) {
      return k === "release_by_batches" ? T.f_release_by_batches : k === "signed_by" ? t.fmt(T.signed_by, { name: value[k] }) : display(k, value[k]);
    }).join(", ") || T.none;
  }
  function legend(box) { var l = $("#box-" + box + " legend"); return l ? l.textContent.trim() : T["box_" + box] || box; }
  // Tables shown as stacked cards on small screens read their column names from data-label.
  function labelCells(table) {
    var heads = $all("thead th", table).map(function (th) { return th.textContent; });
    $all("tbody tr", table).forEach(function (row) {
      Array.prototype.forEach.call(row.cells, function (td, i) { if (heads[i]) td.setAttribute("data-label", heads[i]); });
    });
  }
  // GET /cois/{id} of the page's ?id=: the COI, or null after showing why in #coi-problem.
  async function loadCoi() {
    var id = t.param("id"), problem = t.byId("coi-problem"), boxes = loadBoxes();
    var r = id ? await t.api("GET", "/cois/" + encodeURIComponent(id), undefined, { guard: true }) : null;
    await boxes;
    t.hide(t.byId("coi-loading"));
    if (r && r.ok) { Object.assign(names, r.data.organisations || {}); return r.data; }
    $(".js-message", problem).textContent = r ? r.data.error.message : problem.getAttribute("data-no-id");
    t.reveal(problem);
    return null;
  }

  Object.assign(t, { F: F, B: B, loadBoxes: loadBoxes, names: names, countries: countries, el: el, empty: empty, statusWord: statusWord, coiUrl: coiUrl,
    coiLink: coiLink, loadCountries: loadCountries, countryName: countryName, countryItems: countryItems,
    orgText: orgText, display: display, boxText: boxText, legend: legend, labelCells: labelCells, loadCoi: loadCoi });
})();
