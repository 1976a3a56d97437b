"""Every screen an officer uses at 120×40, 100×30 and 80×24: what must stay on screen stays (issue 15).

The checks read what the terminal would show: the screen's rendered lines (`Screen._compositor.render_strips`)
turned into plain text, so a header cut at the right edge or a column pushed off the table fails the test.
"""

from __future__ import annotations

import pytest

from tests.conftest import OFFICER_PASSWORD
from tests.ui.conftest import SCAN, fill_declaration, workers_done
from tests.ui.test_counter_day import visible_columns

SIZES = [(120, 40), (100, 30), (80, 24)]
SIZE_IDS = ["120x40", "100x30", "80x24"]


def screen_lines(app) -> list[str]:
    """The terminal's lines as the officer sees them (plain text, one string per row)."""
    return [strip.text.rstrip() for strip in app.screen._compositor.render_strips()]


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))


async def settle(app, pilot) -> None:
    """Every worker ended and what it posted handled, twice over (a handled message may start another worker).
    An exclusive worker replaced by a newer one (the draft writer, the procedure search) ends cancelled: fine."""
    for _ in range(2):
        await workers_done(app)
        await pilot.pause()


# ---------------------------------------------------------------- the header (status bar)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_header_keeps_counter_officer_and_sync_state(services, fixed_clock, make_dossier, size):
    from screens.app import make_app

    make_dossier(received_at=fixed_clock())  # two unsent outbox items
    app = make_app(services, officer=services.officers.get("canbo"), clock=fixed_clock)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        top = screen_lines(app)[0]
        assert "quầy 01" in top or "Q.01" in top, top
        assert "Nguyễn Thị Lan" in top or "N.T. Lan" in top, top
        assert "Đồng bộ" in top and "Ngoại tuyến" in top and "chờ gửi 2" in top, top
        assert "…" not in top, f"header cut at {size}: {top!r}"


def test_the_header_shortens_by_priority():
    from screens.widgets.status_bar import fit_status, initials

    badges = [
        "Đồng bộ: Ngoại tuyến (chưa cấu hình máy chủ tỉnh), chờ gửi 1436, cũ nhất 3 ngày, thành công lần cuối: —",
        "Đồng bộ: Ngoại tuyến (chưa cấu hình máy chủ tỉnh), chờ gửi 1436, cũ nhất 3 ngày",
        "Đồng bộ: Ngoại tuyến, chờ gửi 1436, cũ nhất 3 ngày",
        "Đồng bộ: Ngoại tuyến, chờ gửi 1436",
    ]
    place, who, clock = "Xã Quảng Phú · quầy 01", "Nguyễn Thị Lan (canbo)", "09:30 23/11/2026"
    assert fit_status(place, who, clock, badges, 200) == " │ ".join((place, who, clock, badges[0]))
    at_100 = fit_status(place, who, clock, badges, 98)
    assert at_100 == "quầy 01 │ Nguyễn Thị Lan │ 09:30 │ Đồng bộ: Ngoại tuyến, chờ gửi 1436, cũ nhất 3 ngày"
    at_80 = fit_status(place, who, clock, badges, 78)
    assert at_80 == "quầy 01 │ Nguyễn Thị Lan │ Đồng bộ: Ngoại tuyến, chờ gửi 1436, cũ nhất 3 ngày"
    assert fit_status(place, who, clock, badges, 50) == "Q.01 │ N.T. Lan │ ĐB: Ngoại tuyến, chờ 1436"
    assert initials("Nguyễn Thị Lan") == "N.T. Lan" and initials("Lan") == "Lan"


# ---------------------------------------------------------------- the intake step bar


async def open_intake(app, pilot):
    await settle(app, pilot)
    await pilot.press("f2")
    await pilot.pause()
    return app.screen


async def open_step(app, pilot, procedure: str, key: str):
    """F2, the procedure chosen, the applicant scanned, then forward to the step `key`; the intake screen."""
    screen = await open_intake(app, pilot)
    screen.query_one("#proc-query").value = procedure
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    screen.query_one("#id_number").value = SCAN
    await pilot.press("enter")
    await settle(app, pilot)
    while screen.current_step is not None and screen.current_step.KEY != key:
        screen.show_step(screen._neighbour(screen.step, 1))
        await settle(app, pilot)
    return screen


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_intake_step_bar_shows_every_step_and_the_current_name(services, fixed_clock, size):
    from screens.app import make_app

    app = make_app(services, officer=services.officers.get("canbo"), clock=fixed_clock)
    async with app.run_test(size=size) as pilot:
        screen = await open_intake(app, pilot)
        screen.query_one("#proc-query").value = "1.001193"  # birth registration: has the Tờ khai step
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen.query_one("#id_number").value = SCAN
        await pilot.press("enter")
        await pilot.pause()
        visited = []
        for _ in range(len(screen.steps)):
            bar = screen_lines(app)[1]
            current = screen.current_step
            if current is None:
                break
            shown = [s for s in screen.steps if s.applies() or s is current]
            visited.append(current.LABEL)
            assert f"{shown.index(current) + 1}. {current.LABEL}" in bar, f"{size}: {bar!r}"
            for number in range(1, len(shown) + 1):
                assert f" {number}" in bar, f"step {number} missing at {size}: {bar!r}"
            assert len(bar) <= size[0]
            if current is shown[-1]:
                break
            screen.show_step(screen._neighbour(screen.step, 1))  # the bar, not the validation, is under test
            await pilot.pause()
        assert "Tờ khai" in visited and visited[-1] == "Xác nhận", visited


def test_the_step_bar_shortens_by_priority():
    from screens.intake.screen import fit_step_bar

    labels = ["Thủ tục", "Người nộp", "Tờ khai", "Giấy tờ", "Lệ phí, kênh, nhận KQ", "Kết quả", "Hẹn trả", "Xác nhận"]
    wide = fit_step_bar(labels, 4, 200).plain
    assert "5. Lệ phí, kênh, nhận KQ" in wide and "8. Xác nhận" in wide and "PgDn" in wide
    for width in (118, 98, 78, 60):
        for current in range(len(labels)):
            text = fit_step_bar(labels, current, width).plain
            assert len(text) <= width, (width, text)
            assert f"{current + 1}. {labels[current]}" in text, (width, text)
            assert all(f" {n} " in text or f" {n}. " in text for n in range(1, 9)), (width, text)


# ---------------------------------------------------------------- the login screen


@pytest.mark.parametrize("between", ["\t", "\r"], ids=["tab", "enter"])
async def test_a_fast_burst_user_tab_password_enter_logs_in(services, fixed_clock, between):
    """Keys that arrive in one read from the terminal (a fast typist, a password manager) are queued before the
    first is handled: the Tab must move to the password field before the password's letters are delivered."""
    from textual import events
    from textual.keys import _character_to_key

    from screens.app import make_app
    from screens.home import HomeScreen

    app = make_app(services, clock=fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for (
            character
        ) in f"canbo{between}{OFFICER_PASSWORD}\r":  # the driver's way with one read: all posted, then handled
            key = {"\t": "tab", "\r": "enter"}.get(character) or _character_to_key(character)
            app.post_message(events.Key(key, character))
        await pilot.pause()
        await workers_done(app)
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen), [(i.id, i.value) for i in app.screen.query("Input")]
        assert app.officer.username == "canbo"


# ---------------------------------------------------------------- every screen an officer uses


def footer_keys_cut(app) -> list[str]:
    """Footer keys not wholly on screen (beyond the right edge, under the command-palette key, below the last line)."""
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    cut = []
    for footer in app.screen.query(Footer):
        keys = list(footer.query(FooterKey))
        palette = next((k for k in keys if k.has_class("-command-palette")), None)
        for key in keys:
            region = key.region
            if key is palette:
                continue
            beside_palette = palette is not None and region.y == palette.region.y
            right = palette.region.x if beside_palette else app.size.width
            if region.width == 0 or region.right > right or region.bottom > app.size.height:
                cut.append(key.description or key.key_display)
    return cut


def assert_readable(app, size, *texts: str, header: bool = True) -> None:
    """Every text on screen, every footer key whole, the header's counter and officer there (when logged in)."""
    lines = screen_lines(app)
    shown = "\n".join(lines)
    for text in texts:
        assert text in shown, f"{text!r} not on screen at {size}:\n{shown}"
    assert not footer_keys_cut(app), f"footer keys cut at {size}: {footer_keys_cut(app)}\n{shown}"
    if header:
        assert ("quầy 01" in lines[0] or "Q.01" in lines[0]) and "Đồng bộ" in lines[0], shown


@pytest.fixture
def tour_app(services, fixed_clock, make_dossier):
    from screens.app import make_app

    def _make(username: str = "canbo"):
        return make_app(services, officer=services.officers.get(username), clock=fixed_clock)

    make_dossier("2.000815", received_at=fixed_clock())  # the longest procedure name
    make_dossier("1.001193", received_at=fixed_clock())
    return _make


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_login_and_lock_screens(services, fixed_clock, size):
    from screens.app import make_app

    app = make_app(services, clock=fixed_clock)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert_readable(app, size, "ĐĂNG NHẬP", "Tên đăng nhập", "Mật khẩu", "Đăng nhập (Enter)", header=False)
        app.screen.query_one("#login-username").value = "canbo"
        app.screen.query_one("#login-password").value = OFFICER_PASSWORD
        await pilot.press("enter", "enter")  # to the password, then log in
        await workers_done(app)
        await settle(app, pilot)
        await pilot.press("f10")
        await pilot.pause()
        assert_readable(app, size, "Nguyễn Thị Lan", header=False)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_home_search_and_catalog(tour_app, size):
    app = tour_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        assert_readable(app, size, "HÀNG ĐỢI CÔNG VIỆC", "Nhận hôm nay", "Quá hạn", "Đặng Thị Ánh")
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press(*"dang thi anh")
        await settle(app, pilot)
        assert_readable(app, size, "TÌM HỒ SƠ", "Quá hạn (Ctrl+O)", "Mã thủ tục", "Đặng Thị Ánh", "Mã hồ sơ")
        overdue = app.screen.query_one("#search-overdue")
        assert overdue.region.right <= app.size.width, f"the overdue filter is cut at {size}"
        await pilot.press("escape", "f7")
        await settle(app, pilot)
        assert_readable(app, size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_intake_every_step(tour_app, size):
    app = tour_app()
    async with app.run_test(size=size) as pilot:
        screen = await open_intake(app, pilot)
        assert_readable(app, size, "1. Thủ tục", "Bước 1")
        assert "Enter xác nhận" in " ".join(screen_text(app).split()), size  # the hint wraps, not cut
        screen.query_one("#proc-query").value = "1.001193"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert_readable(app, size, "2. Người nộp", "Số định danh", "Họ và tên", "Ngày sinh", "Điện thoại")
        screen.query_one("#id_number").value = SCAN
        await pilot.press("enter")
        screen.query_one("#phone").value = "0912345678"
        await settle(app, pilot)
        for _ in range(len(screen.steps)):
            if screen.current_step is None or screen.current_step is screen.steps[-1]:
                break
            screen.show_step(screen._neighbour(screen.step, 1))
            await settle(app, pilot)
            assert_readable(app, size, f". {screen.current_step.LABEL}")
            if screen.current_step.KEY == "declaration":
                await fill_declaration(pilot, screen)  # a birth registration is not received without its tờ khai
        assert_readable(app, size, "ĐẶNG THỊ ÁNH", "Xác nhận")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert screen.saved_code
        assert_readable(app, size, "ĐÃ TIẾP NHẬN HỒ SƠ", screen.saved_code)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_dossier_and_its_dialogs(tour_app, services, size):
    from screens.dialogs import ReasonDialog

    code = services.dossiers.search("").items[0].code if hasattr(services.dossiers, "search") else None
    app = tour_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        code = code or app.screen.query_one("#home-table").get_row_at(0)[0]
        app.open_dossier(str(code))
        await settle(app, pilot)
        assert_readable(app, size, str(code), "Trạng thái")
        await pilot.press("r")  # reject: asks for a reason
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonDialog)
        dialog = app.screen.query_one("#dialog-box") if app.screen.query("#dialog-box") else app.screen.children[0]
        assert dialog.region.right <= app.size.width and dialog.region.bottom <= app.size.height, size
        assert_readable(app, size, header=False)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_reports_kpi_sync_and_officers(tour_app, size):
    from screens.reports import ReportsScreen

    app = tour_app("lanhdao")
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert_readable(app, size, "2.000815", "1.001193", "Tổng cộng", "Tổng", "Đúng", "Trễ", "QH cuối")
        table = screen.query_one("#reports-table")
        assert {"Trễ\nhạn", "QH cuối\ntháng", "Tổng\nnhận", "Trực\ntiếp", "BCCI"} <= set(visible_columns(table)), size
        await pilot.press("k")
        await settle(app, pilot)
        assert_readable(app, size, "BỘ CHỈ SỐ QĐ 766", "Tỷ lệ đúng hạn", "Tất cả", "Chứng thực", "Xu hướng", "11/26")
        await pilot.press("escape", "escape")
        await settle(app, pilot)
        app.open_sync_screen()
        await settle(app, pilot)
        assert_readable(app, size, "ĐỒNG BỘ VỚI HỆ THỐNG TỈNH", "Mã hồ sơ", "Trạng thái", header=False)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_officers_and_rating(tour_app, size):
    from screens.rating import RatingScreen

    app = tour_app("admin")
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("f11")
        await settle(app, pilot)
        assert_readable(app, size, "CÁN BỘ", "canbo", "lanhdao", "Trạng thái", header=False)  # an admin screen
        await pilot.press("escape")
        await settle(app, pilot)
        name = "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam"
        app.push_screen(RatingScreen("H56.14-261123-010001", name))
        await settle(app, pilot)
        box = app.screen.children[0]
        assert box.region.right <= app.size.width and box.region.bottom <= app.size.height, size
        assert_readable(app, size, "H56.14-261123-010001", "Bấm 0", header=False)


async def test_the_footer_refits_when_the_terminal_is_resized(tour_app):
    app = tour_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        for size in ((100, 30), (80, 24), (120, 40), (100, 30)):
            await pilot.resize_terminal(*size)
            await settle(app, pilot)
            await pilot.pause()
            assert not footer_keys_cut(app), f"footer keys cut after resizing to {size}: {footer_keys_cut(app)}"


def documents_overflow(app) -> int:
    """How many cells the dossier's papers table reaches past the terminal's right edge (0: every column visible)."""
    docs = app.screen.query_one("#dossier-documents")
    total = sum(column.get_render_width(docs) for column in docs.columns.values())
    return max(docs.region.x + total - app.size.width, 0)


async def test_the_dossier_papers_keep_every_column_at_every_width(tour_app, make_dossier, fixed_clock):
    """The papers' kind, count and digitised files stay on screen; long names are cut with "…" (at 100 columns the
    table used to show only the number and the name)."""
    from onestop.domain import DocKind, DocumentLine

    long_name = (
        "Giấy chứng sinh hoặc văn bản người làm chứng / giấy cam đoan về việc sinh "
        "(không cần bản giấy nếu đã có Giấy chứng sinh điện tử)"
    )
    d = make_dossier("1.001193", received_at=fixed_clock(), documents=(DocumentLine(long_name, DocKind.ORIGINAL, 1),))
    app = tour_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_dossier(d.code)
        await settle(app, pilot)
        for size in [(120, 40), (100, 30), (80, 24), (120, 40)]:
            await pilot.resize_terminal(*size)
            await settle(app, pilot)
            assert documents_overflow(app) == 0, size
            kinds = [str(app.screen.query_one("#dossier-documents").get_row_at(0)[2])]
            assert kinds[0] in ("Bản chính", "Bản sao", "Bản sao chứng thực", "Xuất trình", "Bản chụp"), kinds


# ---------------------------------------------------------------- what was still cut at 80 columns (issue 15)


def line_with(app, text: str) -> str:
    """The first screen line holding `text` (empty if none)."""
    return next((line for line in screen_lines(app) if text in line), "")


def table_overflow(table) -> int:
    """Cells a table's columns reach past what it shows (0: no column needs sideways scrolling)."""
    total = sum(column.get_render_width(table) for column in table.columns.values())
    return max(total - table.scrollable_content_region.width, 0)


async def resize_fitted(app, pilot, table, size: tuple[int, int]) -> None:
    """Resize the terminal, let the screen refit `table`, and check that none of its columns needs sideways
    scrolling."""
    await pilot.resize_terminal(*size)
    await settle(app, pilot)
    await pilot.pause()
    assert table_overflow(table) == 0, (size, [(str(c.label), c.width) for c in table.ordered_columns])


@pytest.fixture
def overdue_dossier(make_dossier, fixed_clock):
    from datetime import timedelta

    return make_dossier("2.000815", received_at=fixed_clock() - timedelta(days=40))


async def test_search_results_keep_code_name_status_and_due_date_at_every_width(tour_app, overdue_dossier):
    """At 80 columns the results cut "Hẹn trả" and "Thủ tục": now the rest drop and the procedure is cut with …,
    the overdue mark stays (as "QH" when narrow), and the table is fitted again when the terminal is resized."""
    from screens.search import SearchScreen

    app = tour_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(SearchScreen())
        await settle(app, pilot)
        table = app.screen.query_one("#search-results")
        for size in [(80, 24), (100, 30), (120, 40), (80, 24)]:
            await resize_fitted(app, pilot, table, size)
            header = line_with(app, "Mã hồ sơ")
            for label in ("Người nộp", "Trạng thái", "Hẹn trả"):
                assert label in header, (size, header)
            late = line_with(app, overdue_dossier.code)
            assert "QUÁ HẠN" in late or "· QH" in late, (size, late)
            assert "Đặng Thị Ánh" in late and "/2026" in late, (size, late)
            if size[0] >= 100:
                assert "Thủ tục" in header and "Chứng thực" in late, (size, late)


def test_columns_give_way_by_priority():
    from screens.widgets.columns import Col, Forms, cut, fit_rows

    columns = (
        Col("Mã"),
        Col("Tên", give=7, floor=6),
        Col("Hạn", give=5, floor=10),
        Col("Thủ tục", give=4, floor=8, drop=True),
        Col("Điện thoại", give=1, drop=True),
    )
    row = ("H56-0001", "Nguyễn Văn Bình", Forms(("17:00 02/04/2026", "02/04/2026")), "Đăng ký khai sinh", "0912345678")
    # everything fits: nothing is cut
    assert fit_rows(columns, [row], 200) == [8, 15, 16, 17, 10]
    # the phone drops first, then the procedure is cut, then the due date loses its hour, then the name is cut
    assert fit_rows(columns, [row], 8 + 15 + 16 + 17 + 5 * 2) == [8, 15, 16, 17, None]
    assert fit_rows(columns, [row], 8 + 15 + 16 + 10 + 4 * 2) == [8, 15, 16, 10, None]
    assert fit_rows(columns, [row], 8 + 15 + 10 + 8 + 4 * 2) == [8, 15, 10, 8, None]
    # the procedure drops only once the name is at its floor; what that frees goes back to the name, then the date
    assert fit_rows(columns, [row], 8 + 15 + 10 + 3 * 2) == [8, 15, 10, None, None]
    assert fit_rows(columns, [row], 8 + 12 + 10 + 3 * 2)[:2] == [8, 11]  # "Nguyễn Văn…"
    assert cut(row[2], 12) == "02/04/2026" and cut(row[1], 8) == "Nguyễn…"


async def test_sync_screen_keeps_the_reason_of_a_rejected_item_on_screen(tour_app, services):
    """At 80 columns the "Lý do / phản hồi" column was past the right edge: the attempts and the next attempt now
    drop (the box below says them) and the reason is cut with … (the box says it whole)."""
    reason = "Mã đơn vị H99.01 không thuộc tỉnh: hệ thống tỉnh từ chối hồ sơ (422), sửa mã đơn vị rồi gửi lại"
    with services.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE outbox_item SET state = 'rejected', attempts = 3, last_error = ? "
            "WHERE id = (SELECT min(id) FROM outbox_item)",
            (reason,),
        )
    app = tour_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_sync_screen()
        await settle(app, pilot)
        table = app.screen.query_one("#sync-table")
        for size in [(80, 24), (100, 30), (120, 40)]:
            await resize_fitted(app, pilot, table, size)
            assert "Lý do" in line_with(app, "Mã hồ sơ"), size
            row = line_with(app, "Bị từ chối")
            assert "Mã đơn vị H99.01" in row, (size, row)
            assert reason in str(app.screen.query_one("#sync-detail").render()), size  # whole in the box below


async def test_kpi_scorecard_does_not_scroll_sideways(tour_app, make_dossier, fixed_clock):
    """At 80 columns the scorecard's fields ran past the right edge; now names wrap and every column shows."""
    for code in ("2.000987", "1.001612", "X.DC0001"):  # Hộ tịch (liên thông), hộ kinh doanh, đất đai: five fields
        make_dossier(code, received_at=fixed_clock(), fee_vnd=0)
    app = tour_app("lanhdao")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        await pilot.press("k")
        await settle(app, pilot)
        table = app.screen.query_one("#kpi-table")
        for size in [(80, 24), (100, 30), (120, 40)]:
            await resize_fitted(app, pilot, table, size)
            assert table.region.right <= app.size.width, size
            columns = sum(column.get_render_width(table) for column in table.columns.values())
            assert table.region.x + columns <= app.size.width, size
            assert_readable(app, size, "Tất cả", "Chứng", "Đất đai", "Thành", "Tỷ lệ đúng hạn", "Tỷ lệ hài lòng")


async def test_fee_step_choices_wrap_instead_of_being_cut(tour_app):
    """At 80 columns "Công dân đồng ý cho nộp trực tuyến thay" and the other choices were cut mid-word."""
    from textual.widgets import Checkbox, RadioButton

    app = tour_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(app, pilot, "2.000815", "fee")
        step = screen.current_step
        toggles = [t for t in step.query(Checkbox).results() if t.display] + list(step.query(RadioButton).results())
        assert toggles
        for toggle in toggles:
            toggle.scroll_visible(animate=False, immediate=True)
            await pilot.pause()
            region = toggle.region
            lines = screen_lines(app)[region.y : region.bottom]
            shown = " ".join(line[region.x : region.right] for line in lines)
            for word in str(toggle.label).split():
                assert word in shown, (str(toggle.label), shown)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_the_footer_keeps_to_one_line_at_80_columns(tour_app, size):
    """The footer took two or three of 24 lines: below 90 columns it keeps to one (the screen's own keys, then the
    app's by priority, F1 saying "Mọi phím" when some are left out); at 120 columns every key shows."""
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    app = tour_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        for keys in ((), ("f3",)):
            await pilot.press(*keys)
            await settle(app, pilot)
            footer = app.screen.query_one(Footer)
            shown = {k.key: k.description for k in footer.query(FooterKey)}
            own = {
                b.binding.key: b.binding.description
                for b in app.screen.active_bindings.values()
                if b.binding.show and b.node is not app
            }
            assert own.items() <= shown.items(), (size, own, shown)  # the screen's keys are never left out
            assert not footer_keys_cut(app), size
            if size[0] < 90:
                assert footer.region.height == 1, (size, shown)
                assert shown["f1"] == "Mọi phím" and "f2" in shown and "f3" in shown, shown
            if size[0] >= 110:
                assert shown["f1"] == "Trợ giúp" and {"f2", "f3", "f4", "f5", "f10", "ctrl+q"} <= set(shown), shown


def test_the_narrow_footer_drops_app_keys_by_priority():
    from screens.widgets.footer import choose

    widths = [10, 10, 12, 12, 12, 12]
    is_global = [True, False, True, True, True, True]  # quit (shown first by Textual), the screen's key, f1, f2 …
    ranks = [10, 0, 0, 2, 3, 4]
    order, counts = choose(widths, is_global, ranks, 200, 200, None, 2, 8)
    assert order == [1, 0, 2, 3, 4, 5] and counts == [6]
    order, counts = choose(widths, is_global, ranks, 50, 60, 1, 2, 8)
    assert order == [1, 2, 3, 4] and counts == [4]  # quit went first, then the lowest-ranked app key
    order, counts = choose([40, 40, 12], [False, False, True], [0, 0, 0], 50, 60, 1, 2, 8)
    assert order == [0, 1, 2] and counts == [1, 2]  # the screen's own keys wrap rather than hide


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_the_supplement_checklist_hint_wraps_inside_its_dialog(tour_app, services, size):
    """The hint above the papers to ask for was cut at the dialog's edge at every width (the dialog is 72 wide)."""
    from screens.dialogs import ChecklistDialog

    app = tour_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        app.open_dossier(str(app.screen.query_one("#home-table").get_row_at(0)[0]))
        await settle(app, pilot)
        await pilot.press("s")  # ask for a supplement: pick the missing papers
        await settle(app, pilot)
        assert isinstance(app.screen, ChecklistDialog)
        text = " ".join(line.strip(" █▀▄") for line in screen_lines(app))
        assert "các giấy tờ chưa nhận đã được chọn sẵn" in " ".join(text.split()), text


async def test_home_queue_fits_and_keeps_the_procedures_distinctive_words(tour_app):
    """At 100 columns the home queue read "Thủ tục đăn…" and cut "Nhận lú": the columns now fit by priority and a
    procedure's name loses the "Thủ tục " every other one starts with before it is cut."""
    app = tour_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#home-table")
        for size in [(100, 30), (80, 24), (120, 40), (100, 30)]:
            await resize_fitted(app, pilot, table, size)
            header = line_with(app, "Mã hồ sơ")
            assert all(label in header for label in ("Người nộp", "Trạng thái", "Hẹn trả")), (size, header)
            if size[0] >= 100:
                assert "Thủ tục" in header and "Đăng ký khai sinh" in screen_text(app), size
