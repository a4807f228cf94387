"""Runs the independent Open Badges 3.0 verifier (tests/verifiers/verify.mjs: Digital Bazaar's
@digitalbazaar/vc with the eddsa-rdfc-2022 cryptosuite and the Bitstring Status List
checker, offline) on credentials the project issued."""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

VERIFIERS = Path(__file__).resolve().parent.parent / "verifiers"


def run_js_verifier(credentials: list[dict], *, documents=None, now: str | None = None) -> list:
    node = shutil.which("node")
    if not node or not (VERIFIERS / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        pytest.fail("The npm verifiers are not installed: run `make install`.")
    payload = {"credentials": credentials, "documents": documents or {}, "now": now}
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False)
        handle.flush()
        completed = subprocess.run(
            [node, str(VERIFIERS / "verify.mjs"), handle.name],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=VERIFIERS,
        )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)
