"""Paper validity as data: which earlier digitised papers may still be reused."""

from __future__ import annotations

from datetime import datetime

import pytest

from onestop.domain import VN_TZ
from onestop.errors import ConfigError
from onestop.paper_validity import expired, validity_for


def test_shipped_rule_marital_status_confirmation_six_months() -> None:
    rule = validity_for("Giấy xác nhận tình trạng hôn nhân")
    assert rule is not None and rule.months == 6 and rule.source
    assert validity_for("Tờ khai đăng ký khai sinh (theo mẫu)") is None


@pytest.mark.parametrize(
    ("handed_in", "now", "is_expired"),
    [
        (datetime(2026, 5, 31, 9, 0), datetime(2026, 11, 30, 8, 59), False),
        (datetime(2026, 5, 31, 9, 0), datetime(2026, 11, 30, 9, 0), True),  # 31/05 + 6 months: 30/11
        (datetime(2025, 8, 31, 9, 0), datetime(2026, 2, 28, 9, 0), True),  # 31/08 + 6 months: 28/02
        (datetime(2025, 8, 31, 9, 0), datetime(2026, 2, 27, 9, 0), False),
    ],
)
def test_months_are_calendar_months(handed_in, now, is_expired) -> None:
    name = "Giấy xác nhận tình trạng hôn nhân"
    assert expired(name, handed_in.replace(tzinfo=VN_TZ), now.replace(tzinfo=VN_TZ)) is is_expired
    assert not expired("Giấy khai sinh", handed_in.replace(tzinfo=VN_TZ), now.replace(tzinfo=VN_TZ))


@pytest.mark.parametrize(
    "entry",
    ['name_contains = "x"\nmonths = 0\nsource = "s"', 'name_contains = "x"\nmonths = 6', 'months = 6\nsource = "s"'],
    ids=["zero-months", "no-source", "no-name"],
)
def test_a_bad_rule_is_a_clear_configuration_error(tmp_path, entry) -> None:
    path = tmp_path / "paper_validity.toml"
    path.write_text(f"schema = 1\n[[paper]]\n{entry}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="giấy tờ thứ 1"):
        validity_for("x", path)
