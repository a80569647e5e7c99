// CloudFront Function of the site's behaviour (not /api/*), on viewer request and viewer
// response. An S3 origin has no directory index and answers 403 for a missing key, and the
// distribution's custom error pages would also replace the API's JSON 403/404: so this function
// maps the site's URLs itself. deploy/template.py fills in PAGES (every page the build writes)
// and LANGUAGES (the first is the default).
//   /                      -> 302 to /fr/ (or /en/ when the browser prefers English)
//   /fr/, /fr/backoffice/  -> /fr/index.html, /fr/backoffice/index.html
//   /fr/backoffice         -> 301 to /fr/backoffice/ (a folder without its slash)
//   /static/...            -> as asked (versioned assets)
//   anything else          -> the language's 404.html, in the site's layout, with status 404
var PAGES = __PAGES__;
var LANGUAGES = __LANGUAGES__;
var NOT_FOUND = "404.html";

function preferred(request) {
  var accept = request.headers["accept-language"];
  var first = accept ? accept.value.split(",")[0].trim().toLowerCase().split("-")[0] : "";
  return LANGUAGES.indexOf(first) >= 0 ? first : LANGUAGES[0];
}

function redirect(status, location) {
  return {statusCode: status, statusDescription: status === 301 ? "Moved Permanently" : "Found",
          headers: {"location": {value: location}, "cache-control": {value: "no-store"}}};
}

// The page a URI shows, or null (static assets are no page).
function page(uri) {
  var path = uri.charAt(uri.length - 1) === "/" ? uri + "index.html" : uri;
  return PAGES[path] ? path : null;
}

function onRequest(event) {
  var request = event.request, uri = request.uri;
  if (uri === "/") return redirect(302, "/" + preferred(request) + "/");
  if (uri.indexOf("/static/") === 0) return request;
  var found = page(uri);
  if (found) {
    request.uri = found;
    return request;
  }
  if (PAGES[uri + "/index.html"]) return redirect(301, uri + "/");
  var first = uri.split("/")[1];
  request.uri = "/" + (LANGUAGES.indexOf(first) >= 0 ? first : preferred(request)) + "/" + NOT_FOUND;
  return request;
}

function onResponse(event) {
  var response = event.response, uri = event.request.uri;
  if (uri.indexOf("/static/") !== 0 && !page(uri)) {
    response.statusCode = 404;
    response.statusDescription = "Not Found";
  }
  return response;
}

function handler(event) {
  return event.context.eventType === "viewer-response" ? onResponse(event) : onRequest(event);
}
