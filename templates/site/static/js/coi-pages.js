// traces: the certificate pages other than the COI itself: the list, a new COI (the products
// first), the history of a COI, the extract form, the public verification and the export
// certificate models. Helpers from window.traces (site.js and coi.js).
(function () {
  "use strict";
  var t = window.traces, T = t.T, doc = document, byId = t.byId, $ = t.$, $all = t.$all, api = t.api, fmt = t.fmt, el = t.el;
  var G = { guard: true };
  var relative = new Intl.RelativeTimeFormat(t.lang, { numeric: "auto" });
  function ago(iso) {
    var s = (new Date(iso) - Date.now()) / 1000, units = [["year", 31536000], ["month", 2592000], ["day", 86400], ["hour", 3600], ["minute", 60]];
    for (var i = 0; i < units.length; i++) if (Math.abs(s) >= units[i][1]) return relative.format(Math.round(s / units[i][1]), units[i][0]);
    return relative.format(0, "minute");
  }

  // Who may create a COI (SPEC 3; CREATORS of chalicelib/domain/coi.py, in the box table of coi.js):
  // a person with a valid role in an organisation of a creator's kind, with the activity its box asks for.
  async function mayCreate() {
    var roles = (t.session.user() || {}).roles || {}, boxes = t.loadBoxes();
    var found = await Promise.all(Object.keys(roles).map(function (id) {
      return t.api("GET", "/organisations/" + encodeURIComponent(id), undefined, { guard: true });
    }));
    var creators = (await boxes).creators;
    return found.some(function (r) {
      var o = r.ok ? r.data : {};
      return o.status === "valid" && creators.some(function (c) {
        return o.kind === c.kind && (!c.activity || (o.activities || []).indexOf(c.activity) >= 0);
      });
    });
  }

  /* ---------- the list ---------- */
  t.pages["coi-list"] = async function () {
    var form = byId("coi-filters"), table = byId("coi-table"), body = $("tbody", table), cursors = [null], at = 0;
    mayCreate().then(function (yes) { byId("coi-new").hidden = !yes; byId("coi-create-who").hidden = yes; });
    var initial = new URLSearchParams(location.search);
    ["status", "role", "number"].forEach(function (k) { if (initial.get(k)) form.elements.namedItem(k).value = initial.get(k); });
    async function load(page, focus) {
      var q = new URLSearchParams();
      ["status", "role", "number"].forEach(function (k) { var v = form.elements.namedItem(k).value.trim(); if (v) q.set(k, v); });
      history.replaceState(null, "", location.pathname + (String(q) ? "?" + q : ""));
      if (cursors[page]) q.set("cursor", cursors[page]);
      var r = await api("GET", "/cois?" + q, undefined, G);
      t.hide(byId("coi-loading"));
      if (!r.ok) return r;
      at = page;
      cursors[page + 1] = r.data.next;
      body.innerHTML = "";
      r.data.items.forEach(function (c) {
        var row = body.insertRow();
        t.nodeCell(row, t.coiLink(c.id, c.number || T.draft_link));
        var status = t.cell(row, t.statusWord(c.status));
        status.appendChild(el("span", "age", fmt(T.changed_ago, { ago: ago(c.updated_at) })));
        t.cell(row, c.roles.map(function (p) { return T["party_" + p] || p; }).join(", "));
        t.cell(row, c.parties.exporter);
        t.cell(row, c.parties.importer);
        t.cell(row, (c.product || "") + (c.lines > 1 ? " " + fmt(T.more_lines, { count: c.lines - 1 }) : ""));
      });
      table.hidden = !r.data.items.length;
      byId("coi-summary").textContent = r.data.items.length ? "" : T.no_cois;
      byId("page-previous").hidden = !at;
      byId("page-next").hidden = !r.data.next;
      if (focus) t.focusOn(byId("coi-results"));
      return r;
    }
    t.onSubmit(form, function () { cursors = [null]; return load(0, true); });
    byId("page-next").addEventListener("click", function () { load(at + 1, true); });
    byId("page-previous").addEventListener("click", function () { load(at - 1, true); });
    await load(0, false);
  };

  /* ---------- a new COI: the products first ---------- */
  t.pages["coi-new"] = async function () {
    if (!(await mayCreate())) { t.hide(byId("coi-create")); t.show(byId("coi-create-who")); return; }
    var form = byId("commodity-form"), list = byId("commodity-results"), chosen = {}, picked = byId("commodity-chosen");
    function renderChosen() {
      picked.innerHTML = "";
      Object.keys(chosen).forEach(function (code) {
        var li = el("li", "", code + " – " + chosen[code] + " ");
        li.appendChild(t.button(T.remove, fmt(T.remove_named, { name: code }), function () {
          delete chosen[code];
          var box = byId("cn-" + code.replace(/\s/g, ""));
          if (box) box.checked = false;
          renderChosen();
          byId("commodity-done").focus();
        }, "secondary"));
        picked.appendChild(li);
      });
      byId("commodity-none").hidden = !!Object.keys(chosen).length;
    }
    t.onSubmit(form, async function (data) {
      var r = await api("GET", "/commodities?" + new URLSearchParams({ q: (data.q || "").trim() }), undefined, G);
      if (!r.ok) return r;
      list.innerHTML = "";
      r.data.forEach(function (c) {
        var li = el("li", "radio"), box = el("input"), label = el("label", "", c.code + " – " + c.name);
        box.type = "checkbox";
        box.id = label.htmlFor = "cn-" + c.code.replace(/\s/g, "");
        box.checked = !!chosen[c.code];
        box.addEventListener("change", function () {
          if (box.checked) chosen[c.code] = c.name; else delete chosen[c.code];
          renderChosen();
        });
        li.appendChild(box);
        li.appendChild(label);
        list.appendChild(li);
      });
      byId("commodity-summary").textContent = r.data.length ? fmt(T.products_found, { count: r.data.length }) : T.no_products;
      return r;
    });
    byId("commodity-done").addEventListener("click", async function (e) {
      var codes = Object.keys(chosen), button = e.currentTarget;
      if (!codes.length) { t.announce(T.choose_product, true); t.focusOn(byId("page-status")); return; }
      button.disabled = true;
      var r = await api("POST", "/cois", { boxes: { box13: codes.map(function (c) { return { cn_code: c, trade_name: chosen[c].slice(0, 200), unit: "kg" }; }) } }, G);
      if (r.ok) { t.flash(T.opened_create); location.assign(t.coiUrl(r.data.id)); return; }
      button.disabled = false;
      t.announce(r.data.error.message, true);
      t.focusOn(byId("page-status"));
    });
    form.requestSubmit();
  };


  /* ---------- a COI's number and status, for its history and its extract form ---------- */
  async function coiHead() {
    await t.loadCountries();
    var coi = await t.loadCoi();
    if (!coi) return null;
    var head = byId("coi-head");
    $(".js-number", head).textContent = coi.number || T.draft_link;
    t.text($(".js-status", head), t.statusWord(coi.status));
    $(".js-back", head).href = t.coiUrl(coi.id);
    t.show(byId("coi"));
    return coi;
  }

  /* ---------- the history: who, for which organisation, when, what, each box's old and new value ---------- */
  // One item per field that changed (per field of each line for boxes of lines); a signature or
  // a line added or removed as a whole.
  function changes(list, box, old, now) {
    var where = t.legend(box), title = where.replace(/^[\d–]+\. /, "");
    function item(what, a, b) { if (a !== b) list.appendChild(el("li", "", fmt(T.change, { what: what, old: a, new: b }))); }
    if (Array.isArray(old) || Array.isArray(now)) {
      old = old || [];
      now = now || [];
      for (var i = 0; i < Math.max(old.length, now.length); i++) {
        var a = old[i], b = now[i], line = where + " – " + fmt(T.line_n, { n: i + 1 });
        if (!a || !b) item(line, t.boxText(a), t.boxText(b));
        else Object.keys(b).forEach(function (k) { item(line + " – " + (T["f_" + k] || k), t.display(k, a[k]), t.display(k, b[k])); });
      }
    } else if (!old || !now || now.signed_by) item(where, t.boxText(old), t.boxText(now));
    else {
      var keys = Object.keys(Object.assign({}, old, now));
      keys.forEach(function (k) { item(keys.length > 1 && T["f_" + k] && T["f_" + k] !== title ? where + " – " + T["f_" + k] : where, t.display(k, old[k]), t.display(k, now[k])); });
    }
  }
  t.pages["coi-history"] = async function () {
    var coi = await coiHead(), body = $("#history-table tbody"), cursor = null;
    if (!coi) return;
    async function more() {
      var r = await api("GET", "/cois/" + coi.id + "/history" + (cursor ? "?" + new URLSearchParams({ cursor: cursor }) : ""), undefined, G);
      if (!r.ok) { t.announce(r.data.error.message, true); return; }
      r.data.items.forEach(function (h) {
        var row = body.insertRow(), list = el("ul", "changes"), status = h.status || {};
        t.cell(row, t.date(h.at));
        t.cell(row, [h.person || T.system, h.organisation && t.orgText(h.organisation)].filter(Boolean).join(" – "));
        t.cell(row, (T["h_" + h.action] || h.action) + (status.new && status.old !== status.new ? " (" + (status.old ? t.statusWord(status.old) + " → " : "") + t.statusWord(status.new) + ")" : ""));
        Object.keys(h.changes || {}).sort(function (a, b) { return t.B.order.indexOf(a) - t.B.order.indexOf(b); }).forEach(function (b) {
          changes(list, b, h.changes[b].old, h.changes[b].new);
        });
        Object.keys(h.details || {}).forEach(function (k) {
          var li = list.appendChild(el("li", "", (T["d_" + k] || k) + " – "));
          if (/^(replaced_by|extract)$/.test(k)) li.appendChild(t.coiLink(h.details[k], T.open_coi));
          else li.appendChild(doc.createTextNode(T["o_" + h.details[k]] || h.details[k]));
        });
        t.nodeCell(row, list);
      });
      cursor = r.data.next;
      byId("history-more").hidden = !cursor;
      byId("history-table").hidden = !body.rows.length;
    }
    byId("history-more").addEventListener("click", more);
    await more();
  };

  /* ---------- the extract form: the lines of a base with what remains of each ---------- */
  t.pages["coi-extract"] = async function () {
    var coi = await coiHead(), body = $("#extract-lines tbody"), form = byId("extract-form"), inputs = [];
    if (!coi) return;
    if (coi.allowed.actions.indexOf("extracts") < 0) { t.announce(T.no_extract, true); return; }
    (coi.remaining || []).forEach(function (left, i) {
      var line = coi.boxes.box13[i] || {}, row = body.insertRow();
      t.cell(row, String(i + 1));
      t.cell(row, [line.cn_code, line.trade_name, line.lot].filter(Boolean).join(" – "));
      t.cell(row, fmt(T.remaining_line, { packages: left.packages, weight: left.net_weight, unit: left.unit || "" }));
      inputs[i] = ["packages", "net_weight"].map(function (c) {
        var td = row.insertCell(), input = el("input"), label = el("label", "visually-hidden", fmt(T.line_field, { n: i + 1, field: T["f_" + c] }));
        input.type = "text";
        input.inputMode = c === "packages" ? "numeric" : "decimal";
        input.id = label.htmlFor = "extract-" + i + "-" + c;
        input.name = "extract." + i + "." + c;
        td.appendChild(label);
        td.appendChild(input);
        return input;
      });
    });
    t.show(form);
    t.onSubmit(form, async function () {
      var lines = [], where = [];
      inputs.forEach(function (pair, i) {
        var p = pair[0].value.trim(), w = pair[1].value.trim().replace(",", ".");
        if (!p && !w) return;
        lines.push({ line: i, packages: /^\d+$/.test(p) ? Number(p) : p || null, net_weight: w || null });
        where.push(i);
      });
      var r = await api("POST", "/cois/" + coi.id + "/extracts", { version: coi.version, lines: lines }, G);
      if (r.ok) { t.flash(T.opened_extracts); location.assign(t.coiUrl(r.data.id)); return r; }
      var fields = r.data.error.fields || {}, mapped = {};
      Object.keys(fields).forEach(function (k) {
        var m = /^lines\.(\d+)\.(\w+)$/.exec(k);
        mapped[m ? "extract." + where[m[1]] + "." + m[2] : k === "lines" ? "extract.0.net_weight" : k] = fields[k];
      });
      r.data.error.fields = mapped;
      return r;
    });
  };

  /* ---------- the public verification of a COI by its number ---------- */
  t.pages.verify = async function () {
    var form = byId("verify-form"), result = byId("verify-result"), problem = byId("verify-problem");
    var initial = t.param("number"), pdf = byId("pdf-check");
    checkPdf();
    // Opened from a QR code: the PDF's zone comes back under the result, not pushed down by it.
    if (initial) t.hide(pdf);
    await t.loadCountries();
    async function check(number) {
      t.hide(result);
      t.hide(problem);
      var r = await api("GET", "/public/cois/" + encodeURIComponent(number));
      history.replaceState(null, "", location.pathname + "?" + new URLSearchParams({ number: number }));
      if (!r.ok && (r.status === 404 || r.status === 429)) {
        $(".js-message", problem).textContent = r.status === 404 ? T.verify_unknown : T.verify_busy;
        t.reveal(problem);
        return null;
      }
      if (!r.ok) return r;
      var c = r.data, ok = /issued|checked|signed|base_for_extract|depleted/.test(c.status);
      byId("verify-title").textContent = c.number;
      t.text($(".js-status", result), t.statusWord(c.status));
      result.classList.toggle("problem", !ok);
      result.classList.toggle("success", ok);
      t.text($(".js-meaning", result), ok ? T.verify_ok : T.verify_not_ok);
      t.text($(".js-issued", result), c.issued_at && t.date(c.issued_at));
      t.text($(".js-issuer", result), c.issuer && c.issuer.name + (c.issuer.code ? " (" + c.issuer.code + ")" : ""));
      t.text($(".js-export", result), t.countryName(c.country_of_export));
      t.text($(".js-member", result), t.countryName(c.member_state));
      var body = $("tbody", result);
      body.innerHTML = "";
      c.products.forEach(function (p) { var row = body.insertRow(); t.cell(row, p.cn_code); t.cell(row, p.net_weight + " " + (p.unit || "")); });
      t.reveal(result);
      return r;
    }
    t.onSubmit(form, function (data) {
      var number = (data.number || "").trim().toUpperCase();
      if (!number) return Promise.resolve({ ok: false, data: { error: { message: T.invalid_fields, fields: { number: T.verify_required } } } });
      return check(number);
    });
    if (initial) { form.elements.namedItem("number").value = initial; await check(initial.trim().toUpperCase()); }
    pdf.hidden = false;
  };

  /* The public verification of a COI's PDF: dropped on the zone or chosen, sent as it is. */
  function checkPdf() {
    var zone = byId("pdf-drop"), input = byId("f-pdf"), result = byId("pdf-result"), problem = byId("pdf-problem");
    async function send(file) {
      if (!file) return;
      t.hide(result);
      t.hide(problem);
      var r = await api("POST", "/public/verify-pdf", file, { type: "application/pdf" });
      if (!r.ok) {
        $(".js-message", problem).textContent = r.status === 429 ? T.verify_busy : r.data.error.message;
        t.reveal(problem);
        return;
      }
      var c = r.data, valid = c.seal === "valid";
      byId("pdf-result-title").textContent = c.number || file.name;
      result.classList.toggle("success", valid && c.latest);
      result.classList.toggle("problem", !valid || !c.latest);
      t.text($(".js-seal", result), T["seal_" + c.seal]);
      t.text($(".js-signed-by", result), c.signed_by);
      t.text($(".js-signed-at", result), c.signed_at && t.date(c.signed_at));
      t.text($(".js-modified", result), c.seal === "absent" ? null : c.modified_after_seal ? T.seal_yes : T.seal_no);
      t.text($(".js-version", result), c.version);
      t.text($(".js-current", result), c.current && t.statusWord(c.current.status));
      t.text($(".js-latest", result), valid ? (c.latest ? T.seal_latest : T.seal_not_latest) : null);
      t.reveal(result);
    }
    input.addEventListener("change", function () { send(input.files[0]); });
    zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("dragging"); });
    zone.addEventListener("dragleave", function () { zone.classList.remove("dragging"); });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      zone.classList.remove("dragging");
      send(e.dataTransfer.files[0]);
    });
  }

  /* ---------- the export certificate models: filter by country and product ---------- */
  t.pages["export-models"] = function () {
    var form = byId("models-filter"), country = form.elements.namedItem("country"), q = form.elements.namedItem("q");
    function fold(s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
    function filter() {
      var words = fold(q.value).split(/\s+/).filter(Boolean), count = 0;
      $all("[data-country]").forEach(function (group) {
        var shown = 0;
        $all("li", group).forEach(function (li) {
          var text = fold(li.textContent), match = (!country.value || country.value === group.getAttribute("data-country")) && words.every(function (w) { return text.indexOf(w) >= 0; });
          li.hidden = !match;
          shown += match ? 1 : 0;
        });
        group.hidden = !shown;
        count += shown;
      });
      byId("models-count").textContent = count ? fmt(T.models_found, { count: count }) : T.no_models;
    }
    form.addEventListener("submit", function (e) { e.preventDefault(); filter(); });
    country.addEventListener("change", filter);
    q.addEventListener("input", filter);
    filter();
  };
})();
