"""What was still not right at 100 and 80 columns after issue 15: the audit log's detail and the fee step's columns.

The checks read the terminal as the officer sees it: the screen's rendered cells (`Screen._compositor.render_strips`),
their text and, for alignment, where each widget's first visible cell is (its background or a glyph in another colour
than the screen's own background: a box's "tall" left border draws nothing, so the box shows one cell in).
"""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from tests.ui import test_narrow_terminals as narrow
from tests.ui.test_narrow_terminals import SIZE_IDS, SIZES, open_step, settle

tour_app = narrow.tour_app  # the same app and dossiers as the narrow-terminal tour (a fixture)


BLOCKS = {"█": 1.0, "▉": 0.875, "▊": 0.75, "▋": 0.625, "▌": 0.5, "▍": 0.375, "▎": 0.25, "▏": 0.125, "▐": 0.5}
"""Block glyphs and how much of their cell they fill (box borders are drawn with them)."""
EDGES = set("▔▁▕▏▎▍▌▋▊▉█▐─│╭╮╰╯")


def visible_left(app, widget) -> int:
    """The first column, within `widget`'s region, that the officer sees as part of it: a cell mostly painted in a
    colour other than the screen's background, or a character drawn in a colour other than its cell's.

    A box's "tall" left border is a reversed "▊" painted three quarters in the screen's background and a quarter in
    the border's colour: the box is seen to start one cell in."""
    screen_bg = app.screen.styles.background.rich_color
    region = widget.region.intersection(app.screen.region)
    strips = list(app.screen._compositor.render_strips())
    first = region.right
    for y in range(region.y, region.bottom):
        x = 0
        for segment in strips[y]:
            style = segment.style
            fg, bg = (style.color, style.bgcolor) if style else (None, None)
            if style is not None and style.reverse:
                fg, bg = bg, fg
            for char in segment.text:
                if region.x <= x < first:
                    mostly = fg if BLOCKS.get(char, 0) > 0.5 else bg
                    text = char.strip() and char not in EDGES and fg != bg
                    if text or (mostly is not None and mostly != screen_bg):
                        first = x
                x += cell_len(char)
    return first


# ---------------------------------------------------------------- the fee step's two columns


async def open_fee_step(app, pilot, procedure: str):
    return (await open_step(app, pilot, procedure, "fee")).current_step


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("procedure", ["2.000884", "2.000815"], ids=["flat-fee", "per-page-fee"])
async def test_fee_step_headings_line_up_with_their_columns(tour_app, size, procedure):
    """The second column's heading "Kênh tiếp nhận" stood one cell left of the box of channels under it (a box's
    "tall" left border draws nothing): every heading, hint and field of a column now starts at one x."""
    from textual.widgets import Checkbox, Input, Label, OptionList, RadioSet

    app = tour_app()
    async with app.run_test(size=size) as pilot:
        step = await open_fee_step(app, pilot, procedure)
        columns = list(step.query(".fee-col").results())
        assert len(columns) == 2
        for column in columns:
            edges: dict[str, int] = {}
            for widget in column.query("*").results():
                if not isinstance(widget, Label | Input | OptionList | RadioSet | Checkbox):
                    continue
                if widget.parent is not column and widget.parent.id not in ("fee-tier", "paper-row"):
                    continue  # inside a box or a row: its own layout
                if widget.region.intersection(column.region) != widget.region or (
                    isinstance(widget, Input) and widget.parent.has_class("fee-row")
                ):
                    continue  # not wholly on screen (the column scrolls), or the per-page inputs beside their labels
                name = str(widget.render())[:30] if isinstance(widget, Label) else f"#{widget.id}"
                edges[name] = visible_left(app, widget)
            assert len(set(edges.values())) == 1, (size, sorted(edges.items(), key=lambda item: item[1]))
        heading = next(w for w in columns[1].query(Label).results() if str(w.render()) == "Kênh tiếp nhận")
        channels = columns[1].query_one("#channel", RadioSet)
        assert visible_left(app, heading) == visible_left(app, channels), size
        left_heading = next(w for w in columns[0].query(Label).results() if str(w.render()).startswith("Lệ phí (đồng)"))
        assert visible_left(app, left_heading) == visible_left(app, columns[0].query_one("#exemption")), size


# ---------------------------------------------------------------- the audit log


APOLOGY = "hẹn lại 2026-12-04: chờ xác minh nơi cư trú của công an xã"
LONG_PULL = "nhận 3 mục; " + " ".join(
    f"Tỉnh báo hồ sơ H56.14-2611{day:02d}-010001 đã có mã hồ sơ của tỉnh, trạng thái được cập nhật."
    for day in range(1, 8)
)


def words(text: str) -> str:
    """`text` with every run of spaces, line ends and box edges made one space (to find wrapped text)."""
    return " ".join(text.replace("│", " ").replace("█", " ").split())


async def open_audit(app, pilot, services):
    from screens.audit import AuditScreen

    await settle(app, pilot)
    app.push_screen(AuditScreen(export_dir=services.backup_dir / "exports"))
    await settle(app, pilot)
    return app.screen


def highlight(screen, action: str) -> None:
    """Put the list's cursor on the newest entry of `action`."""
    row = next(i for i, e in enumerate(screen.entries) if e.action == action)
    screen.query_one("#audit-table").move_cursor(row=row)


@pytest.fixture
def logged(services, make_dossier, fixed_clock):
    """A morning's log: a dossier received and put off with an apology, an officer locked out, a long pull."""
    code = make_dossier(received_at=fixed_clock()).code
    services.audit.log("sync", "sync.pull", "", LONG_PULL)
    services.audit.log("canbo", "officer.locked", "", "5 lần sai trong 15 phút")
    services.audit.log("canbo", "dossier.apology", code, APOLOGY)
    return code


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_audit_log_reads_without_sideways_scrolling(tour_app, services, logged, size):
    """At 80 and 100 columns the "Chi tiết" column was past the right edge: the columns now fit the width, the
    detail cut with "…" to the room left; time, officer, action and dossier code stay whole, and the box below the
    list says the highlighted entry whole."""
    from screens.audit import ACTION_LABELS

    app = tour_app("lanhdao")
    async with app.run_test(size=size) as pilot:
        screen = await open_audit(app, pilot, services)
        table = screen.query_one("#audit-table")
        assert narrow.table_overflow(table) == 0, (size, [c.width for c in table.ordered_columns])
        assert table.region.right <= app.size.width, size
        header = narrow.line_with(app, "Thời gian")
        for label in ("Cán bộ", "Việc", "Mã hồ sơ", "Chi tiết"):
            assert label in header, (size, header)
        highlight(screen, "dossier.apology")
        await pilot.pause()
        row = narrow.line_with(app, "Xin lỗi, hẹn lại")
        assert logged in row and "canbo" in row and "/11" in row, (size, row)  # the code whole, the time there
        assert "Xin lỗi, hẹn lại  " in row and "  hẹn lại" in row, (size, row)  # the action whole, the detail's start
        if size[0] < 120:
            assert APOLOGY not in row and row.rstrip().endswith("…"), (size, row)  # cut to the room left
        box = words(str(screen.query_one("#audit-detail").render()))
        assert APOLOGY in box and logged in box and "Xin lỗi, hẹn lại" in box, (size, box)
        locked = narrow.line_with(app, "5 lần")  # a long action: cut last, and only at 80 columns
        assert (ACTION_LABELS["officer.locked"] if size[0] >= 100 else "Tạm khóa do sai") in locked, (size, locked)
        narrow.assert_readable(app, size, "NHẬT KÝ TRUY CẬP", "Trang 1/1", "Xem cả mục", header=False)
        if size[0] < 90:
            assert screen.query_one("CounterFooter").region.height == 1, size  # every key on one line


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_a_long_audit_entry_is_read_whole_on_enter(tour_app, services, logged, size):
    """An entry longer than the box (a pull's messages) shows its first lines and "Enter: xem cả mục"; Enter
    shows it whole, Esc goes back to the log."""
    from screens.audit import AuditEntryDialog, AuditScreen

    app = tour_app("lanhdao")
    async with app.run_test(size=size) as pilot:
        screen = await open_audit(app, pilot, services)
        highlight(screen, "sync.pull")
        await pilot.pause()
        box = words(str(screen.query_one("#audit-detail").render()))
        assert "Nhận từ tỉnh" in box and "nhận 3 mục" in box and "Enter: xem cả mục" in box, (size, box)
        assert LONG_PULL not in box
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, AuditEntryDialog), size
        shown = words("\n".join(narrow.screen_lines(app)))
        assert LONG_PULL in shown and "Nhận từ tỉnh" in shown and "Đóng (Esc)" in shown, (size, shown)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, AuditScreen)


# ---------------------------------------------------------------- the dossier's status history (found walking at 80)


REASON = "Công dân chưa mang bản chính giấy chứng sinh; hẹn mang đến vào sáng thứ Năm để đối chiếu"


async def test_the_dossier_history_and_forms_keep_every_column_and_the_whole_text(
    tour_app, services, make_dossier, fixed_clock
):
    """At 80 columns the status history scrolled sideways ("Hẹn trả mới" past the edge): the new appointment and the
    time now lose their hour and year, and the state and the reason wrap inside their row, never cut."""
    from datetime import timedelta

    from sqlmodel import Session, select

    from db import models
    from onestop.domain import Status, now_vn

    d = make_dossier("1.001193", received_at=fixed_clock() - timedelta(days=2))
    services.dossiers.transition(d.code, Status.IN_PROGRESS, actor="canbo")
    services.dossiers.apologise(d.code, now_vn() + timedelta(days=3), REASON, actor="canbo")
    with Session(services.engine) as session:  # the apology letter printed (the longest form name)
        dossier_id = session.exec(select(models.Dossier.id).where(models.Dossier.code == d.code)).one()
        session.add(models.PrintedForm(dossier_id=dossier_id, form="apology", at=now_vn(), officer="canbo", copies=2))
        session.commit()
    app = tour_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_dossier(d.code)
        await settle(app, pilot)
        table = app.screen.query_one("#dossier-timeline")
        for size in [(80, 24), (100, 30), (120, 40), (80, 24)]:
            await narrow.resize_fitted(app, pilot, table, size)
            labels = [str(c.label) for c in table.ordered_columns]
            assert labels == ["Bước", "Thời điểm", "Trạng thái", "Cán bộ", "Lý do / ghi chú", "Hẹn trả mới"], labels
            table.scroll_visible(animate=False, immediate=True)
            await pilot.pause()
            region = table.region
            shown = words(
                " ".join(line[region.x : region.right] for line in narrow.screen_lines(app)[region.y : region.bottom])
            )
            assert "Hẹn trả mới" in shown and "/2026" in shown, (size, shown)
            assert all(word in shown.split() for word in REASON.split()), (size, shown)  # wrapped, not cut
            assert "…" not in shown, (size, shown)
        forms = app.screen.query_one("#dossier-forms")
        for size in [(80, 24), (100, 30), (120, 40)]:
            await narrow.resize_fitted(app, pilot, forms, size)
            forms.scroll_visible(animate=False, immediate=True)
            await pilot.pause()
            region = forms.region
            shown = words(
                " ".join(line[region.x : region.right] for line in narrow.screen_lines(app)[region.y : region.bottom])
            )
            title = "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"
            assert all(word in shown.split() for word in title.split()), (size, shown)  # wrapped, not cut
            assert "Tình trạng" in shown and "Đã lưu PDF" in shown, (size, shown)


# ---------------------------------------------------------------- the intake's papers (found walking at 80)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_intake_papers_wrap_their_names_instead_of_cutting_them(tour_app, size):
    """At 80 columns the checklist read "Giấy tờ tùy thân của …": which papers to tick was guesswork. A long name now
    wraps inside its row; kind, count and files stay on screen."""
    app = tour_app()
    async with app.run_test(size=size) as pilot:
        # khai sinh + nhận cha, mẹ, con: long paper names
        screen = await open_step(app, pilot, "1.000689", "documents")
        table = screen.query_one("#docs-table")
        assert narrow.table_overflow(table) == 0, size
        region = table.region
        lines = narrow.screen_lines(app)[region.y : region.bottom]
        shown = words(" ".join(line[region.x : region.right] for line in lines))
        tick, name = table.ordered_columns[:2]
        left = region.x + tick.get_render_width(table) + 1  # the names' column, read down its rows
        names = words(" ".join(line[left : left + name.width] for line in lines))
        for line in screen.query_one("DocumentsPanel").lines:
            assert words(line.name) in names, (size, line.name, names)
        assert "…" not in shown and "Bản chính" in shown and "Xuất trình" in shown, (size, shown)
