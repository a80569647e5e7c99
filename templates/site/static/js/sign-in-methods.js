// What the pages about sign-in methods share (SPEC 1.9): the methods' names, and passkeys
// (WebAuthn) with JSON in and out as the API speaks it. The texts come from the page
// (_macros.html sign_in_method_texts).
(function (t) {
  "use strict";

  t.methodLabel = function (m) { return t.T["method_" + m] || m; };

  // create(options) / get(options) -> the credential as JSON, or null if the person cancelled or
  // the device has no passkey for this site.
  t.passkeys = {
    supported: function () { return !!(window.PublicKeyCredential && PublicKeyCredential.parseRequestOptionsFromJSON); },
    create: function (options) {
      return ask(function () { return navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) }); });
    },
    get: function (options) {
      return ask(function () { return navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) }); });
    },
    cancelled: function () { return { ok: false, data: { error: { message: t.T.passkey_cancelled } } }; }
  };

  async function ask(call) {
    try {
      var credential = await call();
      return credential ? credential.toJSON() : null;
    } catch (e) {
      if (e && (e.name === "NotAllowedError" || e.name === "AbortError" || e.name === "InvalidStateError")) return null;
      throw e;
    }
  }
})(window.traces);
