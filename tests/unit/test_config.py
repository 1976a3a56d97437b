"""Config validation: every bad value is refused with a Vietnamese message naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from onestop.config import load_settings, parse_settings, write_settings
from onestop.errors import ConfigError

GOOD = {"commune": {"name": "Xã Quảng Phú", "agency_code": "H56.14", "province": "Thanh Hóa", "counter": "01"}}


def _with(section: str, **values):
    doc = {k: dict(v) for k, v in GOOD.items()}
    doc.setdefault(section, {}).update(values)
    return doc


def test_good_config_round_trips(tmp_path: Path) -> None:
    settings = parse_settings(GOOD)
    path = tmp_path / "c.toml"
    write_settings(settings, path)
    assert load_settings(path).office == settings.office
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("doc", "key"),
    [
        ({}, "commune"),
        (_with("commune", agency_code="h56 14!"), "commune.agency_code"),
        (_with("commune", counter="1"), "commune.counter"),
        (_with("commune", counter="AB"), "commune.counter"),
        (_with("commune", name=""), "commune.name"),
        (_with("commune", province=3), "commune.province"),
        (_with("office_hours", morning="7h-11h"), "office_hours.morning"),
        (_with("office_hours", afternoon="17:00-13:30"), "office_hours.afternoon"),
        (_with("office_hours", morning="07:00-14:00"), "office_hours.afternoon"),
        (_with("printing", page_size="Letter"), "printing.page_size"),
        (_with("printing", copies=5), "printing.copies"),
        (_with("sync", url="ftp://x"), "sync.url"),
        (_with("sync", interval_s="60"), "sync.interval_s"),
        (_with("security", idle_lock_minutes=0), "security.idle_lock_minutes"),
        (_with("rules", supplement_clock="pause"), "rules.supplement_clock"),
    ],
)
def test_bad_values_name_the_key(doc, key) -> None:
    with pytest.raises(ConfigError) as err:
        parse_settings(doc)
    assert err.value.field == key
    assert key.split(".")[-1] in err.value.message or key in err.value.message


def test_missing_and_corrupt_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Chưa có tệp cấu hình"):
        load_settings(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[commune\nname = 'x'", encoding="utf-8")
    with pytest.raises(ConfigError, match="lỗi cú pháp TOML"):
        load_settings(bad)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigError):
        load_settings(binary)


def test_sync_overrides_from_environment(monkeypatch) -> None:
    settings = parse_settings(_with("sync", url="https://tinh.example/api", token="t-config"))
    monkeypatch.setenv("ONESTOP_SYNC_URL", "http://127.0.0.1:8700")
    assert settings.with_sync().sync.url == "http://127.0.0.1:8700"
    assert settings.with_sync().sync.token == "t-config"
    assert settings.with_sync(url="http://other").sync.url == "http://other"
