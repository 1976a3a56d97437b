"""Property-based fuzzing of the provincial API from docs/openapi.json (schemathesis) against a live server on
127.0.0.1: whatever is sent, never a 5xx, and every reply matches the documented schema and status codes.

Examples per operation are bounded (ONESTOP_FUZZ_EXAMPLES, default 30) so CI stays fast; the fault-injection switch
is left out (arming it makes the next requests fail on purpose)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
schema = schemathesis.openapi.from_path(str(SPEC))
EXAMPLES = int(os.environ.get("ONESTOP_FUZZ_EXAMPLES", "30"))


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from tests.sync.conftest import ThreadServer

    server = ThreadServer(str(tmp_path_factory.mktemp("fuzz") / "province.db")).start()
    server.admin = server.store.issue_token(role="admin")  # type: ignore[attr-defined]
    server.counter = server.token("01")  # type: ignore[attr-defined]
    yield server
    server.stop()
    server.store.close()


@schema.exclude(path="/v1/admin/faults").parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_never_500_and_replies_match_the_schema(case, live):
    token = live.admin if case.path.startswith("/v1/admin/") else live.counter
    case.call_and_validate(
        base_url=live.url,
        headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance],
        timeout=30,
    )
