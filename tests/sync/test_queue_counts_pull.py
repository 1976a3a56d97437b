"""A sync pull (new dossiers from another counter, status changes from upstream) keeps the per-status counts
table (migration 0005) equal to `count(*)`."""

from __future__ import annotations

from onestop.domain import Status
from tests.sync.conftest import make_counter
from tests.unit.test_queue_counts import assert_right


def test_pull_keeps_the_counts_right(tmp_path, province, receive):
    c1 = make_counter(tmp_path, "01", province.url, province.token("01"))
    c2 = make_counter(tmp_path, "02", province.url, province.token("02"))
    try:
        made = [receive(c1) for _ in range(3)]
        c1.dossiers.result_ready(made[0].code, "canbo")
        assert c1.sync.run_once().complete
        assert_right(c2)
        assert c2.sync.run_once().complete  # pull: three dossiers inserted at counter 02
        assert sum(n for n, _ in assert_right(c2).values()) == 3
        # upstream moves one on; counter 01 moves another; both arrive at counter 02 by pull (updates)
        province.store.set_status(made[1].uuid, Status.IN_PROGRESS.national_code, note="Chuyển phòng chuyên môn")
        c1.dossiers.reject(made[2].code, "Sai thủ tục", "canbo")
        assert c1.sync.run_once().complete
        assert c2.sync.run_once().complete
        assert c2.dossiers.peek(made[1].code).status is Status.IN_PROGRESS
        assert c2.dossiers.peek(made[2].code).status is Status.REJECTED
        counts = assert_right(c2)
        assert counts == {"result_ready": (1, 0), "in_progress": (1, 0), "rejected": (1, 0)}
    finally:
        for c in (c1, c2):
            c.sync.close()
            c.close()
