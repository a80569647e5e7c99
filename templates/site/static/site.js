// traces: the shared script of every page. Plain DOM and fetch, no framework.
// Texts come from the page (#texts, translated at build time). Each page's own code is in
// static/js/<page>.js (the template lists it in `scripts`): it registers itself in
// traces.pages[<body data-page>] and uses the helpers below, which this file exports as
// window.traces. The session cookie is HttpOnly: the page only keeps the CSRF token and a few
// user facts in sessionStorage.
(function () {
  "use strict";
  var doc = document;
  var lang = doc.documentElement.lang || "fr";
  var T = JSON.parse(byId("texts").textContent);
  var PT = byId("page-texts");
  if (PT) Object.assign(T, JSON.parse(PT.textContent));
  var store = window.sessionStorage;

  function byId(id) { return doc.getElementById(id); }
  function $(selector, root) { return (root || doc).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || doc).querySelectorAll(selector)); }
  function url(page) { return "/" + lang + "/" + page; }
  function show(el) { el.hidden = false; }
  function hide(el) { el.hidden = true; }
  // Focus, then scroll to it in the next frames: what has just appeared does not jump the page.
  function focusOn(el) {
    if (el.getAttribute("tabindex") === null) el.setAttribute("tabindex", "-1");
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest", behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth" });
  }
  function text(el, value) { el.textContent = value === null || value === undefined || value === "" ? T.none : String(value); }
  function param(name) {
    var found = new URLSearchParams(location.search).get(name);
    if (found === null && location.hash.length > 1) found = new URLSearchParams(location.hash.slice(1)).get(name);
    return found;
  }
  function fmt(s, o) { return s.replace(/%\((\w+)\)s/g, function (_, k) { return o[k]; }); }

  /* ---------- session facts kept by the page ---------- */
  var session = {
    csrf: function () { return store.getItem("csrf_token"); },
    user: function () { try { return JSON.parse(store.getItem("user") || "null"); } catch (e) { return null; } },
    save: function (csrf, user) {
      if (csrf) store.setItem("csrf_token", csrf);
      if (user) store.setItem("user", JSON.stringify(user));
    },
    clear: function () { store.removeItem("csrf_token"); store.removeItem("user"); }
  };

  function holds(user, kind) {
    var roles = (user && user.roles) || {};
    if (Array.isArray(roles)) return roles.indexOf(kind) >= 0;
    return Object.keys(roles).some(function (k) { return roles[k] === kind; });
  }
  function isAuthority(user) { return holds(user, "authority"); }

  /* What the navigation needs to know, from GET /api/me (a new tab has no sessionStorage). */
  function rememberMe(p) {
    var roles = {};
    (p.authorisations || []).forEach(function (a) { if (a.status === "valid") roles[a.organisation_id] = a.role_kind; });
    session.save(p.csrf_token, { id: p.id, email: p.email, first_name: p.first_name, last_name: p.last_name, roles: roles });
    updateNav();
  }

  // <body data-nav>: "anonymous" (the login page: whoever is there is logging in) or "none" (the
  // forced password change, where nothing else is reachable: only the items marked
  // data-nav-always stay).
  function updateNav() {
    var user = session.user(), mode = doc.body.getAttribute("data-nav");
    var loggedIn = mode !== "anonymous" && !!(session.csrf() && user);
    $all("[data-when]").forEach(function (li) {
      var when = li.getAttribute("data-when");
      var visible = when === "anonymous" ? !loggedIn : when === "logged-in" ? loggedIn : loggedIn && holds(user, when);
      li.hidden = !visible || (mode === "none" && !li.hasAttribute("data-nav-always"));
    });
  }

  /* A message for the next page (after a redirect), shown once. */
  function flash(message) { store.setItem("flash", message); }

  /* ---------- the API ---------- */
  function goToLogin(reason) {
    session.clear();
    var next = location.pathname + location.search + location.hash;
    location.assign(url("login.html") + "?" + new URLSearchParams({ next: next, reason: reason || "session" }));
  }

  // api(method, path, body, {guard: true}) -> {status, ok, data}. With guard, 401 leads to the
  // login page and 403 password_change_required to the forced change page. With {type: "..."},
  // the body (a File or Blob) is sent as it is, of that media type; else as JSON.
  async function api(method, path, body, options) {
    options = options || {};
    var headers = { "Accept": "application/json", "Accept-Language": lang };
    if (body !== undefined) headers["Content-Type"] = options.type || "application/json";
    if (method !== "GET" && session.csrf()) headers["X-CSRF-Token"] = session.csrf();
    var result;
    try {
      var response = await fetch("/api" + path, {
        method: method, headers: headers, credentials: "same-origin", cache: "no-store",
        body: body === undefined || options.type ? body : JSON.stringify(body)
      });
      var raw = await response.text();
      var data = null;
      try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
      var link = /<\/api([^>]*)>; rel="next"/.exec(response.headers.get("Link"));
      result = { status: response.status, ok: response.ok, data: data, next: link && link[1] };
    } catch (e) {
      return { status: 0, ok: false, data: { error: { code: "network", message: T.network } } };
    }
    if (!result.ok && (!result.data || !result.data.error)) {
      result.data = { error: { code: "http_" + result.status, message: T.unexpected } };
    }
    if (options.guard) {
      var code = !result.ok && result.data.error.code;
      if (result.status === 401) { goToLogin("session"); throw new Redirecting(); }
      if (result.status === 403 && code === "password_change_required" && doc.body.dataset.page !== "password-forced") {
        location.assign(url("password-forced.html")); throw new Redirecting();
      }
      if (result.status === 403 && code === "second_factor_required" && doc.body.dataset.page !== "second-factors") {
        location.assign(url("second-factors.html")); throw new Redirecting();
      }
    }
    return result;
  }
  function Redirecting() { this.redirecting = true; }

  // A list the API sends a page at a time (Link: rel="next"), with its <prefix>-previous and
  // <prefix>-next buttons: pager(...)(path) shows the first page, render(result) each page.
  // Pages with nothing to show are skipped (a rare word: each request reads a bounded slice).
  function pager(prefix, render) {
    var paths = [], at = 0, prev = byId(prefix + "-previous"), next = byId(prefix + "-next");
    async function page(i) {
      var r = await api("GET", paths[i], undefined, { guard: true });
      while (r.ok && !r.data.length && r.next) r = await api("GET", r.next, undefined, { guard: true });
      if (r.ok) { at = i; paths[i + 1] = r.next; prev.hidden = !i; next.hidden = !r.next; render(r); }
      return r;
    }
    prev.addEventListener("click", function () { page(at - 1); });
    next.addEventListener("click", function () { page(at + 1); });
    return function (path) { paths = [path]; return page(0); };
  }

  /* ---------- forms and their errors ---------- */
  // The element an error names: an input, or a fieldset (a group such as "contacts").
  function field(form, name) {
    var el = form.elements.namedItem(name);
    if (el && typeof el.length === "number" && !el.tagName) el = el[0];
    return el && !el.closest("[hidden]") ? el : null;
  }
  function isGroup(el) { return el.tagName === "FIELDSET"; }
  function focusable(el) { return isGroup(el) ? $("input, select, textarea", el) || el : el; }

  function labelOf(el) {
    var legend = (isGroup(el) && $("legend", el)) || (/radio|checkbox/.test(el.type) && el.closest("fieldset") && $("legend", el.closest("fieldset")));
    if (legend) return legend.textContent.trim();
    var label = el.id && $("label[for='" + el.id + "']");
    return label ? label.childNodes[0].textContent.trim() : el.name;
  }

  function describedBy(el, id, add) {
    var ids = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (i) { return i && i !== id; });
    if (add) ids.push(id);
    if (ids.length) el.setAttribute("aria-describedby", ids.join(" ")); else el.removeAttribute("aria-describedby");
  }

  function clearErrors(form) {
    $all(".field-error", form).forEach(function (p) {
      var input = byId(p.getAttribute("data-for"));
      if (input) { input.removeAttribute("aria-invalid"); input.classList.remove("invalid"); describedBy(input, p.id, false); }
      p.remove();
    });
    var summary = $(".error-summary", form);
    if (summary) hide(summary);
  }

  // Each error next to its field and in the summary, in the order of the page.
  function showErrors(form, result) {
    clearErrors(form);
    var error = (result.data && result.data.error) || { message: T.unexpected };
    var fields = error.fields || {};
    var summary = $(".error-summary", form);
    var list = summary && $(".error-list", summary);
    if (list) list.innerHTML = "";
    var found = Object.keys(fields).map(function (name) { return { name: name, input: field(form, name) }; });
    found.sort(function (a, b) {
      if (!a.input || !b.input) return (a.input ? 0 : 1) - (b.input ? 0 : 1);
      return a.input.compareDocumentPosition(b.input) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
    var first = null;
    found.forEach(function (f) {
      var input = f.input, message = fields[f.name], item = doc.createElement("li");
      if (input) {
        var p = doc.createElement("p");
        p.className = "field-error";
        p.id = (input.id || "f-" + f.name) + "-error";
        if (!input.id) input.id = "f-" + f.name;
        p.setAttribute("data-for", input.id);
        var prefix = doc.createElement("span");
        prefix.className = "visually-hidden";
        prefix.textContent = T.error_prefix + " ";
        p.appendChild(prefix);
        p.appendChild(doc.createTextNode(message));
        if (isGroup(input)) {
          var after = $all(":scope > legend, :scope > .hint", input).pop();
          input.insertBefore(p, after ? after.nextSibling : input.firstChild);
          input.classList.add("invalid");
        } else {
          if (/radio|checkbox/.test(input.type)) (input.closest(".field") || input.parentNode).appendChild(p);
          else input.parentNode.insertBefore(p, input);
          input.setAttribute("aria-invalid", "true");
        }
        describedBy(input, p.id, true);
        var link = doc.createElement("a");
        link.href = "#" + input.id;
        link.textContent = labelOf(input) + " – " + message;
        link.addEventListener("click", function (e) { e.preventDefault(); focusable(input).focus(); });
        item.appendChild(link);
        first = first || focusable(input);
      } else {
        item.textContent = message;
      }
      if (list) list.appendChild(item);
    });
    if (summary) {
      $(".error-message", summary).textContent = error.message || T.invalid_fields;
      show(summary);
    }
    if (first) first.focus(); else if (summary) summary.focus();
  }

  /* The values of a form; names with a dot (organisation.name) become nested objects. */
  function values(form) {
    var data = {};
    $all("input, select, textarea", form).forEach(function (el) {
      if (!el.name || el.disabled || el.closest("[hidden]") || el.name.indexOf("_mode") > 0) return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      var value = el.value;
      var parts = el.name.split(".");
      if (parts.length === 2) {
        data[parts[0]] = data[parts[0]] || {};
        data[parts[0]][parts[1]] = value;
      } else {
        data[el.name] = value;
      }
    });
    return data;
  }

  function fill(form, data) {
    Object.keys(data).forEach(function (name) {
      var el = form.elements.namedItem(name);
      if (!el || el.tagName === "FIELDSET") return;
      var value = data[name] === null || data[name] === undefined ? "" : String(data[name]);
      if (el.tagName) { el.value = value; return; }
      Array.prototype.forEach.call(el, function (radio) { radio.checked = radio.value === value; });
    });
  }

  /* Runs `send` on submit with the button disabled; errors go next to the fields. A form whose
     submit button comes disabled in the page (a password in it) cannot be sent by the browser
     itself, as a GET with the password in the address, before this script is there. */
  function onSubmit(form, send) {
    $("button[type=submit]", form).disabled = false;
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var button = $("button[type=submit]", form);
      if (button.disabled) return;
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      clearErrors(form);
      try {
        var result = await send(values(form));
        if (result && !result.ok) showErrors(form, result);
      } catch (e) {
        if (!e || !e.redirecting) showErrors(form, { data: { error: { message: T.unexpected } } });
      } finally {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      }
    });
  }

  function announce(message, problem) {
    var box = byId("page-status");
    box.classList.toggle("problem", !!problem);
    box.textContent = message;
    show(box);
  }

  function reveal(el) { show(el); focusOn(el); }

  function options(select, items, keep) {
    var current = keep || select.value;
    $all("option", select).forEach(function (o) { if (o.value) o.remove(); });
    items.forEach(function (item) {
      var option = doc.createElement("option");
      option.value = String(item.value);
      option.textContent = item.text;
      select.appendChild(option);
    });
    if (current) select.value = current;
  }

  /* ---------- what pages show ---------- */
  function statusLabel(account) {
    var label = T["status_" + account.status] || account.status;
    if (account.locked) label += " – " + T.locked + (account.locked_reason && T["lock_" + account.locked_reason] ? " (" + T["lock_" + account.locked_reason] + ")" : "");
    /* SES reported a bounce or a complaint (mail_feedback): why mail stopped. */
    if (account.mail_suppressed) label += " – " + (T["mail_" + account.mail_suppressed.reason] || account.mail_suppressed.reason);
    return label;
  }
  function kindLabel(k) { return T["role_" + k] || k; }
  function statusOf(s) { return T["status_" + s] || s; }
  /* {"valid": 1, "withdrawn": 0, ...} -> ["Valid: 1", ...] for the statuses that have some. */
  function counts(map) {
    return Object.keys(map || {}).filter(function (s) { return map[s]; }).map(function (s) {
      return { status: s, text: fmt(T.count_of, { label: statusOf(s), count: map[s] }) };
    });
  }

  function date(value) {
    if (!value) return T.none;
    var d = new Date(value);
    if (isNaN(d)) return value;
    return d.toLocaleString(lang === "fr" ? "fr-FR" : "en-GB", { dateStyle: "medium", timeStyle: "short" });
  }

  function cell(row, value) { var td = doc.createElement("td"); text(td, value); row.appendChild(td); return td; }
  function nodeCell(row, node) { var td = doc.createElement("td"); if (node) td.appendChild(node); row.appendChild(td); return td; }
  function button(label, aria, handler, cls) {
    var b = doc.createElement("button");
    b.type = "button"; b.textContent = label; if (cls) b.className = cls;
    if (aria) b.setAttribute("aria-label", aria);
    b.addEventListener("click", handler);
    return b;
  }
  function orgLink(id, name) {
    var a = doc.createElement("a");
    a.href = url("roles/organisation.html") + "?" + new URLSearchParams({ id: id });
    a.textContent = name || id;
    return a;
  }

  /* Countries in the page's language: GET /reference/countries once. */
  var countryList = null;
  function countryData() {
    countryList = countryList || api("GET", "/reference/countries").then(function (r) { return r.ok ? r.data : []; });
    return countryList;
  }
  function countries(select, keep) {
    return countryData().then(function (list) {
      options(select, list.map(function (c) { return { value: c.code, text: c.name + " (" + c.code + ")" }; }), keep || "FR");
    });
  }
  /* code -> name, for pages that show a country. */
  function countryNames() {
    return countryData().then(function (list) {
      var names = {};
      list.forEach(function (c) { names[c.code] = c.name; });
      return function (code) { return names[code] || code; };
    });
  }

  /* ---------- tables: on a narrow screen each row is a card, each cell labelled by its column ---------- */
  function labelRows(table) {
    var heads = $all("thead th", table).map(function (th) { return th.textContent.trim(); });
    $all("tbody tr", table).forEach(function (row) {
      row.setAttribute("role", "row");
      Array.prototype.forEach.call(row.cells, function (td, i) {
        td.setAttribute("role", "cell");
        td.setAttribute("data-label", heads[i] || "");
      });
    });
  }
  function cardTables() {
    $all("table.table").forEach(function (table) {
      table.setAttribute("role", "table");
      $all("thead, tbody", table).forEach(function (g) { g.setAttribute("role", "rowgroup"); });
      $all("thead tr", table).forEach(function (r) { r.setAttribute("role", "row"); });
      $all("thead th", table).forEach(function (th) { th.setAttribute("role", "columnheader"); });
      new MutationObserver(function () { labelRows(table); }).observe($("tbody", table), { childList: true });
      labelRows(table);
    });
  }

  /* ---------- every page ---------- */
  function keepLocationInLanguageSwitch() {
    $all("a[data-keep-location]").forEach(function (a) {
      a.href = a.getAttribute("href").split(/[?#]/)[0] + location.search + location.hash;
    });
  }

  var pages = {};
  window.traces = {
    doc: doc, lang: lang, T: T, byId: byId, $: $, $all: $all, url: url, show: show, hide: hide,
    focusOn: focusOn, text: text, param: param, fmt: fmt, session: session, isAuthority: isAuthority, holds: holds,
    rememberMe: rememberMe, updateNav: updateNav, flash: flash, api: api, pager: pager, field: field,
    clearErrors: clearErrors, showErrors: showErrors, values: values, fill: fill, onSubmit: onSubmit,
    announce: announce, reveal: reveal, options: options, statusLabel: statusLabel,
    kindLabel: kindLabel, statusOf: statusOf, counts: counts, date: date, cell: cell,
    nodeCell: nodeCell, button: button, orgLink: orgLink, countries: countries,
    countryNames: countryNames, pages: pages
  };

  doc.addEventListener("DOMContentLoaded", function () {
    keepLocationInLanguageSwitch();
    var unknown = doc.body.getAttribute("data-requires-login") === "true" && !session.csrf();
    if (!unknown) updateNav();   // else /api/me below tells, and the page keeps its menu meanwhile
    cardTables();
    var message = store.getItem("flash");
    if (message) { store.removeItem("flash"); announce(message); focusOn(byId("page-status")); }
    var name = doc.body.getAttribute("data-page");
    var ready = Promise.resolve();
    if (unknown) {
      /* A new tab has no CSRF token, but the cookie may be alive: /api/me tells (401 -> login). */
      ready = api("GET", "/me", undefined, { guard: true }).then(function (me) { if (me.ok) rememberMe(me.data); });
    }
    ready.then(function () { return pages[name] && pages[name](); }).catch(function (e) {
      if (!e || !e.redirecting) announce(T.unexpected, true);
    });
  });
})();
