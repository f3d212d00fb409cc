"""API fuzzing: schemathesis drives every operation of /api/openapi.json, as every role, through
the real WSGI application, and checks that nothing answers 5xx and every answer is documented
(status code, content type and body schema).

Each generated case (valid and invalid data; half of them aimed at rows of the seeded chain) is
sent once per role and once without a token. CI draws 3 cases per operation, the same ones every
run (seeded by the operation); a deeper run by hand draws new ones each time:

    STOREOS_FUZZ_EXAMPLES=50 .venv/bin/pytest src/storeos/api/tests/test_fuzz.py

Every request runs in a savepoint that is rolled back after it, so each one meets the same seeded
chain, and a request that breaks the transaction (PostgreSQL) cannot spoil the ones after it.
"""

import os
import re
import zlib
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from storeos.accounts.models import Role

EXAMPLES = int(os.environ.get("STOREOS_FUZZ_EXAMPLES") or 3)
DEEP = "STOREOS_FUZZ_EXAMPLES" in os.environ
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ROLES = [*Role.values, "anonymous"]
AREAS = [
    "auth",
    "regions",
    "stores",
    "locations",
    "catalog",
    "inventory",
    "sales",
    "loyalty",
    "member",
    "labels",
    "promotions",
    "cart",
]

pytestmark = pytest.mark.django_db


@contextmanager
def _one_connection_per_test():
    """The WSGI handler closes "old" connections around each request; inside the test's
    transaction that would close it (Django's test client disconnects the same signals)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


def _strategy(operation, known: dict):
    strategies = [
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    ]
    path_known = {
        name: known[name] for name in re.findall(r"{(\w+)}", operation.path) if name in known
    }
    if path_known:
        # Half the cases aim at rows that exist, to get past the 404 into the service.
        aimed = operation.as_strategy(
            generation_mode=GenerationMode.POSITIVE, path_parameters=path_known
        )
        strategies += [aimed, aimed]
    return st.one_of(strategies)


def _fuzz(operation, *, tokens: dict[str, str | None], known: dict) -> list[str]:
    """Problems found on one operation: each generated case is sent as every role, and the
    first example of each (role, status, check) is kept."""
    found: dict[str, str] = {}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation, known))
    def run(case):
        for role, token in tokens.items():
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            savepoint = transaction.savepoint()
            try:
                response = case.call(headers=headers)
            finally:
                transaction.savepoint_rollback(savepoint)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except FailureGroup as group:
                for failure in group.exceptions:
                    key = f"{role} {operation.label} [{response.status_code}] {failure.title}"
                    found.setdefault(key, f"As {role}: {group}")

    if not DEEP:
        run = seed(zlib.crc32(operation.label.encode()))(run)
    run()
    return list(found.values())


def _area(operation) -> str:
    """The part of the API an operation belongs to: the segment after /api/v1/."""
    return operation.path.split("/")[3]


def test_every_operation_has_its_own_operation_id(schema):
    # Clients generated from the document name their methods after these ids.
    ids = [result.ok().definition.raw.get("operationId") for result in schema.get_all_operations()]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_every_operation_is_in_a_fuzzed_area(schema):
    areas = {_area(result.ok()) for result in schema.get_all_operations()}
    assert areas == set(AREAS), "add the new part of the API to AREAS so it is fuzzed"


@pytest.mark.parametrize("area", AREAS)
def test_no_operation_answers_5xx_or_off_schema(area, schema, fuzz_chain):
    tokens = {role: fuzz_chain.tokens.get(role) for role in ROLES}
    failures = []
    with _one_connection_per_test():
        for result in schema.get_all_operations():
            operation = result.ok()
            if _area(operation) == area:
                failures += _fuzz(operation, tokens=tokens, known=fuzz_chain.known)
    assert not failures, f"{len(failures)} problem(s):\n\n" + "\n\n".join(failures)
