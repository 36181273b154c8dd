"""The error answers of the OpenAPI document (/api/v1/schema/), in one place.

drf-spectacular documents what each view declares (its 200/201 body); the
errors are the same across the API (core.api answers them all in one shape), so
a postprocessing hook adds them to every operation from a few rules instead of
each view listing them. A client generated from the schema then knows every
status it can get, and the schemathesis run (exchange/tests/test_schemathesis.py)
holds the API to it.
"""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error of the API: a translated message, a stable code, and for "
    "bad input the messages per field.",
    "properties": {
        "detail": {"type": "string", "description": "A message for people (translated)."},
        "code": {
            "type": "string",
            "description": "A stable code: InvalidInput, NotAuthenticated, PermissionDenied, "
            "NotFound, Conflict, PreconditionRequired, RateLimited, Unavailable, ...",
        },
        "errors": {
            "type": "object",
            "description": "Messages per field (400), keyed by the field's path.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail"],
}

RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer"},
    }
}

DESCRIPTIONS = {
    400: "Bad input: the messages per field are in `errors`; nothing was changed.",
    401: "No valid token or session.",
    403: "The object is visible, but this user may not do this to it.",
    404: "No such object, or the user may not see it (never a hint which).",
    409: "The object changed in the meantime (stale `version`), or the action does not "
    "fit its state.",
    413: "The request body is too large.",
    428: "The `version` of the object the client saw is missing.",
    429: "Too many requests: wait (Retry-After) and try again.",
    503: "The service is briefly unavailable (e.g. its database): try again after "
    "Retry-After seconds.",
}

WRITE_METHODS = {"post", "put", "patch", "delete"}


def _is_public(path: str, operation: dict, method: str = "") -> bool:
    # Logging in is public; logging out and managing one's tokens need the token.
    login = path == "/api/v1/auth/token" and method in ("", "post")
    return path.startswith("/api/v1/public/") or login or operation.get("security") in ([], [{}])


def _request_schemas(operation: dict, components: dict) -> list[dict]:
    """The request body's schemas, with a component reference resolved."""
    found = []
    for media in (operation.get("requestBody") or {}).get("content", {}).values():
        schema = media.get("schema") or {}
        ref = schema.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            schema = components.get(ref.rsplit("/", 1)[1], {})
        found.append(schema)
    return found


def error_statuses(path: str, method: str, operation: dict, components: dict) -> set[int]:
    """The error statuses this operation can answer."""
    public = _is_public(path, operation, method)
    params = operation.get("parameters") or []
    body = _request_schemas(operation, components)
    # Any request can be malformed (a bad parameter, a NUL byte, a body that
    # cannot be read), and any can meet a database outage.
    statuses = {400, 503}
    if not public:
        statuses |= {401, 403}
    # The petitioner's matter, named by the X-Query-Code header, may not exist.
    by_code = any(p.get("name", "").lower() == "x-query-code" for p in params)
    if not public or by_code or any(p.get("in") == "path" for p in params):
        # An object in the path, or one a filter or the body names (a unit, a
        # township), that does not exist or the user may not see.
        statuses.add(404)
    if method in WRITE_METHODS and not path.startswith("/api/v1/auth/"):
        statuses.add(409)
    if body:
        statuses.add(413)
    if any("version" in (schema.get("properties") or {}) for schema in body):
        statuses.add(428)
    if public or path.endswith("/reveal"):
        statuses.add(429)
    return statuses


def add_error_responses(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry: one shared Error schema, and
    each operation's error statuses referring to it (what a view declares itself
    is kept)."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete", "head", "options"}:
                continue
            for schema in _request_schemas(operation, components):
                # A change needs the version the client saw (core.api.require_version),
                # PATCH too, whose body drf-spectacular makes all optional.
                if "version" in (schema.get("properties") or {}):
                    required = schema.setdefault("required", [])
                    if "version" not in required:
                        required.append("version")
            responses = operation.setdefault("responses", {})
            for status in sorted(error_statuses(path, method, operation, components)):
                entry = {
                    "description": DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": ref}},
                }
                if status in (429, 503):
                    entry["headers"] = RETRY_AFTER
                responses.setdefault(str(status), entry)
    return result
