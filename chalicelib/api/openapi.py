"""GET /api/openapi.json: the OpenAPI description, built from the registered routes so that it
cannot drift from them (each operation's summary is its view's docstring or name)."""
import re

ERROR = {"type": "object", "properties": {"error": {"type": "object", "properties": {
    "code": {"type": "string"}, "message": {"type": "string"},
    "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}}


def describe(routes: dict) -> dict:
    paths = {}
    for path, methods in sorted(routes.items()):
        operations = {}
        for method, entry in methods.items():
            params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                      for name in re.findall(r"{(\w+)}", path)]
            doc = (entry.view_function.__doc__ or entry.view_name.replace("_", " ")).strip()
            operations[method.lower()] = {
                "operationId": entry.view_name, "summary": doc.splitlines()[0],
                "parameters": params,
                "responses": {"2XX": {"description": "success"},
                              "default": {"description": "error",
                                          "content": {"application/json": {"schema": ERROR}}}},
            }
        paths[path] = operations
    return {"openapi": "3.1.0",
            "info": {"title": "traces API", "version": "1",
                     "description": "Person accounts, organisations and roles of traces. "
                                    "Errors: {error: {code, message, fields}}; language by "
                                    "Accept-Language; state-changing requests with the session "
                                    "cookie carry X-CSRF-Token."},
            "paths": paths}
