"""Số hóa kết quả on the dossier screen through Pilot: D picks the scanner folder's newest file or a typed path, the
file is stored, shown, audited and queued upstream; a repeat or a dossier without a result is refused."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import replace

from tests.ui.test_dossier_screen import open_dossier


def _ready(services, make_dossier):
    from onestop.domain import Status

    d = make_dossier()
    services.dossiers.transition(d.code, Status.IN_PROGRESS, actor="canbo")
    services.dossiers.result_ready(d.code, "canbo")
    return d


def _scanner(services, tmp_path):
    folder = tmp_path / "may-quet"
    folder.mkdir()
    older = folder / "scan-cu.pdf"
    older.write_bytes(b"%PDF-1.4 an older scan")
    os.utime(older, (1_700_000_000, 1_700_000_000))
    newest = folder / "ket-qua-khai-sinh.pdf"
    newest.write_bytes(b"%PDF-1.4 giay khai sinh ban chinh")
    services.settings = replace(services.settings, scanner_folder=str(folder))
    return folder, newest, older


def _upserts(services, code):
    with services.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT payload FROM outbox_item WHERE kind='dossier.upsert' AND dossier_code=? ORDER BY id", (code,)
        ).fetchall()
    return [json.loads(r[0]) for r in rows]


async def test_d_attaches_newest_scan_then_a_typed_path(app, messages, services, make_dossier, tmp_path):
    from textual.widgets import Input, OptionList

    from screens.dossier import DossierScreen, ResultFileDialog

    d = _ready(services, make_dossier)
    _folder, newest, older = _scanner(services, tmp_path)
    async with app.run_test(size=(140, 50), message_hook=messages) as pilot:
        screen = await open_dossier(app, pilot, messages, d.code)
        assert "Kết quả chưa số hóa" in str(screen.query_one("#dossier-results").render())
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ResultFileDialog)
        listed = app.screen.query_one(OptionList)
        assert [str(listed.get_option_at_index(i).prompt).split()[0] for i in range(listed.option_count)] == [
            newest.name,
            older.name,
        ]
        since = messages.mark()
        await pilot.press("enter")  # the newest scan is highlighted
        await messages.wait_for(DossierScreen.ResultAttached, pilot, since=since)
        assert isinstance(app.screen, DossierScreen)
        shown = str(screen.query_one("#dossier-results").render())
        assert "Kết quả đã số hóa (1 tệp): ket-qua-khai-sinh.pdf" in shown

        typed = tmp_path / "ban-sao-ket-qua.pdf"
        typed.write_bytes(b"%PDF-1.4 ban sao")
        await pilot.press("d")
        await pilot.pause()
        app.screen.query_one("#resultfile-path", Input).value = str(tmp_path / "khong-co.pdf")
        app.screen.query_one("#resultfile-path", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ResultFileDialog)  # a missing file is said in the dialog, nothing written
        assert "Không tìm thấy tệp" in str(app.screen.query_one("#resultfile-error").render())
        app.screen.query_one("#resultfile-path", Input).value = str(typed)
        since = messages.mark()
        await pilot.press("enter")
        await messages.wait_for(DossierScreen.ResultAttached, pilot, since=since)
        assert "(2 tệp): ket-qua-khai-sinh.pdf, ban-sao-ket-qua.pdf" in str(
            screen.query_one("#dossier-results").render()
        )

        # the same scan again: refused with a Vietnamese message, nothing added
        await pilot.press("d")
        await pilot.pause()
        since = messages.mark()
        await pilot.press("enter")
        await messages.wait_for_worker(pilot, "dossier-result", since=since)
        await pilot.pause()
        assert any("đã được gắn" in str(n.message) for n in app._notifications)

    stored = services.dossiers.peek(d.code)
    assert [a.file_name for a in stored.result_files] == ["ket-qua-khai-sinh.pdf", "ban-sao-ket-qua.pdf"]
    digest = hashlib.sha256(newest.read_bytes()).hexdigest()
    assert (services.files_dir / digest[:2] / digest).read_bytes() == newest.read_bytes()
    audit = [e for e in services.audit.entries(dossier_code=d.code) if e.action == "dossier.result_file"]
    assert len(audit) == 2 and audit[0].officer == "canbo"
    last = _upserts(services, d.code)[-1]
    assert [f["TenTep"] for f in last["KetQuaSoHoa"]] == ["ket-qua-khai-sinh.pdf", "ban-sao-ket-qua.pdf"]
    assert last["KetQuaSoHoa"][0]["Sha256"] == digest


async def test_d_is_not_offered_before_the_result(app, messages, services, make_dossier, tmp_path):
    from screens.dossier import ResultFileDialog

    d = make_dossier()
    _scanner(services, tmp_path)
    async with app.run_test(size=(140, 50), message_hook=messages) as pilot:
        screen = await open_dossier(app, pilot, messages, d.code)
        assert screen.check_action("attach_result", ()) is False
        await pilot.press("d")
        await pilot.pause()
        assert not isinstance(app.screen, ResultFileDialog)
        assert str(screen.query_one("#dossier-results").render()) == ""
    assert services.dossiers.peek(d.code).result_files == ()
