"""Running the real `onestop` command line in a subprocess against a fresh workstation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCAN = "001090123456|012345678|NGUYỄN VĂN AN|01011990|Nam|Thôn 3, Xã Quảng Phú, Tỉnh Thanh Hóa|15042021"


def onestop(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run `onestop args`; the officer named by `--officer` logs in first (`onestop login`), as at the counter."""
    from tests.conftest import login_for

    login_for(Path(env["ONESTOP_DB"]), args)
    return subprocess.run(
        [sys.executable, "-m", "onestop", *args], env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


def init_workstation(tmp_path: Path) -> dict[str, str]:
    """`onestop init` a commune on a fresh database and config under `tmp_path`; returns the environment."""
    from tests.conftest import init_commune

    db, config = tmp_path / "data" / "onestop.db", tmp_path / "config.toml"
    init_commune(db, config)
    return {**os.environ, "ONESTOP_DB": str(db), "ONESTOP_CONFIG": str(config)}


def receive(env: dict[str, str]) -> str:
    done = onestop(
        env, "intake", "--procedure", "2.000815", "--pages", "1", "--qr", SCAN, "--officer", "admin", "--json"
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["code"]
