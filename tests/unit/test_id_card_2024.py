"""Thẻ căn cước 2024 (BRIEF §11.5): a scanned address never replaces a known citizen's address unless confirmed."""

from __future__ import annotations

from dataclasses import replace

from tests.trust.conftest import run_cli


def test_scanned_address_does_not_overwrite_without_confirmation(services, make_dossier, applicant) -> None:
    make_dossier()
    old = applicant.address
    moved = replace(applicant, address="Thôn Đông Hải, Xã Quảng Phú Mới, Tỉnh Thanh Hóa")
    assert services.intake.address_change(moved) == old
    second = make_dossier(applicant=moved)
    assert second.applicant.address == moved.address  # the dossier records what was given
    assert services.intake.recall_citizen(applicant.id_number).address == old  # the citizen's address is kept
    make_dossier(applicant=moved, confirm_address=True)
    assert services.intake.recall_citizen(applicant.id_number).address == moved.address
    assert services.intake.address_change(moved) == ""


def test_cli_intake_confirm_address(services, make_dossier, applicant, db_path, config_path) -> None:
    make_dossier()
    args = [
        "intake",
        "--procedure",
        "2.001035",
        "--name",
        applicant.full_name,
        "--id-number",
        applicant.id_number,
        "--dob",
        "17/05/1990",
        "--gender",
        "Nữ",
        "--address",
        "Xã Mới, Tỉnh Thanh Hóa",
        "--officer",
        "canbo",
        "--db",
        str(db_path),
        "--config",
        str(config_path),
    ]
    from tests.conftest import login_for

    login_for(db_path, args)  # the officer named by --officer logs in first (`onestop login`)
    kept = run_cli(args, "")
    assert kept.code == 0, kept.output
    assert "Giữ địa chỉ đã lưu" in kept.output
    assert services.intake.recall_citizen(applicant.id_number).address == applicant.address
    done = run_cli([*args, "--confirm-address"], "")
    assert done.code == 0, done.output
    assert services.intake.recall_citizen(applicant.id_number).address == "Xã Mới, Tỉnh Thanh Hóa"


def test_cancelled_id_from_a_2024_card_is_stored_and_shown(services, make_dossier, db_path, config_path) -> None:
    import json

    from onestop import identity

    scan = identity.parse_qr(
        "038190012345|001190012345|ĐẶNG THỊ ÁNH|17051990|Nữ|Thôn Đông Hải, Xã Quảng Phú, Tỉnh Thanh Hóa|15042021"
    )
    person = identity.to_person(scan, phone="0912345678")
    assert person.cancelled_id_number == "001190012345" and person.old_id_number == ""
    d = make_dossier(applicant=person)
    assert d.applicant.cancelled_id_number == "001190012345"
    assert services.intake.recall_citizen(person.id_number).cancelled_id_number == "001190012345"
    shown = json.loads(
        run_cli(["dossier", "show", d.code, "--json", "--db", str(db_path), "--config", str(config_path)], "").stdout
    )
    assert shown["applicant"]["cancelled_id_number"] == "001190012345"
    with services.engine.connect() as conn:
        payload = conn.exec_driver_sql(
            "SELECT payload FROM outbox_item WHERE kind = 'dossier.upsert' AND dossier_code = ?", (d.code,)
        ).scalar_one()
    assert json.loads(payload)["ChuHoSoChiTiet"]["SoDinhDanhDaHuy"] == "001190012345"
