"""The intake service: one transaction per dossier, codes per CONTRACT.md, bad drafts change nothing."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from onestop.domain import VN_TZ, Channel, DocKind, DocumentLine, IntakeDraft, Person, ReturnVia, Status
from onestop.errors import BadInput, NotFound, PermissionDenied

CODE_RE = re.compile(r"^H56\.14-\d{6}-01\d{4}$")


def _counts(services) -> dict[str, int]:
    with services.engine.connect() as conn:
        return {
            t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one()
            for t in ("dossier", "dossier_document", "payment", "status_event", "outbox_item", "citizen")
        }


def test_save_writes_everything_together(services, make_dossier) -> None:
    received = datetime(2026, 2, 13, 9, 0, tzinfo=VN_TZ)  # Friday before Tết 2026
    d = make_dossier("2.001035", received_at=received)
    assert CODE_RE.match(d.code) and d.code == "H56.14-260213-010001"
    assert d.status is Status.RECEIVED and d.fee_total == 50000
    assert d.due_at is not None and d.due_at.date() > date(2026, 2, 22)  # Tết 16–20/02 skipped
    assert "bỏ qua" in d.due_reason
    counts = _counts(services)
    assert counts == {
        "dossier": 1,
        "dossier_document": 1,
        "payment": 1,
        "status_event": 1,
        "outbox_item": 2,
        "citizen": 1,
    }
    second = make_dossier("2.001035", received_at=received + timedelta(minutes=5))
    assert second.code == "H56.14-260213-010002"
    with services.engine.connect() as conn:
        kinds = [r[0] for r in conn.exec_driver_sql("SELECT kind FROM outbox_item ORDER BY id")]
        actions = [r[0] for r in conn.exec_driver_sql("SELECT action FROM audit_entry WHERE dossier_code != ''")]
    assert kinds == ["dossier.upsert", "dossier.event"] * 2
    assert actions == ["dossier.create", "dossier.create"]


def test_known_citizen_is_recalled(services, make_dossier, applicant) -> None:
    make_dossier()
    recalled = services.intake.recall_citizen(applicant.id_number)
    assert recalled is not None and recalled.phone == applicant.phone and recalled.address == applicant.address


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"applicant": Person(full_name="", id_number="038190012345", birth_date=date(1990, 5, 17))}, "full_name"),
        (
            {"applicant": Person(full_name="Đặng Thị Ánh", id_number="03819001234", birth_date=date(1990, 5, 17))},
            "id_number",
        ),
        (
            {
                "applicant": Person(
                    full_name="Đặng Thị Ánh", id_number="038090012345", birth_date=date(1990, 5, 17), gender="Nữ"
                )
            },
            "id_number",
        ),
        (
            {"applicant": Person(full_name="Đặng Thị Ánh", id_number="038190012345", birth_date=date(2099, 1, 1))},
            "birth_date",
        ),
        (
            {"applicant": Person(full_name="A" * 5000, id_number="038190012345", birth_date=date(1990, 5, 17))},
            "full_name",
        ),
        ({"return_via": ReturnVia.POST, "return_address": ""}, "return_address"),
        ({"channel": Channel.ONLINE, "consent_recorded": False}, "consent"),
        ({"due_override": datetime(2020, 1, 1, tzinfo=VN_TZ), "due_override_reason": "x"}, "due_override"),
        ({"due_override": datetime(2030, 1, 1, tzinfo=VN_TZ)}, "due_override_reason"),
        ({"documents": (DocumentLine("", DocKind.COPY, 1),)}, "documents.0"),
        ({"fee_vnd": -5}, "fee"),
    ],
)
def test_bad_drafts_change_nothing(services, applicant, change, field) -> None:
    before = _counts(services)
    draft = IntakeDraft(
        procedure_code="2.001035", applicant=applicant, documents=(DocumentLine("Tờ khai", DocKind.ORIGINAL, 1),)
    )
    with pytest.raises(BadInput) as err:
        services.intake.save(replace(draft, **change), "canbo")
    assert err.value.field == field
    assert _counts(services) == before


def test_unknown_procedure_and_officer(services, applicant) -> None:
    with pytest.raises(NotFound):
        services.intake.save(IntakeDraft(procedure_code="9.999999", applicant=applicant), "canbo")
    with pytest.raises(NotFound):
        services.intake.save(IntakeDraft(procedure_code="2.001035", applicant=applicant), "ghost")
    services.officers.set_active("canbo", False, actor="admin")
    with pytest.raises(PermissionDenied):
        services.intake.save(IntakeDraft(procedure_code="2.001035", applicant=applicant), "canbo")


def test_nfd_name_is_stored_nfc(services, applicant, make_dossier) -> None:
    nfd = unicodedata.normalize("NFD", "Đặng Thị Ánh")
    d = make_dossier(applicant=replace(applicant, full_name=nfd))
    assert d.applicant.full_name == "Đặng Thị Ánh" and unicodedata.is_normalized("NFC", d.applicant.full_name)


def test_attachments_are_content_addressed(services, make_dossier, tmp_path) -> None:
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(b"%PDF-1.4 fake scan")
    d = make_dossier(attachments=((0, str(scan)),))
    att = d.documents[0].attachments[0]
    stored = services.files_dir / att.sha256[:2] / att.sha256
    assert stored.read_bytes() == scan.read_bytes() and stored.stat().st_mode & 0o777 == 0o600


def test_override_due_needs_reason_and_is_recorded(make_dossier) -> None:
    due = datetime(2030, 3, 4, 10, 0, tzinfo=VN_TZ)
    d = make_dossier(due_override=due, due_override_reason="Cần xác minh tại nơi cư trú cũ")
    assert d.due_at == due and "Cần xác minh" in d.due_reason


def test_drafts_survive_and_are_cleared_by_save(services, make_dossier) -> None:
    services.intake.save_draft("canbo", {"procedure": "2.001035", "name": "Đặng Thị Ánh"})
    assert services.intake.load_draft("canbo") == {"procedure": "2.001035", "name": "Đặng Thị Ánh"}
    make_dossier()
    assert services.intake.load_draft("canbo") is None
