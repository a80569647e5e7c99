// traces: the customs check page (SPEC 3.3): a COI or extract by number, its lines written off
// and remaining, a form to write net weights off against a declaration's MRN, and each
// write-off with a button to cancel it.
(function () {
  "use strict";
  var t = window.traces, T = t.T, $ = t.$, $all = t.$all, byId = t.byId, fmt = t.fmt;

  t.pages.customs = async function () {
    var form = byId("customs-form"), result = byId("customs-result"), problem = byId("customs-problem");
    var writeOff = byId("write-off-form"), shown = null;

    function address(number, rest) { return "/customs/cois/" + encodeURIComponent(number) + (rest || ""); }

    function weightInput(line) {
      var input = t.el("input");
      input.type = "text"; input.name = "w" + line.line; input.id = "f-w" + line.line;
      input.setAttribute("inputmode", "decimal"); input.setAttribute("maxlength", "20");
      input.setAttribute("aria-label", fmt(T.line_n, { n: line.line + 1 }) + " – " + $(".js-to-write-off", result).textContent);
      return input;
    }

    function showLines(c) {
      var body = $("#lines-table tbody");
      body.innerHTML = "";
      c.lines.forEach(function (line) {
        var row = body.insertRow();
        t.cell(row, line.line + 1); t.cell(row, line.cn_code); t.cell(row, line.net_weight + " " + line.unit);
        t.cell(row, line.written_off + " " + line.unit); t.cell(row, line.remaining + " " + line.unit);
        var cell = row.insertCell();
        if (c.releasable) cell.appendChild(weightInput(line));
      });
      $all(".js-to-write-off").forEach(function (el) { el.hidden = !c.releasable; });
      $(".js-record", writeOff).hidden = !c.releasable;
      t.labelCells(byId("lines-table"));
    }

    function showWriteOffs(c) {
      var table = byId("write-offs-table"), body = $("tbody", table);
      body.innerHTML = "";
      c.write_offs.forEach(function (w) {
        var row = body.insertRow();
        t.cell(row, w.mrn); t.cell(row, t.date(w.at));
        t.cell(row, w.lines.map(function (l) { return fmt(T.wo_line, { line: fmt(T.line_n, { n: l.line + 1 }), weight: l.net_weight }); }).join(" ; "));
        t.cell(row, w.status === "active" ? T.wo_active : T.wo_cancelled);
        var action = row.insertCell();
        if (w.status === "active") {
          action.appendChild(t.button(T.cancel, fmt(T.cancel_label, { mrn: w.mrn }), function () { cancel(w.mrn); }, "secondary"));
        }
      });
      table.hidden = !c.write_offs.length;
      t.labelCells(table);
    }

    function show(c) {
      shown = c;
      byId("customs-title").textContent = c.number;
      t.text($(".js-status", result), t.statusWord(c.status));
      var verdict = $(".js-verdict", result);
      verdict.classList.toggle("success", c.releasable);
      verdict.classList.toggle("problem", !c.releasable);
      t.text($(".js-releasable", result), c.releasable ? T.releasable : T.not_releasable);
      showLines(c);
      showWriteOffs(c);
      t.show(result);
    }

    async function check(number) {
      t.hide(result);
      t.hide(problem);
      var r = await t.api("GET", address(number), undefined, { guard: true });
      history.replaceState(null, "", location.pathname + "?" + new URLSearchParams({ number: number }));
      if (!r.ok && r.status === 404) {
        $(".js-message", problem).textContent = T.customs_unknown;
        t.reveal(problem);
        return null;
      }
      if (!r.ok) return r;
      show(r.data);
      return r;
    }

    async function cancel(mrn) {
      var r = await t.api("DELETE", address(shown.number, "/write-offs/" + encodeURIComponent(mrn)), undefined, { guard: true });
      if (!r.ok) { t.announce(r.data.error.message, true); return; }
      await check(shown.number);
      t.announce(fmt(T.cancelled, { mrn: mrn }));
    }

    // The API names the lines of the request (lines.<i>.net_weight): the page names the inputs.
    function named(r, sent) {
      var fields = (r.data && r.data.error && r.data.error.fields) || {}, out = {};
      Object.keys(fields).forEach(function (key) {
        var m = /^lines\.(\d+)/.exec(key);
        out[m && sent[+m[1]] ? "w" + sent[+m[1]].line : key] = fields[key];
      });
      if (r.data && r.data.error) r.data.error.fields = out;
      return r;
    }

    t.onSubmit(form, function (data) {
      var number = (data.number || "").trim().toUpperCase();
      if (!number) return Promise.resolve({ ok: false, data: { error: { message: T.invalid_fields, fields: { number: T.customs_required } } } });
      return check(number);
    });

    t.onSubmit(writeOff, async function (data) {
      var lines = shown.lines.filter(function (l) { return (data["w" + l.line] || "").trim(); }).map(function (l) {
        return { line: l.line, net_weight: data["w" + l.line].trim().replace(",", ".") };   // a French decimal comma
      });
      if (!lines.length) {
        var first = "w" + shown.lines[0].line, fields = {};
        fields[first] = T.nothing_to_write_off;
        return { ok: false, data: { error: { message: T.invalid_fields, fields: fields } } };
      }
      var r = await t.api("POST", address(shown.number, "/write-offs"), { mrn: (data.mrn || "").trim(), lines: lines }, { guard: true });
      if (!r.ok) return named(r, lines);
      writeOff.reset();
      await check(shown.number);
      t.announce(fmt(T.recorded, { mrn: r.data.mrn }));
      return r;
    });

    var initial = t.param("number");
    if (initial) { form.elements.namedItem("number").value = initial; await check(initial.trim().toUpperCase()); }
  };
})();
