"""The README's curl walkthrough runs verbatim against a real server; its option table is
generated from the declared options."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from sqlgateway import config
from sqlgateway.cli import _load_optional_options
from tests.conftest import RunningGateway

README = Path(__file__).resolve().parents[2] / "README.md"


def walkthrough() -> str:
    text = README.read_text()
    m = re.search(r"<!-- walkthrough -->\s*```bash\n(.*?)```", text, re.S)
    assert m, "README has no walkthrough block"
    return m.group(1)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_walkthrough_runs_as_written(gateway: RunningGateway) -> None:
    script = walkthrough().replace("http://127.0.0.1:8083", gateway.url)
    out = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert '"fields":[1,2.5,"2024-01-02"]' in out.stdout
    assert '"resultType":"EOS"' in out.stdout
    assert out.stdout.rstrip().endswith('{"status":"CLOSED"}{"status":"CLOSED"}')
    assert gateway.service.session_count == 0


def test_readme_documents_every_option() -> None:
    _load_optional_options()
    text = README.read_text()
    missing = [o.key for o in config.OPTIONS if f"`{o.key}`" not in text]
    assert not missing, f"README lacks options: {missing} (run: python -m sqlgateway.docgen)"
