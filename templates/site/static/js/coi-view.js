// traces: the COI page (cois/view.html), box by box in the order of the official model. Each
// box is editable where `allowed.edit` says so and plain text elsewhere; what is typed goes into
// `draft`, and saving sends the boxes that changed. The actions allowed are buttons that confirm.
(function () {
  "use strict";
  var t = window.traces, T = t.T, doc = document, byId = t.byId, $ = t.$, $all = t.$all, fmt = t.fmt, el = t.el, F = t.F, B = t.B;
  var G = { guard: true };
  // The boxes and their fields are the domain's box table (t.B, coi.js); a choice of one value is
  // not asked: it is its default.
  function asked(box) {
    return B.boxes[box].filter(function (f) { return !(f.kind === "choice" && f.choices.length === 1); }).map(function (f) { return f.name; });
  }
  // The organisations of the export side are searched in the country of export, the others in the member state.
  var EXPORT_SIDE = ["issuer", "exporter", "producer", "producer_control_body"];
  var ACTIONS = ["submit", "issue", "verify", "sign", "replace", "extracts", "deplete", "irregularity", "delete"];
  var coi = null, draft = {}, pending = null, picking = null;
  // Countries chosen in a list of box 7 without pressing "Add": field -> what adds it (saving adds them).
  var unadded = {};
  // The certificates this one links to, as the viewer may see them: id -> the COI, or null.
  var linked = {};

  function copy(v) { return JSON.parse(JSON.stringify(v === undefined ? null : v)); }
  function later(id) { setTimeout(function () { var again = byId(id); if (again) again.focus(); }); }
  function may(box) { return coi.allowed.edit.indexOf(box) >= 0; }
  function quantities() { return may("box13.packages"); }
  function editable(box) { return may(box) || (box === "box13" && quantities()); }
  function changed() {
    return B.written.filter(function (b) { return editable(b) && JSON.stringify(draft[b]) !== JSON.stringify(coi.boxes[b] === undefined ? null : coi.boxes[b]); });
  }
  function select(id, items, value) {
    var s = el("select");
    s.id = id;
    s.appendChild(new Option(T.pick, ""));
    items.forEach(function (i) { s.appendChild(new Option(i[1], i[0])); });
    s.value = value || "";
    return s;
  }
  // The COI as the API sent it; `keep`: boxes typed before a reload, kept over the new values.
  function take(found, keep) {
    coi = found;
    Object.assign(t.names, found.organisations || {});
    draft = {};
    unadded = {};
    B.written.forEach(function (b) { draft[b] = copy(keep && keep[b] !== undefined && editable(b) ? keep[b] : found.boxes[b]); });
    renderHead();
    $all("fieldset[name]", form).forEach(function (fs) { renderBox(fs.name.slice(6)); });
    renderActions();
    t.show(byId("coi"));
  }

  /* the head: number, status, links, what I may change */
  function renderHead() {
    var head = byId("coi-head"), links = $(".js-links", head), check = $(".js-verify", head), mine = byId("coi-may");
    t.text($(".js-number", head), coi.number || T.no_number);
    t.text($(".js-status", head), t.statusWord(coi.status) + (coi.irregularity ? " – " + coi.irregularity : ""));
    t.text($(".js-updated", head), t.date(coi.updated_at));
    t.text($(".js-creator", head), t.orgText(coi.created_by_organisation));
    renderLinks(links);
    $(".js-pdf", head).href = "/api/cois/" + encodeURIComponent(coi.id) + "/pdf";
    $(".js-history", head).href = t.coiUrl(coi.id, "history");
    check.hidden = !coi.number;
    check.href = t.url("verify.html") + "?" + new URLSearchParams({ number: coi.number || "" });
    var boxes = B.written.filter(editable);
    mine.innerHTML = "";
    mine.appendChild(doc.createTextNode(boxes.length ? T.you_may_change + " " : T.you_may_not_change));
    boxes.forEach(function (b, i) {
      var a = el("a", "", t.legend(b).split(".")[0]);
      a.href = "#box-" + b;
      mine.appendChild(a);
      if (i < boxes.length - 1) mine.appendChild(doc.createTextNode(" · "));
    });
  }

  /* the certificates this one replaces, is replaced by, is an extract of, or split into: each by
     its number, a link only to those the viewer may open (another organisation's draft is not) */
  async function renderLinks(links) {
    var kinds = [["replaces", [coi.replaces]], ["replaced_by", [coi.replaced_by]], ["extract_of", [coi.extract_of]], ["extracts", coi.extracts]];
    var ids = [].concat.apply([], kinds.map(function (k) { return k[1]; })).filter(function (x) { return x && !(x in linked); });
    await Promise.all(ids.map(async function (x) {
      var r = await t.api("GET", "/cois/" + encodeURIComponent(x), undefined, G);
      linked[x] = r.ok ? r.data : null;
    }));
    links.innerHTML = "";
    kinds.forEach(function (k) {
      var found = k[1].filter(Boolean), li = el("li", "", T["link_" + k[0]]);
      found.forEach(function (x, i) {
        var other = linked[x], name = k[0] === "extracts" ? fmt(T.extract_n, { n: i + 1 }) : "";
        var label = other ? [name, other.number || T.draft].filter(Boolean).join(" – ") : fmt(T.link_unseen, { name: name || T.draft });
        li.appendChild(doc.createTextNode(i ? ", " : " "));
        li.appendChild(other ? t.coiLink(x, label) : doc.createTextNode(label));
      });
      if (found.length) links.appendChild(li);
    });
    links.hidden = !links.children.length;
  }

  /* one field, editable: written into the draft as it is typed */
  function editField(holder, key, name, value, set, label) {
    var spec = F[name], type = spec.kind, fid = "b-" + key.replace(/\./g, "-"), wrap = el("div", "field"), input;
    var lab = el("label", holder.tagName === "TD" ? "visually-hidden" : "", label || T["f_" + name]);
    lab.htmlFor = fid;
    wrap.appendChild(lab);
    holder.appendChild(wrap);
    if (type === "organisation") return orgField(wrap, lab, fid, key, name, value, set);
    if (type === "countries") return countriesField(wrap, fid, key, value || [], set);
    if (type === "boolean") {
      wrap.className = "radio";
      input = el("input");
      input.type = "checkbox";
      input.checked = !!value;
      input.addEventListener("change", function () { set(input.checked); later(fid); });
      wrap.insertBefore(input, lab);
    } else if (type === "choice" || type === "country" || type === "member_state") {
      input = select(fid, type === "choice" ? spec.choices.map(function (v) { return [v, T["o_" + v] || v]; }) : t.countryItems(type === "member_state" ? B.table.member_states.split(" ") : null), value);
      input.addEventListener("change", function () { set(input.value || null); });
    } else {
      input = el("input");
      input.type = type === "date" ? "date" : "text";
      if (spec.size) input.maxLength = spec.size;
      if (type === "count" || type === "weight") input.inputMode = type === "count" ? "numeric" : "decimal";
      input.value = value === null || value === undefined ? "" : value;
      input.addEventListener("input", function () {
        var v = input.value.trim();
        if (type === "weight") v = v.replace(",", ".");
        set(v === "" ? null : type === "count" && /^\d+$/.test(v) ? Number(v) : v);
      });
    }
    input.id = fid;
    input.name = key;
    wrap.appendChild(input);
    return input;
  }
  // An organisation: its name, and a button that opens the directory search.
  function orgField(wrap, lab, fid, key, name, value, set) {
    var chosen = el("p", "org-chosen", value ? t.orgText(value) : T.none_chosen);
    var change = t.button(value ? T.change : T.choose, null, function () { pick(name, function (o) { set(o.id); }, fid); }, "secondary");
    chosen.id = fid + "-chosen";
    change.id = fid;
    change.name = key;
    change.setAttribute("aria-label", change.textContent + " – " + lab.textContent);
    change.setAttribute("aria-describedby", chosen.id);
    wrap.appendChild(chosen);
    wrap.appendChild(change);
    if (value) wrap.appendChild(t.button(T.remove, fmt(T.remove_named, { name: lab.textContent }), function () { set(null); later(fid); }, "secondary"));
    return change;
  }
  function countriesField(wrap, fid, key, value, set) {
    var list = el("ul", "chips"), add = select(fid, t.countryItems(), "");
    value.forEach(function (c) {
      var li = el("li", "", t.countryName(c) + " ");
      li.appendChild(t.button(T.remove, fmt(T.remove_named, { name: t.countryName(c) }), function () {
        set(value.filter(function (x) { return x !== c; }));
        later(fid);
      }, "secondary"));
      list.appendChild(li);
    });
    function addChosen() {
      delete unadded[key];
      if (add.value && value.indexOf(add.value) < 0) set(value.concat([add.value]));
    }
    add.name = key;
    add.addEventListener("change", function () { if (add.value) unadded[key] = addChosen; else delete unadded[key]; });
    wrap.appendChild(list);
    wrap.appendChild(add);
    wrap.appendChild(t.button(T.add_country, null, function () { addChosen(); later(fid); }, "secondary"));
    return add;
  }

  /* each box: editable where `allowed.edit` says so, plain text elsewhere */
  function renderBox(box) {
    var fs = byId("box-" + box), body = $(".box-body", fs) || fs.appendChild(el("div", "box-body")), saved = coi.boxes[box] || {};
    body.innerHTML = "";
    fs.classList.toggle("editable", editable(box));
    if (box === "box3") {
      var number = el("p", "", T.f_number + " ");
      number.appendChild(el("strong", "", coi.number || T.no_number_yet));
      body.appendChild(number);
    }
    if (box === "box7" && coi.warnings.indexOf("several_origins_for_one_lot") >= 0) body.appendChild(el("p", "warning-text", T.warning_origins));
    if (B.written.indexOf(box) < 0) return renderFixed(box, body, coi.boxes[box]);
    if (B.table.boxes[box].lines) return renderLines(box, body);
    var fields = asked(box);
    if (!may(box)) {
      var dl = el("dl", "details");
      fields.forEach(function (name) {
        dl.appendChild(el("dt", "", T["f_" + name]));
        dl.appendChild(el("dd", "", t.display(name, saved[name])));
      });
      return body.appendChild(dl);
    }
    var grid = el("div", "grid"), d = draft[box] = draft[box] || {};
    fields.forEach(function (name) {
      if (name === "first_consignee" && d.release_by_batches) return;
      editField(name === "release_by_batches" ? body : grid, "boxes." + box + "." + name, name, d[name], function (v) {
        d[name] = v;
        if (name === "release_by_batches" && v) d.first_consignee = null;
        // Box 8 follows the exporter's country unless one was chosen (seed 003, box 8).
        if (name === "exporter" && v && draft.box8 && !draft.box8.country_of_export) { draft.box8.country_of_export = t.names[v].country; renderBox("box8"); }
        if (/organisation|countries|boolean/.test(F[name].kind)) renderBox(box);
      });
    });
    body.appendChild(grid);
  }
  // Derived boxes (2, 5, 6, 10) and the signatures (18, 20, 21): never typed.
  function renderFixed(box, body, value) {
    var producers = coi.boxes.box5 || [];
    if (box === "box5") value = producers.map(function (p) { return { producer: p.producer }; });
    if (box === "box6") value = producers.map(function (p) { return { control_body: p.control_body }; });
    var shown = t.boxText(value);
    if (value && value.signed_by) {
      shown = (value.outcome ? $("[for=f-outcome-" + value.outcome + "]").textContent + (value.reason ? " – " + value.reason : "") + ". " : "") +
        fmt(T.signature, { name: value.signed_by, organisation: t.orgText(value.organisation), at: t.date(value.at) });
    }
    body.appendChild(el("p", "", shown));
  }
  function renderLines(box, body) {
    var cols = asked(box), full = may(box), part = box === "box13" && !full && quantities();
    var lines = full || part ? draft[box] = draft[box] || [] : coi.boxes[box] || [];
    if (lines.length) {
      // as cards (a line's fields side by side, wrapping): box 13's many columns, and any box being edited
      var table = el("table", "table stack" + (box === "box13" || full || part ? " cards" : "")), head = table.createTHead().insertRow(), rows = table.createTBody();
      [T.line].concat(cols.map(function (c) { return T["f_" + c]; }), full ? [T.actions] : []).forEach(function (h) { head.appendChild(el("th", "", h)).scope = "col"; });
      lines.forEach(function (line, i) {
        var row = rows.insertRow();
        t.cell(row, String(i + 1));
        cols.forEach(function (c) {
          var td = row.insertCell();
          if (full || (part && /packages|net_weight/.test(c))) {
            editField(td, "boxes." + box + "." + i + "." + c, c, line[c], function (v) { line[c] = v; if (F[c].kind === "organisation") renderBox(box); },
              fmt(T.line_field, { n: i + 1, field: T["f_" + c] }));
          } else td.textContent = t.display(c, line[c]);
        });
        if (full) t.nodeCell(row, t.button(T.remove_line, fmt(T.remove_line_n, { n: i + 1 }), function () { lines.splice(i, 1); renderBox(box); later("add-" + box); }, "secondary"));
      });
      t.labelCells(table);
      body.appendChild(table);
    } else body.appendChild(el("p", "", T.none));
    if (!full) return;
    var add = t.button(T["add_" + box], null, function () {
      var line = {};
      cols.forEach(function (c) { line[c] = F[c].default || null; });
      lines.push(line);
      renderBox(box);
      $("tbody tr:last-child input, tbody tr:last-child select, tbody tr:last-child button", body).focus();
    }, "secondary");
    add.id = "add-" + box;
    body.appendChild(add);
  }

  function renderActions() {
    var bar = byId("coi-actions");
    bar.innerHTML = "";
    if (coi.allowed.edit.length) bar.appendChild(el("button", "", coi.status === "draft" ? T.save_draft : T.save)).type = "submit";
    ACTIONS.forEach(function (a) {
      if (coi.allowed.actions.indexOf(a) < 0) return;
      bar.appendChild(t.button(T["act_" + a], null, function () { ask(a); }, /delete|irregularity/.test(a) ? "warning" : /submit|issue|verify|sign/.test(a) ? "" : "secondary"));
    });
    bar.hidden = !bar.children.length;
  }

  /* errors next to the boxes they name (site.js's showErrors: a field, else its box), and in the summary */
  var form = byId("coi-form");
  function clearBoxErrors() { t.clearErrors(form); }
  function failed(error) {
    var fields = {}, given = error.fields || {};
    t.hide(byId("page-status"));
    if (error.code === "stale_version") return t.reveal(byId("coi-conflict"));
    Object.keys(given).concat((error.boxes || []).map(function (b) { return "boxes." + b; })).forEach(function (key) {
      var name = t.field(form, key) ? key : "boxes." + key.split(".")[1], message = given[key] || T.not_editable;
      fields[name] = fields[name] ? fields[name] + " " + message : message;
    });
    t.showErrors(form, { data: { error: { message: error.message, fields: fields } } });
  }

  function addChosenCountries() { Object.keys(unadded).forEach(function (k) { unadded[k](); }); }
  async function save() {
    addChosenCountries();
    var boxes = {};
    changed().forEach(function (b) { boxes[b] = draft[b]; });
    if (!Object.keys(boxes).length) return { ok: true, same: true };
    var r = await t.api("PATCH", "/cois/" + coi.id, { version: coi.version, boxes: boxes }, G);
    if (r.ok) take(r.data); else failed(r.data.error);
    return r;
  }
  form.addEventListener("submit", async function (e) {
    e.preventDefault();
    var button = $("button[type=submit]", form);
    if (!button || button.disabled) return;
    button.disabled = true;
    clearBoxErrors();
    try {
      var r = await save();
      if (r.ok) { t.announce(r.same ? T.nothing_changed : T.saved); t.focusOn(byId("page-status")); }
    } finally { button.disabled = false; }
  });
  byId("coi-reload").addEventListener("click", async function () {
    var keep = {};
    changed().forEach(function (b) { keep[b] = draft[b]; });
    var fresh = await t.loadCoi();
    if (!fresh) return;
    t.hide(byId("coi-conflict"));
    clearBoxErrors();
    take(fresh, keep);
    t.announce(Object.keys(keep).length ? T.kept_changes : T.reloaded);
    t.focusOn(byId("page-status"));
  });

  /* the directory search: one dialog for every organisation field */
  var orgDialog = byId("org-dialog"), orgForm = byId("org-form"), orgList = byId("org-results");
  function pick(name, chosen, opener) {
    var spec = F[name], country = orgForm.elements.namedItem("country");
    picking = { spec: spec, chosen: chosen, opener: opener, cursor: null };
    byId("org-title").textContent = fmt(T.choose_for, { field: T["f_" + name] });
    t.clearErrors(orgForm);
    orgForm.elements.namedItem("q").value = "";
    if (country.options.length < 2) t.options(country, t.countryItems().map(function (c) { return { value: c[0], text: c[1] }; }));
    country.value = EXPORT_SIDE.indexOf(name) >= 0 ? (draft.box8 || {}).country_of_export || "" : (draft.box9 || {}).member_state || (spec.organisation === "operator" ? "FR" : "");
    orgList.innerHTML = "";
    byId("org-summary").textContent = "";
    byId("org-more").hidden = true;
    orgDialog.showModal();
    orgForm.elements.namedItem(country.value ? "q" : "country").focus();
  }
  async function searchOrgs(more) {
    var v = orgForm.elements, q = v.namedItem("q").value.trim(), code = /^([A-Za-z]{2})-/.exec(q), spec = picking.spec;
    if (code && t.countries.some(function (c) { return c.code === code[1].toUpperCase(); })) v.namedItem("country").value = code[1].toUpperCase();
    var query = new URLSearchParams({ country: v.namedItem("country").value, kind: spec.organisation });
    if (spec.activity) query.set("activity", spec.activity);
    if (q) query.set("q", q);
    if (more) query.set("cursor", picking.cursor);
    var r = await t.api("GET", "/organisations?" + query, undefined, G);
    if (!r.ok) return r;
    if (!more) orgList.innerHTML = "";
    picking.cursor = r.data.cursor;
    r.data.items.filter(function (o) { return o.status === "valid"; }).forEach(function (o) {
      var code = (o.codes.filter(function (c) { return c.type === "code"; })[0] || {}).value;
      var li = el("li", "", o.name + (code ? " (" + code + ")" : "") + " – " + [o.postal_code, o.city, o.country].filter(Boolean).join(" ") + " ");
      li.appendChild(t.button(T.choose, fmt(T.choose_named, { name: o.name }), function () {
        t.names[o.id] = { name: o.name, code: code, city: o.city, country: o.country, kind: o.kind };
        orgDialog.close();
        picking.chosen(o);
      }));
      orgList.appendChild(li);
    });
    byId("org-summary").textContent = orgList.children.length ? fmt(T.orgs_found, { count: orgList.children.length }) : T.no_orgs;
    byId("org-more").hidden = !r.data.cursor;
    return r;
  }
  t.onSubmit(orgForm, function () { return searchOrgs(false); });
  byId("org-more").addEventListener("click", function () { searchOrgs(true); });
  $("[data-close]", orgDialog).addEventListener("click", function () { orgDialog.close(); });
  orgDialog.addEventListener("close", function () { if (picking) later(picking.opener); picking = null; });

  /* the actions: a confirmation, with the outcome, reason or description they need */
  var actionDialog = byId("action-dialog"), actionForm = byId("action-form");
  // An extract is issued on submission with box 18 of its base: its own words for submit.
  function said(prefix, action) { return prefix + action + (action === "submit" && coi.extract_of ? "_extract" : ""); }
  function ask(action) {
    if (action === "extracts") return location.assign(t.coiUrl(coi.id, "extract"));
    pending = action;
    actionForm.reset();
    t.clearErrors(actionForm);
    byId("action-title").textContent = T["act_" + action];
    addChosenCountries();
    $(".js-text", actionForm).textContent = T[said("ask_", action)] + (/submit|issue/.test(action) && changed().length ? " " + T.saved_first : "");
    $all("[data-action]", actionForm).forEach(function (x) { x.hidden = x.getAttribute("data-action") !== action; });
    byId("f-outcome-released_for_extracts").parentNode.hidden = !(coi.boxes.box12 || {}).release_by_batches;
    var go = $("button[type=submit]", actionForm);
    go.textContent = T["act_" + action];
    go.className = /delete|irregularity/.test(action) ? "warning" : "";
    actionDialog.showModal();
  }
  $("[data-close]", actionDialog).addEventListener("click", function () { actionDialog.close(); });
  t.onSubmit(actionForm, async function (data) {
    var action = pending, body = { version: coi.version };
    if (action === "verify") { body.outcome = data.outcome; if (data.reason) body.reason = data.reason; }
    if (action === "irregularity") body.description = data.description;
    if (/submit|issue/.test(action) && changed().length) {
      clearBoxErrors();
      if (!(await save()).ok) { actionDialog.close(); return null; }
      body.version = coi.version;
    }
    var r = await t.api("POST", "/cois/" + coi.id + "/" + action, body, G);
    if (r.status === 201) { t.flash(T.opened_replace); location.assign(t.coiUrl(r.data.id)); return r; }
    if (r.status === 400 && !Object.keys(r.data.error.fields || {}).some(function (k) { return /^boxes/.test(k); })) return r;
    actionDialog.close();
    if (!r.ok) { failed(r.data.error); return null; }
    clearBoxErrors();
    take(r.data);
    t.announce(fmt(T[said("done_", action)], { number: coi.number || "" }));
    t.focusOn(byId("page-status"));
    return r;
  });

  window.addEventListener("beforeunload", function (e) {
    if (coi && (changed().length || Object.keys(unadded).length)) e.preventDefault();
  });

  t.pages["coi-view"] = async function () {
    await t.loadCountries();
    var found = await t.loadCoi();
    if (!found) return;
    take(found);
  };
})();
