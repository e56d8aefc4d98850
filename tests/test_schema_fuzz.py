"""Schemathesis against the running app's /openapi.json: no 5xx, no response outside the schema.

Driven through schemathesis' own CLI: its pytest plugin does not load under pytest 9 here.
"""

import subprocess
import sys
from pathlib import Path

from rag.api import create_app
from tests.servers import running

CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"


def test_api_never_errors_and_matches_its_schema(settings, engine):
    cli = Path(sys.executable).parent / "schemathesis"
    with running(create_app(settings, engine)) as base:
        result = subprocess.run(
            [str(cli), "run", f"{base}/openapi.json", "-c", CHECKS, "-n", "30", "--generation-deterministic",
             "--phases", "examples,coverage,fuzzing", "--request-timeout", "30"],
            capture_output=True, text=True, timeout=600,
        )
    summary = result.stdout[-3000:]
    assert result.returncode == 0, summary
    assert "generated" in summary and "passed" in summary, summary
