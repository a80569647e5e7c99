// What the role pages share (SPEC 2): names of sections, activities and identifiers, addresses,
// and the operator form (new operator, organisation edit) with the fields the API takes.
(function (t) {
  "use strict";
  var doc = t.doc, byId = t.byId, $ = t.$, $all = t.$all, api = t.api, T = t.T;
  var org = t.org = {};

  org.ticked = function (root, name) { return $all("input[name='" + name + "']:checked", root).map(function (c) { return c.value; }); };
  org.place = function (o, country) {
    return [o.address, [o.postal_code, o.city].filter(Boolean).join(" "), country ? country(o.country) : o.country].filter(Boolean).join(", ");
  };
  org.codesText = function (list) { return (list || []).map(function (c) { return (T["id_" + c.type] || c.type) + " " + c.value; }).join(", "); };
  org.activitiesText = function (o) { return (o.activities || []).map(function (a) { return T["activity_" + a] || a; }).join(", "); };

  /* The operator form as the API takes it, and where the API's error names point. Editing (no
     request), an emptied field is sent as null: PATCH clears it. */
  org.data = function (form, withRequest) {
    var v = t.values(form), d = {}, map = { identifiers: "eori" }, ids = [];
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
    d.sections = org.ticked(form, "sections");
    d.activities = org.ticked(form, "activities");
    if (withRequest && v.with_request) d.request = v.request || {};
    return { data: d, map: map };
  };
  org.remap = function (r, map) {
    var f = r.data && r.data.error && r.data.error.fields;
    if (f) Object.keys(f).forEach(function (k) { if (map[k] && !f[map[k]]) { f[map[k]] = f[k]; delete f[k]; } });
    return r;
  };

  /* The control bodies that certify in the chosen country, offered in the datalist. */
  org.controlBodies = function (form) {
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
  };

  /* Fields required only for some activities ([data-required-when]: "organic_importer", or
     "organic" for any organic activity) show as required once such an activity is ticked. */
  org.requiredWhen = function (form) {
    function update() {
      var chosen = org.ticked(form, "activities");
      $all("[data-required-when]", form).forEach(function (input) {
        var when = input.getAttribute("data-required-when");
        var needed = chosen.some(function (a) { return a === when || a.indexOf(when + "_") === 0; });
        var label = $("label[for='" + input.id + "']", form);
        $(".optional", label).hidden = needed;
        $(".required-when", label).hidden = !needed;
        if (needed) input.setAttribute("aria-required", "true"); else input.removeAttribute("aria-required");
      });
    }
    form.addEventListener("change", function (e) { if (e.target.name === "activities") update(); });
    update();
    return update;
  };

  // Sections and activities in the page's language (GET /reference/sections|activities): their
  // names go to T (section_<id>, activity_<id>) and the [data-reference] selects and fieldsets
  // get one option or checkbox each.
  org.reference = function () {
    return Promise.all(["section", "activity"].map(async function (k) {
      var list = k === "section" ? "sections" : "activities", r = await api("GET", "/reference/" + list), items = r.ok ? r.data : [];
      items.forEach(function (i) { T[k + "_" + i.id] = i.name; });
      $all("[data-reference=" + list + "]").forEach(function (el) {
        if (el.tagName === "SELECT") return t.options(el, items.map(function (i) { return { value: i.id, text: i.name }; }));
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
  };
})(window.traces);
