// traces: the one script of the site. Plain DOM and fetch, no framework.
// Texts come from the page (#texts, translated at build time); the page picks its code with
// <body data-page>. The session cookie is HttpOnly: the page only keeps the CSRF token and a
// few user facts in sessionStorage.
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
  function focusOn(el) { if (el.getAttribute("tabindex") === null) el.setAttribute("tabindex", "-1"); el.focus(); }
  function text(el, value) { el.textContent = value === null || value === undefined || value === "" ? T.none : String(value); }
  function param(name) {
    var found = new URLSearchParams(location.search).get(name);
    if (found === null && location.hash.length > 1) found = new URLSearchParams(location.hash.slice(1)).get(name);
    return found;
  }

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

  function isAuthority(user) {
    var roles = (user && user.roles) || {};
    if (Array.isArray(roles)) return roles.indexOf("authority") >= 0;
    return Object.keys(roles).some(function (k) { return roles[k] === "authority"; });
  }

  /* What the navigation needs to know, from GET /api/me (a new tab has no sessionStorage). */
  function rememberMe(p) {
    var roles = {};
    (p.authorisations || []).forEach(function (a) { if (a.status === "valid") roles[a.organisation_id] = a.role_kind; });
    session.save(p.csrf_token, { id: p.id, email: p.email, first_name: p.first_name, last_name: p.last_name, roles: roles });
    updateNav();
  }

  function updateNav() {
    var user = session.user();
    var loggedIn = !!(session.csrf() && user);
    $all("[data-when]").forEach(function (li) {
      var when = li.getAttribute("data-when");
      li.hidden = when === "anonymous" ? loggedIn : when === "logged-in" ? !loggedIn : !(loggedIn && isAuthority(user));
    });
  }

  /* ---------- the API ---------- */
  function goToLogin(reason) {
    session.clear();
    var next = location.pathname + location.search + location.hash;
    location.assign(url("login.html") + "?" + new URLSearchParams({ next: next, reason: reason || "session" }));
  }

  // api(method, path, body, {guard: true}) -> {status, ok, data}. With guard, 401 leads to the
  // login page and 403 password_change_required to the forced change page.
  async function api(method, path, body, options) {
    options = options || {};
    var headers = { "Accept": "application/json", "Accept-Language": lang };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && session.csrf()) headers["X-CSRF-Token"] = session.csrf();
    var result;
    try {
      var response = await fetch("/api" + path, {
        method: method, headers: headers, credentials: "same-origin", cache: "no-store",
        body: body === undefined ? undefined : JSON.stringify(body)
      });
      var raw = await response.text();
      var data = null;
      try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
      result = { status: response.status, ok: response.ok, data: data };
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
    }
    return result;
  }
  function Redirecting() { this.redirecting = true; }

  /* ---------- forms and their errors ---------- */
  function field(form, name) {
    var el = form.elements.namedItem(name);
    if (el && typeof el.length === "number" && !el.tagName) el = el[0];
    return el && !el.closest("[hidden]") ? el : null;
  }

  function labelOf(el) {
    var legend = /radio|checkbox/.test(el.type) && el.closest("fieldset") && $("legend", el.closest("fieldset"));
    if (legend) return legend.textContent.trim();
    var label = el.id && $("label[for='" + el.id + "']");
    return label ? label.childNodes[0].textContent.trim() : el.name;
  }

  function clearErrors(form) {
    $all(".field-error", form).forEach(function (p) {
      var input = byId(p.getAttribute("data-for"));
      if (input) {
        input.removeAttribute("aria-invalid");
        var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) { return id && id !== p.id; });
        if (ids.length) input.setAttribute("aria-describedby", ids.join(" ")); else input.removeAttribute("aria-describedby");
      }
      p.remove();
    });
    var summary = $(".error-summary", form);
    if (summary) hide(summary);
  }

  function showErrors(form, result) {
    clearErrors(form);
    var error = (result.data && result.data.error) || { message: T.unexpected };
    var fields = error.fields || {};
    var summary = $(".error-summary", form);
    var list = summary && $(".error-list", summary);
    if (list) list.innerHTML = "";
    var first = null;
    Object.keys(fields).forEach(function (name) {
      var input = field(form, name);
      var item = doc.createElement("li");
      if (input) {
        var p = doc.createElement("p");
        p.className = "field-error";
        p.id = input.id + "-error";
        p.setAttribute("data-for", input.id);
        var prefix = doc.createElement("span");
        prefix.className = "visually-hidden";
        prefix.textContent = T.error_prefix + " ";
        p.appendChild(prefix);
        p.appendChild(doc.createTextNode(fields[name]));
        if (/radio|checkbox/.test(input.type)) (input.closest(".field") || input.parentNode).appendChild(p);
        else input.parentNode.insertBefore(p, input);
        input.setAttribute("aria-invalid", "true");
        var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
        ids.push(p.id);
        input.setAttribute("aria-describedby", ids.join(" "));
        var link = doc.createElement("a");
        link.href = "#" + input.id;
        link.textContent = labelOf(input) + " – " + fields[name];
        link.addEventListener("click", function (e) { e.preventDefault(); input.focus(); });
        item.appendChild(link);
        first = first || input;
      } else {
        item.textContent = fields[name];
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
      if (!el) return;
      var value = data[name] === null || data[name] === undefined ? "" : String(data[name]);
      if (el.tagName) { el.value = value; return; }
      Array.prototype.forEach.call(el, function (radio) { radio.checked = radio.value === value; });
    });
  }

  /* Runs `send` on submit with the button disabled; errors go next to the fields. */
  function onSubmit(form, send) {
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

  function statusLabel(account) {
    var label = T["status_" + account.status] || account.status;
    if (account.locked) label += " – " + T.locked + (account.locked_reason && T["lock_" + account.locked_reason] ? " (" + T["lock_" + account.locked_reason] + ")" : "");
    return label;
  }

  function date(value) {
    if (!value) return T.none;
    var d = new Date(value);
    if (isNaN(d)) return value;
    return d.toLocaleString(lang === "fr" ? "fr-FR" : "en-GB", { dateStyle: "medium", timeStyle: "short" });
  }

  function cell(row, value) { var td = doc.createElement("td"); text(td, value); row.appendChild(td); return td; }

  function fmt(s, o) { return s.replace(/%\((\w+)\)s/g, function (_, k) { return o[k]; }); }
  function nodeCell(row, node) { var td = doc.createElement("td"); if (node) td.appendChild(node); row.appendChild(td); return td; }
  function button(label, aria, handler, cls) {
    var b = doc.createElement("button");
    b.type = "button"; b.textContent = label; if (cls) b.className = cls;
    if (aria) b.setAttribute("aria-label", aria);
    b.addEventListener("click", handler);
    return b;
  }
  var pages = {};

  /* ---------- pages ---------- */

  pages.register = function () {
    var form = byId("register-form");
    var questions = form.elements.namedItem("secret_question_id");
    var country = form.elements.namedItem("organisation.country");
    api("GET", "/reference/secret-questions").then(function (r) {
      if (r.ok) options(questions, r.data.map(function (q) { return { value: q.id, text: q.text }; }));
      else announce(r.data.error.message, true);
    });
    api("GET", "/reference/countries").then(function (r) {
      if (r.ok) options(country, r.data.map(function (c) { return { value: c.code, text: c.name }; }), "FR");
      else announce(r.data.error.message, true);
    });

    function newCaptcha() {
      return api("GET", "/captcha").then(function (r) {
        if (!r.ok) { announce(T.captcha_failed, true); return; }
        form.elements.namedItem("captcha_id").value = r.data.captcha_id;
        byId("captcha-image").src = r.data.image;
        byId("captcha-audio").src = r.data.audio;
        form.elements.namedItem("captcha_answer").value = "";
      });
    }
    newCaptcha();
    byId("captcha-new").addEventListener("click", function () {
      newCaptcha().then(function () { form.elements.namedItem("captcha_answer").focus(); });
    });

    function mode() {
      var existing = byId("org-mode-existing").checked;
      byId("org-existing").hidden = !existing;
      byId("org-new").hidden = existing;
    }
    $all("[name=organisation_mode]").forEach(function (r) { r.addEventListener("change", mode); });
    mode();

    onSubmit(form, async function (data) {
      if (data.secret_question_id) data.secret_question_id = Number(data.secret_question_id);
      ["phone", "fax", "additional_info"].forEach(function (k) { if (data[k] === "") delete data[k]; });
      var result = await api("POST", "/accounts", data);
      if (result.ok) {
        $(".js-email", byId("register-done")).textContent = data.email;
        hide(form);
        hide(byId("register-intro"));
        reveal(byId("register-done"));
        return result;
      }
      await newCaptcha();  // a code serves once: every answer from the API spends it
      return result;
    });
  };

  pages.confirm = async function () {
    var token = param("token");
    var loading = byId("confirm-loading");
    function problem(id, message) {
      hide(loading);
      var panel = byId(id);
      if (message && $(".js-message", panel)) $(".js-message", panel).textContent = message;
      reveal(panel);
    }
    if (!token) { problem("confirm-invalid"); return; }
    var result = await api("GET", "/accounts/confirm?" + new URLSearchParams({ token: token }));
    if (result.status === 410) { problem("confirm-expired"); }
    else if (!result.ok) { problem("confirm-invalid", result.status === 404 ? null : result.data.error.message); }
    else if (result.data.status !== "new") { problem("confirm-already"); }
    else {
      hide(loading);
      var section = byId("confirm-request");
      $(".js-name", section).textContent = [result.data.first_name, result.data.last_name].join(" ");
      $(".js-email", section).textContent = result.data.email;
      show(section);
    }
    var form = byId("confirm-form");
    onSubmit(form, async function () {
      var r = await api("POST", "/accounts/confirm", { token: token });
      if (r.ok) { hide(byId("confirm-request")); reveal(byId("confirm-done")); }
      else if (r.status === 410) { hide(byId("confirm-request")); problem("confirm-expired"); return null; }
      return r;
    });
    var resend = byId("resend-form");
    onSubmit(resend, async function (data) {
      var r = await api("POST", "/accounts/confirm/resend", { email: data.email });
      if (r.ok) { hide(byId("confirm-expired")); reveal(byId("resend-done")); }
      return r;
    });
  };

  function safeNext() {
    var next = param("next") || "";
    return /^\/(fr|en)\/[A-Za-z0-9_\-\/.]*(\?[^#]*)?(#.*)?$/.test(next) && next.indexOf("//") < 0 ? next : null;
  }

  pages.login = function () {
    var reason = param("reason");
    var notice = byId("login-notice");
    if (reason === "logged_out" || reason === "session") {
      notice.textContent = byId(reason === "session" ? "notice-session-ended" : "notice-logged-out").content.textContent;
      show(notice);
    }
    var form = byId("login-form");
    onSubmit(form, async function (data) {
      var r = await api("POST", "/session", { email: data.email, password: data.password });
      if (!r.ok) return r;
      session.save(r.data.csrf_token, r.data.user);
      if (r.data.must_change_password) { location.assign(url("password-forced.html")); return r; }
      var next = safeNext();
      if (next) next = next.replace(/^\/(fr|en)\//, "/" + lang + "/");
      location.assign(next || (isAuthority(r.data.user) ? url("backoffice/index.html") : url("profile.html")));
      return r;
    });
  };

  pages["forgot-password"] = function () {
    var form = byId("forgot-form");
    onSubmit(form, async function (data) {
      var r = await api("POST", "/password/forgot", { email: data.email });
      if (r.ok) { hide(form); reveal(byId("forgot-done")); }
      return r;
    });
  };

  async function passwordPage() {
    var form = byId("password-form");
    var forced = form.getAttribute("data-forced") === "true";
    var me = await api("GET", "/me", undefined, { guard: true });
    if (!me.ok) { announce(me.data.error.message, true); return; }
    rememberMe(me.data);
    var questions = await api("GET", "/reference/secret-questions");
    var list = questions.ok ? questions.data : [];
    var choose = forced && me.data.may_choose_secret_question;
    if (choose) {
      options(form.elements.namedItem("secret_question_id"), list.map(function (q) { return { value: q.id, text: q.text }; }));
      show(byId("choose-question"));
    } else {
      var mine = list.filter(function (q) { return q.id === me.data.secret_question_id; })[0];
      if (mine) { $(".js-question", form).textContent = mine.text; show(byId("your-question")); }
    }
    show(form);
    onSubmit(form, async function (data) {
      if (data.secret_question_id) data.secret_question_id = Number(data.secret_question_id);
      var r = await api("POST", "/password/change", data, { guard: true });
      if (r.ok) {
        var user = session.user();
        if (user) { user.must_change_password = false; session.save(null, user); }
        hide(form);
        $all("main > p").forEach(hide);
        reveal(byId("password-done"));
      }
      return r;
    });
  }
  pages["password-forced"] = passwordPage;
  pages["password-change"] = passwordPage;

  pages.profile = async function () {
    var me = await api("GET", "/me", undefined, { guard: true });
    hide(byId("profile-loading"));
    if (!me.ok) { announce(me.data.error.message, true); return; }
    var p = me.data;
    rememberMe(p);
    var box = byId("profile");
    text($(".js-email", box), p.email);
    text($(".js-status", box), statusLabel(p));
    text($(".js-organisation", box), p.organisation && (p.organisation.name || p.organisation.id));
    var counts = p.authorisation_counts || {};
    $(".js-counts", box).textContent = Object.keys(counts).map(function (s) { return (T["status_" + s] || s) + ": " + counts[s]; }).join(" · ");
    var body = $("#roles-table tbody");
    (p.authorisations || []).forEach(function (a) {
      var row = doc.createElement("tr");
      var known = p.organisation && p.organisation.id === a.organisation_id && p.organisation.name;
      cell(row, a.organisation_name || known || a.organisation_id);
      cell(row, (T["role_" + a.role_kind] || a.role_kind) + (a.administrator ? " (" + T.administrator + ")" : ""));
      cell(row, T["status_" + a.status] || a.status);
      body.appendChild(row);
    });
    var form = byId("profile-form");
    fill(form, p);
    show(box);
    onSubmit(form, async function (data) {
      var r = await api("PATCH", "/me", data, { guard: true });
      if (r.ok) announce(T.saved);
      return r;
    });
    var prefs = byId("preferences-form"), zone = prefs.elements.namedItem("time_zone");
    zone.value = p.time_zone;
    Object.keys(p.notifications || {}).forEach(function (kind) { prefs.elements.namedItem(kind).checked = p.notifications[kind]; });
    api("GET", "/reference/time-zones").then(function (r) {
      var list = byId("time-zones");
      if (r.ok) r.data.forEach(function (z) { var o = doc.createElement("option"); o.value = z; list.appendChild(o); });
    });
    onSubmit(prefs, async function () {
      var wanted = {};
      Object.keys(p.notifications || {}).forEach(function (kind) { wanted[kind] = prefs.elements.namedItem(kind).checked; });
      var r = await api("PATCH", "/me", { time_zone: zone.value.trim(), notifications: wanted }, { guard: true });
      if (r.ok) announce(T.saved);
      return r;
    });
  };

  pages.logout = async function () {
    if (session.csrf()) await api("DELETE", "/session");
    session.clear();
    updateNav();
    hide(byId("logout-progress"));
    reveal(byId("logout-done"));
  };

  function accountRow(account, columns) {
    var row = doc.createElement("tr");
    var name = [account.first_name, account.last_name].join(" ");
    columns.forEach(function (c) {
      if (c === "name") cell(row, name);
      else if (c === "status") cell(row, statusLabel(account));
      else if (c === "created_at") cell(row, date(account.created_at));
      else cell(row, account[c]);
    });
    var td = doc.createElement("td");
    var link = doc.createElement("a");
    link.href = url("backoffice/account.html") + "?" + new URLSearchParams({ id: account.id });
    link.textContent = T.open;
    link.setAttribute("aria-label", T.open_account.replace("%(name)s", name));
    td.appendChild(link);
    row.appendChild(td);
    return row;
  }

  pages.backoffice = async function () {
    var queue = await api("GET", "/authority/accounts?status=confirmed", undefined, { guard: true });
    var summary = byId("queue-summary");
    if (!queue.ok) { summary.textContent = queue.data.error.message; return; }
    summary.textContent = queue.data.length ? T.queue_count.replace("%(count)s", queue.data.length) : T.queue_empty;
    var table = byId("queue-table");
    var body = $("tbody", table);
    queue.data.forEach(function (a) { body.appendChild(accountRow(a, ["name", "email", "organisation", "postal_code", "city", "created_at"])); });
    table.hidden = !queue.data.length;

    var form = byId("search-form");
    var initial = new URLSearchParams(location.search);
    var searched = false;
    initial.forEach(function (value, key) { var el = form.elements.namedItem(key); if (el) { el.value = value; searched = true; } });
    async function search(data, focus) {
      var query = new URLSearchParams();
      Object.keys(data).forEach(function (k) { if (data[k]) query.set(k, data[k]); });
      var r = await api("GET", "/authority/accounts?" + query, undefined, { guard: true });
      if (!r.ok) return r;
      history.replaceState(null, "", location.pathname + (String(query) ? "?" + query : ""));
      var body = $("#results-table tbody");
      body.innerHTML = "";
      r.data.forEach(function (a) { body.appendChild(accountRow(a, ["name", "email", "country", "postal_code", "city", "organisation", "status"])); });
      byId("results-table").hidden = !r.data.length;
      byId("results-summary").textContent = r.data.length ? T.result_count.replace("%(count)s", r.data.length) : T.no_results;
      show(byId("results"));
      if (focus) byId("results-title").focus();
      return r;
    }
    onSubmit(form, function (data) { return search(data, true); });
    if (searched) search(values(form), false);
  };

  pages["backoffice-account"] = async function () {
    var id = param("id");
    var loading = byId("account-loading");
    var box = byId("account");
    var problem = byId("account-problem");
    var form = byId("account-form");
    var actionErrors = byId("action-errors");
    var path = "/authority/accounts/" + encodeURIComponent(id || "");
    var account = null;

    function render(a) {
      account = a;
      $(".js-title", box).textContent = [a.first_name, a.last_name].join(" ");
      text($(".js-status", box), statusLabel(a));
      ["email", "organisation", "postal_code", "city", "country"].forEach(function (k) { text($(".js-" + k, box), a[k]); });
      ["created_at", "confirmed_at", "validated_at", "last_login_at"].forEach(function (k) { $(".js-" + k, box).textContent = date(a[k]); });
      $all("[data-when-status]", box).forEach(function (b) {
        b.hidden = b.getAttribute("data-when-status").split(" ").indexOf(a.status) < 0;
      });
      byId("do-unlock").hidden = !a.locked;
      fill(form, a);
      form.closest("section").hidden = a.status === "deleted";
    }

    async function load() {
      var r = await api("GET", path, undefined, { guard: true });
      hide(loading);
      if (!r.ok) { $(".js-message", problem).textContent = r.data.error.message; reveal(problem); hide(box); return null; }
      render(r.data);
      show(box);
      return r;
    }
    if (!id) { hide(loading); $(".js-message", problem).textContent = T.unexpected; reveal(problem); return; }
    await load();

    function actionFailed(r) {
      $(".error-message", actionErrors).textContent = r.data.error.message;
      $(".error-list", actionErrors).innerHTML = "";
      show(actionErrors);
      actionErrors.focus();
    }
    async function act(button, method, suffix, body, message) {
      hide(actionErrors);
      button.disabled = true;
      try {
        var r = await api(method, path + suffix, body, { guard: true });
        if (!r.ok) { actionFailed(r); return r; }
        hide(byId("refuse-form"));
        hide(byId("delete-confirm"));
        await load();
        announce(message);
        focusOn(byId("page-status"));
        return r;
      } catch (e) {
        if (!e || !e.redirecting) throw e;
      } finally { button.disabled = false; }
    }
    function toggle(button, panel) {
      button.addEventListener("click", function () {
        var open = panel.hidden;
        panel.hidden = !open;
        button.setAttribute("aria-expanded", String(open));
        if (open) { var first = $("textarea, button", panel); if (first) first.focus(); }
      });
    }
    byId("do-activate").addEventListener("click", function (e) { act(e.currentTarget, "POST", "/activate", {}, T.activated); });
    byId("do-unlock").addEventListener("click", function (e) { act(e.currentTarget, "POST", "/unlock", {}, T.unlocked); });
    byId("do-reset").addEventListener("click", function (e) { act(e.currentTarget, "POST", "/reset-password", {}, T.reset); });
    toggle(byId("do-refuse"), byId("refuse-form"));
    toggle(byId("do-delete"), byId("delete-confirm"));
    byId("do-delete-confirm").addEventListener("click", function (e) { act(e.currentTarget, "DELETE", "", undefined, T.deleted); });
    var refuse = byId("refuse-form");
    onSubmit(refuse, async function (data) {
      var r = await api("POST", path + "/refuse", { reason: data.reason }, { guard: true });
      if (r.ok) { refuse.reset(); hide(refuse); await load(); announce(T.refused); focusOn(byId("page-status")); }
      return r;
    });
    onSubmit(form, async function (data) {
      var r = await api("PATCH", path, data, { guard: true });
      if (r.ok) { await load(); announce(T.saved); }
      return r;
    });
  };

  /* ---------- roles and organisations (SPEC 2) ---------- */
  function ticked(root, name) { return $all("input[name='" + name + "']:checked", root).map(function (c) { return c.value; }); }
  function orgLink(id, name) {
    var a = doc.createElement("a");
    a.href = url("roles/organisation.html") + "?" + new URLSearchParams({ id: id });
    a.textContent = name || id;
    return a;
  }
  function countries(select, keep) {
    return api("GET", "/reference/countries").then(function (r) {
      if (r.ok) options(select, r.data.map(function (c) { return { value: c.code, text: c.name + " (" + c.code + ")" }; }), keep || "FR");
    });
  }
  function place(o) { return [o.address, [o.postal_code, o.city].filter(Boolean).join(" "), o.country].filter(Boolean).join(", "); }
  function codesText(list) { return (list || []).map(function (c) { return (T["id_" + c.type] || c.type) + " " + c.value; }).join(", "); }
  function activitiesText(o) { return (o.activities || []).map(function (a) { return T["activity_" + a] || a; }).join(", "); }
  function kindLabel(k) { return T["role_" + k] || k; }
  function statusOf(s) { return T["status_" + s] || s; }

  /* The operator form: its fields as the API takes them, and where the API's error names point. */
  /* Editing (no request), an emptied field is sent as null: PATCH clears it. */
  function orgData(form, withRequest) {
    var v = values(form), d = {}, map = { identifiers: "eori", contacts: "contacts.phone" }, ids = [];
    function put(to, k, value) { if (value && value.trim()) to[k] = value.trim(); else if (!withRequest) to[k] = null; }
    ["name", "address", "postal_code", "city", "region", "country", "control_body_id"].forEach(function (k) { put(d, k, v[k]); });
    d.contacts = {};
    Object.keys(v.contacts || {}).forEach(function (k) { put(d.contacts, k, v.contacts[k]); });
    [["eori", "eori", v.eori], [v.other_type, "other_value", v.other_value]].forEach(function (i) {
      if (!i[2]) return;
      map["identifiers." + ids.length + ".value"] = map["identifiers." + ids.length + ".type"] = i[1];
      ids.push({ type: i[0], value: i[2].trim() });
    });
    d.identifiers = ids;
    d.sections = ticked(form, "sections");
    d.activities = ticked(form, "activities");
    if (withRequest && v.with_request) d.request = v.request || {};
    return { data: d, map: map };
  }
  function remap(r, map) {
    var f = r.data && r.data.error && r.data.error.fields;
    if (f) Object.keys(f).forEach(function (k) { if (map[k] && !f[map[k]]) { f[map[k]] = f[k]; delete f[k]; } });
    return r;
  }
  /* The control bodies that certify in the chosen country, offered in the datalist. */
  function controlBodies(form) {
    var country = form.elements.namedItem("country"), list = byId("control-bodies");
    function load() {
      api("GET", "/reference/control-bodies?" + new URLSearchParams({ certifies_in: country.value })).then(function (r) {
        list.innerHTML = "";
        (r.ok ? r.data : []).forEach(function (c) {
          var o = doc.createElement("option");
          o.value = c.id;
          o.textContent = c.name;
          list.appendChild(o);
        });
      });
    }
    country.addEventListener("change", load);
    load();
  }
  // Sections and activities in the page's language (GET /reference/sections|activities): their
  // names go to T (section_<id>, activity_<id>) and the [data-reference] selects and fieldsets
  // get one option or checkbox each.
  function reference() {
    return Promise.all(["section", "activity"].map(async function (k) {
      var list = k === "section" ? "sections" : "activities", r = await api("GET", "/reference/" + list), items = r.ok ? r.data : [];
      items.forEach(function (i) { T[k + "_" + i.id] = i.name; });
      $all("[data-reference=" + list + "]").forEach(function (el) {
        if (el.tagName === "SELECT") return options(el, items.map(function (i) { return { value: i.id, text: i.name }; }));
        items.forEach(function (i) {
          var div = doc.createElement("div");
          div.className = "radio";
          div.innerHTML = '<input type="checkbox"><label></label>';
          var box = div.firstChild;
          box.id = div.lastChild.htmlFor = "f-" + list + "-" + i.id; box.name = list; box.value = i.id;
          div.lastChild.textContent = i.name;
          el.appendChild(div);
        });
      });
    }));
  }

  pages["role-request"] = async function () {
    var me = await api("GET", "/me", undefined, { guard: true });
    if (!me.ok) { announce(me.data.error.message, true); return; }
    rememberMe(me.data);
    var auths = me.data.authorisations || [];
    byId("no-role").hidden = auths.some(function (a) { return a.status === "valid"; });
    var held = me.data.role_kind && auths.some(function (a) { return a.status === "valid" || a.status === "requested"; }) && me.data.role_kind;
    if (held) {
      $all(".kind").forEach(function (k) { k.hidden = k.getAttribute("data-kind") !== held; });
      byId("kind-" + held).checked = true;
      byId("kind-only").textContent = T.only_kind;
      show(byId("kind-only"));
    }
    var form = byId("search-form"), dialog = byId("request-dialog");
    var requestForm = byId("request-form"), body = $("#results-table tbody");
    var cursors = [null], at = 0, found = {};
    function kind() { return ($("input[name=kind]:checked") || {}).value || "operator"; }
    function kindChanged() { byId("create-operator").hidden = kind() !== "operator"; }
    $all("input[name=kind]").forEach(function (r) { r.addEventListener("change", function () { kindChanged(); if (!byId("results").hidden) search(0, false); }); });
    kindChanged();
    var initial = new URLSearchParams(location.search);
    await Promise.all([countries(form.elements.namedItem("country"), initial.get("country")), reference()]);
    if (initial.get("q")) form.elements.namedItem("q").value = initial.get("q");

    async function search(page, focus) {
      var query = new URLSearchParams({ kind: kind() });
      var v = values(form);
      ["country", "section", "activity", "q"].forEach(function (k) { if (v[k]) query.set(k, v[k]); });
      if (cursors[page]) query.set("cursor", cursors[page]);
      var r = await api("GET", "/organisations?" + query, undefined, { guard: true });
      if (!r.ok) return r;
      at = page;
      cursors[page + 1] = r.data.cursor;
      body.innerHTML = "";
      r.data.items.forEach(function (o) {
        found[o.id] = o;
        var row = doc.createElement("tr"), td = doc.createElement("td"), box = doc.createElement("input");
        box.type = "checkbox"; box.name = "organisation"; box.value = o.id;
        box.setAttribute("aria-label", fmt(T.select_org, { name: o.name }));
        td.appendChild(box); row.appendChild(td);
        nodeCell(row, orgLink(o.id, o.name));
        cell(row, place(o));
        cell(row, [activitiesText(o), codesText(o.codes)].filter(Boolean).join(" · "));
        body.appendChild(row);
      });
      byId("results-table").hidden = !r.data.items.length;
      byId("results-summary").textContent = r.data.items.length ? fmt(T.found, { count: r.data.items.length }) : T.none_found;
      byId("page-previous").hidden = !at;
      byId("page-next").hidden = !r.data.cursor;
      show(byId("results"));
      if (focus) byId("results-title").focus();
      return r;
    }
    onSubmit(form, function () { cursors = [null]; return search(0, true); });
    byId("page-next").addEventListener("click", function () { search(at + 1, true); });
    byId("page-previous").addEventListener("click", function () { search(at - 1, true); });
    if (initial.get("q")) search(0, false);

    function chosen() { return ticked(body, "organisation").map(function (id) { return found[id]; }); }
    byId("request-open").addEventListener("click", function () {
      var list = chosen();
      if (!list.length) { announce(T.choose_first, true); focusOn(byId("page-status")); return; }
      $(".js-orgs", requestForm).textContent = list.map(function (o) { return o.name; }).join(", ");
      clearErrors(requestForm);
      dialog.showModal();
    });
    $("[data-close]", dialog).addEventListener("click", function () { dialog.close(); });
    onSubmit(requestForm, async function (data) {
      var outcome = byId("request-outcome"), list = chosen(), lines = [];
      for (var i = 0; i < list.length; i++) {
        var r = await api("POST", "/authorisations", Object.assign({ organisation_id: list[i].id }, data), { guard: true });
        if (!r.ok && r.status === 400) return r;
        lines.push([r.ok, r.ok ? fmt(T.sent, { name: list[i].name }) : fmt(T.not_sent, { name: list[i].name, message: r.data.error.message })]);
      }
      dialog.close();
      requestForm.reset();
      outcome.innerHTML = "";
      lines.forEach(function (l) { var li = doc.createElement("li"); li.textContent = l[1]; if (!l[0]) li.className = "field-error"; outcome.appendChild(li); });
      show(outcome);
      show(byId("request-next"));
      announce(lines.map(function (l) { return l[1]; }).join(" "), lines.some(function (l) { return !l[0]; }));
      focusOn(byId("page-status"));
      $all("input[name=organisation]:checked", body).forEach(function (c) { c.checked = false; });
    });
  };

  pages["operator-new"] = async function () {
    var form = byId("operator-form"), dup = byId("duplicates"), confirm = false;
    await Promise.all([countries(form.elements.namedItem("country")), reference()]);
    controlBodies(form);
    var withRequest = form.elements.namedItem("with_request");
    function requestFields() { $all("[name^='request.']", form).forEach(function (el) { el.closest(".field").hidden = !withRequest.checked; }); }
    withRequest.addEventListener("change", requestFields);
    function done(message, id) {
      hide(form);
      var panel = byId("operator-done");
      $(".js-message", panel).textContent = message;
      $(".js-link", panel).href = url("roles/organisation.html") + "?" + new URLSearchParams({ id: id });
      reveal(panel);
    }
    byId("confirm-duplicate").addEventListener("click", function () {
      confirm = true;
      form.requestSubmit();
    });
    onSubmit(form, async function () {
      var o = orgData(form, true);
      if (confirm) o.data.confirm_duplicate = true;
      confirm = false;
      var r = await api("POST", "/organisations", o.data, { guard: true });
      if (r.ok) { done(r.data.authorisation ? T.created : T.created_only, r.data.id); return r; }
      var e = r.data.error;
      if (e.code === "possible_duplicate") {
        var list = $(".js-list", dup);
        list.innerHTML = "";
        (e.candidates || []).forEach(function (c) {
          var li = doc.createElement("li");
          li.appendChild(orgLink(c.id, c.name));
          li.appendChild(doc.createTextNode(" – " + place(c) + " "));
          li.appendChild(button(fmt(T.request_in, { name: c.name }), null, async function () {
            var q = await api("POST", "/authorisations", Object.assign({ organisation_id: c.id }, o.data.request || {}), { guard: true });
            if (q.ok) done(fmt(T.requested_for, { name: c.name }), c.id); else showErrors(form, remap(q, { message: "request.message", email: "request.email", phone: "request.phone" }));
          }, "secondary"));
          list.appendChild(li);
        });
        reveal(dup);
        return null;
      }
      if (e.code === "duplicate_identifier") { e.fields = {}; e.fields[o.data.identifiers.length ? o.map["identifiers.0.value"] : "name"] = e.message; }
      return remap(r, o.map);
    });
  };

  pages["roles-mine"] = async function () {
    var table = byId("roles-table"), body = $("tbody", table);
    async function load() {
      var r = await api("GET", "/authorisations", undefined, { guard: true });
      hide(byId("roles-loading"));
      if (!r.ok) { announce(r.data.error.message, true); return; }
      var counts = byId("role-counts");
      counts.innerHTML = "";
      Object.keys(r.data.counts).forEach(function (s) {
        var li = doc.createElement("li");
        li.textContent = statusOf(s) + ": " + r.data.counts[s];
        li.setAttribute("data-status", s);
        counts.appendChild(li);
      });
      body.innerHTML = "";
      r.data.items.forEach(function (a) {
        var row = doc.createElement("tr");
        nodeCell(row, orgLink(a.organisation_id, a.organisation_name));
        cell(row, kindLabel(a.role_kind) + (a.administrator ? " (" + T.administrator + ")" : ""));
        cell(row, statusOf(a.status)).className = "status-" + a.status;
        cell(row, date(a.created_at));
        cell(row, a.decided_at ? date(a.decided_at) + (a.reason ? " – " + a.reason : "") : "");
        var td = nodeCell(row);
        if (a.status === "requested") {
          td.appendChild(button(T.withdraw, fmt(T.withdraw_named, { name: a.organisation_name }), async function (e) {
            e.currentTarget.disabled = true;
            var w = await api("POST", "/authorisations/" + a.id + "/withdraw", {}, { guard: true });
            await load();
            announce(w.ok ? T.withdrawn : w.data.error.message, !w.ok);
            focusOn(byId("page-status"));
          }, "secondary"));
        }
        body.appendChild(row);
      });
      table.hidden = !r.data.items.length;
      var empty = byId("roles-empty");
      empty.textContent = T.no_roles;
      empty.hidden = !!r.data.items.length;
      show(byId("roles"));
    }
    await load();
  };

  // The queue of requests (decided rows stay, with their new status), then the valid and the
  // suspended roles the caller may act on, each list from GET /authorisations/pending?status=.
  pages["roles-pending"] = async function () {
    var errors = byId("action-errors"), lists = {};
    var dialog = byId("reason-dialog"), reasonForm = byId("reason-form"), waiting = null;
    async function load(status) {
      var r = await api("GET", "/authorisations/pending?status=" + status, undefined, { guard: true });
      if (r.ok) { lists[status] = r.data; render(status); } else announce(r.data.error.message, true);
      return r.ok;
    }
    function reload() { return Promise.all([load("valid"), load("suspended")]); }
    var ok = await load("requested");
    hide(byId("pending-loading"));
    if (!ok) return;
    await reload();
    $("[data-close]", dialog).addEventListener("click", function () { dialog.close(); });
    async function act(a, action, data) {
      hide(errors);
      var path = "/authorisations/" + a.id + "/" + (action === "admin" ? "administrator" : action);
      var q = await api("POST", path, action === "admin" ? { administrator: !a.administrator } : data || {}, { guard: true });
      if (!q.ok) {
        if (data && q.status === 400) return q;
        $(".error-message", errors).textContent = q.data.error.message;
        dialog.close();
        reveal(errors);
        return null;
      }
      a.status = q.data.status;
      a.administrator = q.data.administrator;
      dialog.close();
      render("requested");
      await reload();
      announce(T["done_" + action]);
      focusOn(byId("page-status"));
      return q;
    }
    onSubmit(reasonForm, function (data) { return act(waiting[0], waiting[1], { reason: data.reason }); });
    function render(status) {
      var id = status === "requested" ? "pending" : status, table = byId(id + "-table"), body = $("tbody", table), items = lists[status];
      body.innerHTML = "";
      items.forEach(function (a) {
        var row = doc.createElement("tr"), name = a.requester_name || a.account_id;
        cell(row, name + " – " + (a.requester_email || ""));
        var org = nodeCell(row, orgLink(a.organisation_id, a.organisation_name));
        org.appendChild(doc.createTextNode([" ", a.postal_code, a.city].filter(Boolean).join(" ")));
        cell(row, kindLabel(a.role_kind) + (a.administrator ? " (" + T.administrator + ")" : ""));
        cell(row, [date(a.created_at), a.message, a.email, a.phone].filter(Boolean).join(" · "));
        cell(row, statusOf(a.status) + (a.status === "suspended" && a.reason ? " – " + a.reason : ""));
        var td = nodeCell(row), list = a.status !== status ? [] : { requested: ["validate", "reject"], valid: ["suspend", "admin"], suspended: ["reinstate"] }[status];
        list.forEach(function (action) {
          var label = action === "admin" ? (a.administrator ? T.remove_admin : T.grant_admin) : T[action];
          td.appendChild(button(label, fmt(T.action_for, { action: label, name: name + ", " + a.organisation_name }), function () {
            if (action === "reject" || action === "suspend") {
              waiting = [a, action];
              byId("reason-title").textContent = T["title_" + action];
              $(".js-who", reasonForm).textContent = name + " – " + a.organisation_name;
              clearErrors(reasonForm);
              reasonForm.reset();
              dialog.showModal();
            } else act(a, action);
          }, action === "validate" || action === "reinstate" ? "" : "secondary"));
          td.appendChild(doc.createTextNode(" "));
        });
        body.appendChild(row);
      });
      table.hidden = !items.length;
      byId(id + "-summary").textContent = items.length ? (id === "pending" ? fmt(T.pending_count, { count: items.length }) : "") : T[id + "_empty"];
    }
  };

  pages.organisation = async function () {
    var id = param("id") || "", box = byId("org"), form = byId("org-form"), org = null;
    var names = reference();
    async function load() {
      await names;
      var r = await api("GET", "/organisations/" + encodeURIComponent(id), undefined, { guard: true });
      hide(byId("org-loading"));
      if (!r.ok) { var p = byId("org-problem"); $(".js-message", p).textContent = r.data.error.message; reveal(p); return null; }
      org = r.data;
      text($(".js-name", box), org.name);
      text($(".js-kind", box), kindLabel(org.kind));
      text($(".js-status", box), org.status === "requested" ? T.status_requested_org : statusOf(org.status));
      text($(".js-address", box), place(org));
      text($(".js-country", box), org.country);
      text($(".js-contacts", box), Object.keys(org.contacts || {}).map(function (k) { return org.contacts[k]; }).join(", "));
      text($(".js-codes", box), codesText(org.codes));
      text($(".js-sections", box), (org.sections || []).map(function (s) { return T["section_" + s] || s; }).join(", "));
      text($(".js-activities", box), activitiesText(org));
      ["control_body_id", "administrator_count", "validator_id"].forEach(function (k) { text($(".js-" + k, box), org[k]); });
      $(".js-request", box).href = url("roles/request.html") + "?" + new URLSearchParams({ country: org.country, q: org.name });
      show(box);
      return r;
    }
    if (!(await load())) return;
    if (!org.may_edit) return;
    await countries(form.elements.namedItem("country"), org.country);
    controlBodies(form);
    function fillOrg() {
      var ids = org.identifiers || [], eori = ids.filter(function (i) { return i.type === "eori"; })[0], other = ids.filter(function (i) { return i.type !== "eori"; })[0];
      var c = org.contacts || {}, data = { eori: eori && eori.value, other_type: other ? other.type : "vat", other_value: other && other.value };
      ["name", "address", "postal_code", "city", "region", "country", "control_body_id"].forEach(function (k) { data[k] = org[k]; });
      ["phone", "fax", "email", "web_site"].forEach(function (k) { data["contacts." + k] = c[k]; });
      fill(form, data);
      $all("input[type=checkbox]", form).forEach(function (b) { b.checked = (org[b.name] || []).indexOf(b.value) >= 0; });
    }
    fillOrg();
    if (org.kind !== "operator") form.elements.namedItem("control_body_id").closest(".field").hidden = true;
    show(byId("org-edit"));
    onSubmit(form, async function () {
      var o = orgData(form, false);
      o.data.version = org.version;
      var r = remap(await api("PATCH", "/organisations/" + encodeURIComponent(id), o.data, { guard: true }), o.map);
      if (r.ok) { await load(); fillOrg(); announce(T.saved_org); focusOn(byId("page-status")); }
      return r;
    });
  };

  /* ---------- for the pages with their own script ---------- */
  // What their scripts (coi.js...) use. The build serves them core.js: this file without its
  // pages; site.js is served without this section.
  window.traces = { T: T, lang: lang, pages: pages, byId: byId, $: $, $all: $all, url: url, show: show, hide: hide,
    focusOn: focusOn, text: text, param: param, session: session, api: api, clearErrors: clearErrors,
    onSubmit: onSubmit, announce: announce, reveal: reveal, options: options, date: date, cell: cell,
    fmt: fmt, nodeCell: nodeCell, button: button };

  /* ---------- every page ---------- */
  function keepLocationInLanguageSwitch() {
    $all("a[data-keep-location]").forEach(function (a) {
      a.href = a.getAttribute("href").split(/[?#]/)[0] + location.search + location.hash;
    });
  }

  doc.addEventListener("DOMContentLoaded", function () {
    keepLocationInLanguageSwitch();
    updateNav();
    var name = doc.body.getAttribute("data-page");
    var ready = Promise.resolve();
    if (doc.body.getAttribute("data-requires-login") === "true" && !session.csrf()) {
      /* A new tab has no CSRF token, but the cookie may be alive: /api/me tells (401 -> login). */
      ready = api("GET", "/me", undefined, { guard: true }).then(function (me) { if (me.ok) rememberMe(me.data); });
    }
    ready.then(function () { return pages[name] && pages[name](); }).catch(function (e) {
      if (!e || !e.redirecting) announce(T.unexpected, true);
    });
  });
})();
