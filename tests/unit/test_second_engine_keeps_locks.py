"""Opening the database a second time in one process must not drop the first connection's locks.

A header read with Python's `open()` closed a descriptor of the database file, which drops every POSIX lock the
process holds on it; another process then checkpointed and reset the WAL under the open connection and the file
was left "database disk image is malformed" (seen when a test opened a second engine beside its services while a
CLI command wrote).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from onestop.services.database import open_database

WRITER = textwrap.dedent(
    """
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], timeout=10)
    with conn:
        conn.executemany("INSERT INTO t(v) VALUES (?)", [("x" * 500,) for _ in range(400)])
    conn.close()
    """
)


def test_second_engine_in_one_process_keeps_the_database_whole(tmp_path: Path) -> None:
    db = tmp_path / "onestop.db"
    first = open_database(db)
    with first.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)")
    held = first.connect()  # an idle pooled connection, as the TUI keeps one
    held.exec_driver_sql("SELECT count(*) FROM t").fetchall()
    for _ in range(3):
        second = open_database(db)  # a second engine in the same process (the check of the file happens here)
        second.dispose()
        subprocess.run([sys.executable, "-c", WRITER, str(db)], check=True)
    check = sqlite3.connect(db)
    try:
        assert check.execute("PRAGMA quick_check").fetchone() == ("ok",)
        assert check.execute("SELECT count(*) FROM t").fetchone() == (1200,)
    finally:
        check.close()
        held.close()
        first.dispose()
