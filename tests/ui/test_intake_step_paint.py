"""What a step change costs the officer: the intake notes when the new step's first frame is written (the bench
times key → that moment), does the rest (the tờ khai's build, the draft) after it, and never lets a garbage
collection pass run in between. Nothing here is timed: these check the order of events."""

from __future__ import annotations

import gc

from tests.ui.conftest import SCAN

BIRTH = "1.001193"  # birth registration: has a tờ khai


async def _painted_log(screen) -> list[tuple[str, bool, bool]]:
    """Each time the screen says a step is painted: (the step's id, whether it is in the compositor's frame,
    whether garbage collection was held until then)."""
    from textual.errors import NoWidget

    log: list[tuple[str, bool, bool]] = []
    original = screen._painted

    def painted() -> None:
        step = screen.current_step
        widget = step if step is not None else screen.query_one("#step-done")
        try:
            in_frame = bool(screen.find_widget(widget).region)
        except NoWidget:
            in_frame = False
        held = not gc.isenabled()
        original()
        log.append((widget.id or "", in_frame, held))

    screen._painted = painted
    return log


async def _wait(pilot, condition, tries: int = 200) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    raise AssertionError("state not reached")


async def test_a_step_is_painted_only_once_its_frame_holds_it_and_collection_resumes_after(app):
    from screens.intake import IntakeScreen
    from screens.intake.declaration import DeclarationStep

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        log = await _painted_log(screen)
        screen.query_one("#proc-query").value = BIRTH
        await pilot.pause()
        pressed = screen.step_painted_at
        await pilot.press("enter")  # step 1 → 2 (the applicant), the tờ khai built after that frame
        await _wait(pilot, lambda: screen.step_painted_at > pressed)
        assert log[-1] == ("step-applicant", True, True)
        form = screen.step_of(DeclarationStep).form
        assert form is not None  # chosen at once: the step bar lists "Tờ khai" in the same frame
        assert "Tờ khai" in str(screen.query_one("#intake-steps").render())
        await _wait(pilot, lambda: form.is_mounted and form.ready)

        widget = screen.query_one("#id_number")
        widget.focus()
        widget.value = SCAN
        await pilot.press("enter")
        await pilot.pause()
        pressed = screen.step_painted_at
        await pilot.press("pagedown")  # → the tờ khai step
        await _wait(pilot, lambda: screen.step_painted_at > pressed)
        assert screen.current_step is screen.step_of(DeclarationStep)
        assert log[-1] == ("step-declaration", True, True)
        assert gc.isenabled()  # released at the paint
        assert all(in_frame for _, in_frame, _ in log)


async def test_the_draft_is_written_after_the_step_change(app, services, officer):
    from screens.intake import IntakeScreen

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        screen.query_one("#proc-query").value = BIRTH
        await pilot.pause()
        await pilot.press("enter")
        await _wait(pilot, lambda: screen.step == 1 and screen.step_painted_at > 0)

        def kept() -> bool:
            data = services.intake.load_draft(officer.username)
            return bool(data) and data.get("procedure_code") == BIRTH and data.get("step") == 1

        await _wait(pilot, lambda: not app.workers._workers and kept())


async def test_field_rows_show_the_label_then_the_input(app):
    """A tờ khai field's row draws its label (first line, 34 cells) and places the input at cell 34."""
    from screens.intake.declaration import DeclarationStep
    from screens.widgets.declaration_form import LABEL_WIDTH, FieldRow

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#proc-query").value = BIRTH
        await pilot.pause()
        await pilot.press("enter")
        form = None
        for _ in range(200):
            form = screen.step_of(DeclarationStep).form
            if form is not None and form.is_mounted and form.ready:
                break
            await pilot.pause()
        assert form is not None
        await pilot.press("pagedown")  # refused (no applicant yet): stays on step 2
        screen.show_step(2)
        await _wait(pilot, lambda: screen.current_step is screen.step_of(DeclarationStep))
        await pilot.pause()
        row = form.query_one("#row-HoTenKS", FieldRow)
        field = form.widget("HoTenKS")
        assert field.parent is row
        assert field.region.x - row.region.x == LABEL_WIDTH
        assert field.region.right == row.region.right
        line = row.render_line(0).text
        assert line.startswith("Họ, chữ đệm, tên *")
        from textual.widgets import Input

        long = FieldRow("Nơi đăng ký thường trú hoặc tạm trú của người yêu cầu *", Input())
        assert long.render().cell_length <= LABEL_WIDTH
