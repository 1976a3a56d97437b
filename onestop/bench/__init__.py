"""`onestop bench`: performance figures measured on a synthetic commune (CONTRACT.md "Benchmark figures").

One place for the benchmark: `harness` builds (or reuses) a database of N synthetic dossiers and asks each
provider for its figures — `core` (intake save, start-up), `search`, `forms` (receipts), `tui` (the screens, driven
by Textual's Pilot and a real process under a pty) and the sync provider beside the sync client
(`onestop.sync.bench`). Like the CLI, this package is a composition root: it may import `receipts` and `screens`.
A figure that cannot be measured here is `null`, never invented.
"""

from __future__ import annotations

from onestop.bench.synthetic import random_person

__all__ = ["random_person"]
