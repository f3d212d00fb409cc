"""Every API operation and every staff page, as every role and as staff of another store, against
the one table in `permission_matrix`."""

import datetime as dt
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from storeos.web.tests import permission_matrix as matrix
from storeos.web.tests.matrix_chain import ROLES, matrix_chain

pytestmark = pytest.mark.django_db

REFUSED = {401, 403, 404}
# Ids the chain cannot seed (a QR provider is not set up in tests; no expiry alert, no token, no
# reward): everyone meets a 404 there, so only the refusal of the others is proven.
UNSEEDED = {"intent_id", "token_id", "alert_id", "reward_code"}
API_ONLY = {"method"}
# Optional fields filled in anyway: a cart line names its SKU, a price list its store.
OPTIONAL_IDS = {"sku_id", "store_id"}
# How an amount reads in the schema: a decimal string (see api.fields).
DECIMAL = re.compile(r"\\\.\[0-9\]")


@pytest.fixture
def chain(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return matrix_chain()


def _clients(chain) -> dict:
    clients = {"anonymous": (Client(), None, False)}
    for label, role, store_bound in ROLES:
        client = Client()
        client.force_login(chain["users"][label])
        client.cookies["django_language"] = "en"
        clients[label] = (client, role, store_bound)
    return clients


def _value(name: str, ids: dict, chain: dict, path: str = ""):
    if name == "order_id" and "/online-orders/" in path:
        return ids["online_order_id"]
    for source in (ids, chain["chain"]):
        if name in source:
            value = source[name]
            return str(value) if isinstance(value, uuid.UUID) else value
    return None


def _example(schema: dict, components: dict, name: str, ids: dict, chain: dict):
    """The smallest value a schema accepts, with real ids where the field names one."""
    if "anyOf" in schema:
        schema = next(s for s in schema["anyOf"] if s.get("type") != "null")
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    known = _value(name, ids, chain)
    if known is not None:
        return known
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object" or "properties" in schema:
        # The required fields, and the optional ids the chain has (a line names its SKU).
        return {
            field: _example(sub, components, field, ids, chain)
            for field, sub in schema.get("properties", {}).items()
            if field in schema.get("required", [])
            or (field in OPTIONAL_IDS and _value(field, ids, chain) is not None)
        }
    if kind == "array":
        return [_example(schema.get("items", {}), components, name, ids, chain)]
    if kind == "integer":
        # An id must be a real one: a guessed 1 names a row on SQLite and none on PostgreSQL.
        assert not name.endswith("_id"), f"the matrix chain has no {name}"
        return 1
    if kind == "number":
        return "1.00"
    if kind == "boolean":
        return False
    if DECIMAL.search(schema.get("pattern", "")):
        return "1.00"
    fmt = schema.get("format")
    if fmt == "uuid":
        return str(uuid.uuid4())
    if fmt == "date":
        return dt.date.today().isoformat()
    if fmt == "date-time":
        return dt.datetime.now(dt.UTC).isoformat()
    return "x"


def _api_request(key: str, op: dict, components: dict, ids: dict, chain: dict) -> dict:
    method, path = key.split(" ", 1)
    query = {}
    for param in op.get("parameters", []):
        value = _value(param["name"], ids, chain, path)
        if param["in"] == "path":
            path = path.replace("{" + param["name"] + "}", str(value))
        elif param["in"] == "query" and (value is not None or param.get("required")):
            if value is None:
                value = _example(param.get("schema", {}), components, param["name"], ids, chain)
            query[param["name"]] = value
    request = {"method": method, "path": path, "query": query, "body": None}
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        schema = content["application/json"]["schema"]
        request["body"] = _example(schema, components, "body", ids, chain)
    elif content:
        request["multipart"] = True
    return request


def _send(client: Client, request: dict):
    """One request, undone afterwards so every role meets the same chain."""
    method = request["method"].lower()
    path = request["path"]
    with transaction.atomic():
        if method == "get":
            response = client.get(path, request["query"])
            if response.status_code == 405 and not path.startswith("/api/"):
                response = client.post(path, {})  # a form's target: it only takes a POST
        else:
            if request["query"]:
                path += "?" + "&".join(f"{k}={v}" for k, v in request["query"].items())
            # A fresh key each time: writes that need one reach their permission check.
            headers = {"Idempotency-Key": uuid.uuid4().hex}
            if request.get("multipart"):
                scan_file = SimpleUploadedFile("scan.txt", b"5702016616217\n")
                response = getattr(client, method)(path, {"file": scan_file}, headers=headers)
            else:
                response = getattr(client, method)(
                    path, request["body"] or {}, content_type="application/json", headers=headers
                )
        transaction.set_rollback(True)
    return response


def _verdict(response, expect_allowed: bool, unseeded: bool) -> str | None:
    """None when the answer matches the table, else why it does not."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if expect_allowed:
        if status in (401, 403) or (status == 404 and not unseeded):
            return f"refused with {status} {_code(response)}, table says allowed"
        return None
    if status in REFUSED:
        return None
    if status in (400, 422) and request_validation(response):
        return f"{status} before the permission check (body not valid), refusal unproven"
    return f"answered {status} {_code(response)}, table says refused"


def _code(response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("code", "")) if isinstance(body, dict) else ""


def request_validation(response) -> bool:
    return _code(response) == "validation_error"


def test_every_api_operation_answers_every_role_as_the_table_says(chain, client):
    # given the documented operations
    document = client.get("/api/openapi.json").json()
    components = document.get("components", {}).get("schemas", {})
    operations = {
        f"{method.upper()} {path}": op
        for path, methods in document["paths"].items()
        for method, op in methods.items()
    }
    unclassified = sorted(set(operations) - set(matrix.API))
    stale = sorted(set(matrix.API) - set(operations))
    clients = _clients(chain)
    stores = chain["stores"]
    problems = []
    # when each one is called as each role, with store A's ids (and B's for A's own staff)
    for key, op in sorted(operations.items()):
        rule = matrix.API.get(key)
        if rule is None:
            continue
        unseeded = any("{" + name + "}" in key for name in UNSEEDED)
        request = _api_request(key, op, components, stores["A"], chain)
        across = _api_request(key, op, components, stores["B"], chain) if rule.crosses else None
        for label, (caller, role, store_bound) in clients.items():
            expect = matrix.allowed(rule, role, store_bound)
            why = _verdict(_send(caller, request), expect, unseeded)
            if why:
                problems.append(f"{key} as {label}: {why}")
            if across is not None and store_bound:
                why = _verdict(_send(caller, across), False, unseeded)
                if why:
                    problems.append(f"{key} as {label} of A on store B: {why}")
    # then every answer is the table's, and every operation is in the table
    problems += [f"{key}: not in permission_matrix.API" for key in unclassified]
    problems += [f"{key}: in permission_matrix.API but not in the API" for key in stale]
    assert problems == [], "\n".join(problems)


def _pages(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _pages(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or ''}", prefix + str(entry.pattern)


def _page_path(route: str, ids: dict, chain: dict) -> str:
    def fill(match):
        name = match.group(2)
        value = _value(name, ids, chain)
        if value is None:
            value = {"order_uuid": ids["order_id"], "step": "pause"}[name]
        return str(value)

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)


def _page_query(name: str, ids: dict, chain: dict) -> dict:
    """What the till's script sends with each of its requests."""
    return {
        "pos:lookup": {"code": chain["chain"]["barcode"]},
        "pos:search": {"q": "Train"},
        "pos:member": {"q": ids["phone"]},
        "pos:member_points": {"order": str(ids["order_id"])},
        "pos:qr": {"data": "https://pay.example/qr"},
    }.get(name, {})


def test_every_page_answers_every_role_as_the_table_says(chain):
    # given every page of the staff UI
    pages = {
        name: route
        for name, route in _pages(get_resolver().url_patterns)
        if not name.startswith(matrix.NOT_PAGES)
    }
    unclassified = sorted(set(pages) - set(matrix.PAGES))
    clients = _clients(chain)
    stores = chain["stores"]
    problems = []
    # when each is opened as each role (and A's staff open B's twin of a store's object)
    for name, route in sorted(pages.items()):
        rule = matrix.PAGES.get(name)
        if rule is None:
            continue
        unseeded = any(f"{n}>" in route for n in UNSEEDED)
        request = {
            "method": "GET",
            "path": _page_path(route, stores["A"], chain),
            "query": _page_query(name, stores["A"], chain),
        }
        across = {
            "method": "GET",
            "path": _page_path(route, stores["B"], chain),
            "query": _page_query(name, stores["B"], chain),
        }
        for label, (caller, role, store_bound) in clients.items():
            expect = matrix.allowed(rule, role, store_bound)
            response = _send(caller, request)
            if role is None and not expect and response.status_code == 302:
                continue  # signed out: sent to the login page
            why = _verdict(response, expect, unseeded)
            if why:
                problems.append(f"{name} {request['path']} as {label}: {why}")
            if rule.crosses and store_bound:
                why = _verdict(_send(caller, across), False, unseeded)
                if why:
                    problems.append(f"{name} {across['path']} as {label} of A on store B: {why}")
    # then every answer is the table's, and every page is in the table
    problems += [f"{name}: not in permission_matrix.PAGES" for name in unclassified]
    assert problems == [], "\n".join(problems)
