(function (t) {
  "use strict";
  t.pages.logout = async function () {
    if (t.session.csrf()) await t.api("DELETE", "/session");
    t.session.clear();
    t.updateNav();
    t.hide(t.byId("logout-progress"));
    t.reveal(t.byId("logout-done"));
  };
})(window.traces);
