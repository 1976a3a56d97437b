"""Copy certification's tiered fee (2.000 đ/trang, 1.000 đ from page 3, at most 200.000 đ a copy) from data."""

from __future__ import annotations

import pytest

from onestop.errors import BadInput
from onestop.fees import quote


@pytest.mark.parametrize(
    ("pages", "copies", "amount"),
    [
        (1, 1, 2_000),
        (2, 1, 4_000),
        (3, 1, 5_000),
        (5, 3, 21_000),  # (2×2.000 + 3×1.000) × 3
        (198, 1, 200_000),  # 4.000 + 196.000 = 200.000, exactly the cap
        (250, 2, 400_000),  # capped at 200.000 a copy
    ],
)
def test_tiered_copy_fee(pages: int, copies: int, amount: int) -> None:
    q = quote("2.000815", pages, copies)
    assert q is not None and q.amount == amount
    assert q.explanation.endswith(f"= {amount:,} đ".replace(",", "."))


def test_flat_fee_and_bad_input() -> None:
    assert quote("2.001035", 5) is None  # a flat catalog fee
    assert "tối đa 200.000 đ/bản" in quote("2.000942", 300).explanation  # type: ignore[union-attr]
    for pages, copies in ((0, 1), (3, 0), (-1, 1)):
        with pytest.raises(BadInput):
            quote("2.000815", pages, copies)


def test_cli_catalog_fee(services, db_path, config_path) -> None:
    import json

    from tests.trust.conftest import run_cli

    def cli(*args: str):  # type: ignore[no-untyped-def]
        return run_cli([*args, "--db", str(db_path), "--config", str(config_path)], "")

    tiered = cli("catalog", "fee", "2.000815", "--pages", "5", "--copies", "3", "--json")
    assert tiered.code == 0, tiered.output
    assert json.loads(tiered.stdout)["fee_vnd"] == 21_000
    flat = json.loads(cli("catalog", "fee", "2.001035", "--pages", "5", "--json").stdout)
    assert flat["fee_vnd"] == 50_000 and "mức cố định" in flat["explanation"]
    assert cli("catalog", "fee", "2.000815", "--pages", "0").code == 2
