// The organisation's API keys and webhooks (SPEC 5.1), for its administrators. organisation.js
// calls it for those who may edit the organisation; the sections show when the API lets the
// reader list the keys (a validator who is no administrator gets 403: they stay hidden).
(function (t) {
  "use strict";
  var byId = t.byId, $ = t.$, api = t.api, T = t.T, doc = t.doc;

  function cell(row, value) { var td = doc.createElement("td"); t.text(td, value); row.appendChild(td); return td; }
  function day(iso) { return iso ? iso.slice(0, 10) : null; }
  function button(label, action) {
    var b = doc.createElement("button"); b.type = "button"; b.className = "secondary"; b.textContent = label;
    b.addEventListener("click", action); return b;
  }

  t.machines = async function () {
    var id = t.param("id") || "", base = "/organisations/" + encodeURIComponent(id);
    var keys = byId("org-keys"), hooks = byId("org-hooks");

    async function loadKeys() {
      var r = await api("GET", base + "/api-keys", undefined, { guard: true });
      if (!r.ok) return false;
      var body = $(".js-keys", keys); body.textContent = "";
      r.data.items.forEach(function (k) {
        var row = doc.createElement("tr");
        [k.name, k.prefix, T["scope_" + k.scope], day(k.expires_at), day(k.last_used_at),
         k.revoked_at ? T.key_revoked : T.key_active].forEach(function (v) { cell(row, v); });
        var actions = cell(row, "");
        actions.textContent = "";
        if (!k.revoked_at) actions.appendChild(button(T.key_revoke + " " + k.name, async function () {
          var done = await api("DELETE", base + "/api-keys/" + encodeURIComponent(k.id), undefined, { guard: true });
          t.announce(done.ok ? T.key_revoked_done : done.data.error.message, !done.ok);
          await loadKeys();
        }));
        body.appendChild(row);
      });
      t.show(keys);
      return true;
    }

    async function showLog(h) {
      var r = await api("GET", base + "/webhooks/" + encodeURIComponent(h.id) + "/deliveries", undefined, { guard: true });
      var box = byId("hook-log"), body = $(".js-attempts", box); body.textContent = "";
      t.text($(".js-url", box), h.url);
      (r.ok ? r.data.items : []).forEach(function (a) {
        var row = doc.createElement("tr");
        [a.at.replace("T", " ").slice(0, 19), a.type, a.attempt, a.status || a.error || T.hook_failed, a.duration_ms]
          .forEach(function (v) { cell(row, v); });
        body.appendChild(row);
      });
      if (r.ok && !r.data.items.length) { var row = doc.createElement("tr"); cell(row, T.hook_no_delivery).colSpan = 5; body.appendChild(row); }
      t.reveal(box);
    }

    async function loadHooks() {
      var r = await api("GET", base + "/webhooks", undefined, { guard: true });
      if (!r.ok) return;
      var body = $(".js-hooks", hooks); body.textContent = "";
      r.data.items.forEach(function (h) {
        var row = doc.createElement("tr");
        [h.url, h.events.join(", "), T["hook_" + h.status]].forEach(function (v) { cell(row, v); });
        var actions = cell(row, ""); actions.textContent = "";
        actions.appendChild(button(T.hook_ping, async function () {
          var done = await api("POST", base + "/webhooks/" + encodeURIComponent(h.id) + "/ping", undefined, { guard: true });
          t.announce(done.ok ? T.hook_pinged : done.data.error.message, !done.ok);
        }));
        actions.appendChild(button(T.hook_log, function () { return showLog(h); }));
        if (h.status === "disabled") actions.appendChild(button(T.hook_enable, async function () {
          var done = await api("POST", base + "/webhooks/" + encodeURIComponent(h.id) + "/enable", undefined, { guard: true });
          if (!done.ok) t.announce(done.data.error.message, true);
          await loadHooks();
        }));
        body.appendChild(row);
      });
      t.show(hooks);
    }

    if (!(await loadKeys())) return;
    await loadHooks();
    t.onSubmit(byId("key-form"), async function (data) {
      var r = await api("POST", base + "/api-keys", data, { guard: true });
      if (!r.ok) return r;
      var box = byId("key-secret");
      $(".js-secret", box).textContent = r.data.key;
      byId("key-form").reset();
      await loadKeys();
      t.reveal(box);
      return r;
    });
    t.onSubmit(byId("hook-form"), async function (data) {
      data.events = Array.prototype.map.call(byId("hook-form").querySelectorAll("input[name=events]:checked"),
                                             function (b) { return b.value; });
      var r = await api("POST", base + "/webhooks", data, { guard: true });
      if (!r.ok) return r;
      var box = byId("hook-secret");
      $(".js-secret", box).textContent = r.data.secret;
      byId("hook-form").reset();
      await loadHooks();
      t.reveal(box);
      return r;
    });
  };
})(window.traces);
