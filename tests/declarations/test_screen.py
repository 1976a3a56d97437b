"""The dossier screen (Textual Pilot) shows the declaration the dossier was received with."""

from __future__ import annotations

from tests.declarations.conftest import BIRTH
from tests.declarations.test_service import draft
from tests.ui.conftest import app, fixed_clock, messages, officer  # noqa: F401
from tests.ui.test_dossier_screen import open_dossier


async def test_dossier_screen_shows_the_declaration(app, services, applicant, messages):  # noqa: F811
    d = services.intake.save(draft(applicant, "1.001193", dict(BIRTH)), "canbo")
    async with app.run_test(size=(140, 50), message_hook=messages) as pilot:
        screen = await open_dossier(app, pilot, messages, d.code)
        text = str(screen.query_one("#dossier-declaration").render())
        assert "Tờ khai: TỜ KHAI ĐĂNG KÝ KHAI SINH" in text
        assert "Người được khai sinh: Lê Minh Khang — 15/03/2026" in text
        assert "Mẹ: Đặng Thị Ánh" in text and "Cha: Lê Văn Dũng" in text
