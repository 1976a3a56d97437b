"""Issue 15, a day at the counter: what got in an officer's way, driven the way the officer drives the screens."""

from __future__ import annotations

import re

import pytest

from tests.ui.conftest import SCAN, fill_declaration, wait_until

SIZE = (120, 40)


async def open_intake(app, pilot):
    from screens.intake import IntakeScreen

    await pilot.press("f2")
    await pilot.pause()
    assert isinstance(app.screen, IntakeScreen)
    return app.screen


async def to_documents(app, pilot):
    screen = await open_intake(app, pilot)
    screen.query_one("#proc-query").value = "1.001193"
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    field = screen.query_one("#id_number")
    field.value = SCAN
    await pilot.press("enter")
    await pilot.pause()
    screen.query_one("#phone").value = "0912345678"
    await fill_declaration(pilot, screen)  # birth registration is received with its tờ khai
    await pilot.press("pagedown")
    await pilot.pause()
    assert screen.step == 2
    return screen


# ---------------------------------------------------------------- serious 1: step keys from every widget


@pytest.mark.parametrize("widget", ["#docs-table", "#docs-files"])
async def test_step_keys_work_from_every_widget_of_the_documents_step(app, widget):
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_documents(app, pilot)
        screen.query_one(widget).focus()
        await pilot.press("pagedown")
        await pilot.pause()
        assert screen.step == 3, f"PgDn from {widget} did not leave the documents step"
        await pilot.press("pageup")
        await pilot.pause()
        assert screen.step == 2
        screen.query_one(widget).focus()
        await pilot.press("pageup")
        await pilot.pause()
        assert screen.step == 1, f"PgUp from {widget} did not go back to the applicant"


async def show_and_focus(pilot, screen, index: int, widget) -> None:
    """Step `index` on screen with `widget` focused (a step may place the cursor itself once painted)."""
    screen.show_step(index)
    await pilot.pause()
    for _ in range(10):
        if screen.app.focused is widget:
            return
        widget.focus()
        await pilot.pause()
    assert screen.app.focused is widget


async def test_step_keys_work_from_every_widget_of_every_step(app):
    """PgDn and PgUp from each focusable widget of each step (fields, the Tờ khai form, the documents table and file
    list, the fee step's radio sets and check boxes, the review's button): the header promises them everywhere."""
    from screens.intake.declaration import DeclarationStep
    from screens.intake.fee import FeeStep

    async with app.run_test(size=SIZE) as pilot:
        screen = await to_documents(app, pilot)
        last = len(screen.steps) - 1
        seen: dict[str, list[str]] = {}
        for index, step in enumerate(screen.steps):
            if not step.applies():
                continue
            screen.show_step(index)
            await pilot.pause()
            widgets = [w for w in screen.focus_chain if step in w.ancestors]
            seen[step.KEY] = [w.id or type(w).__name__ for w in widgets]
            if isinstance(step, DeclarationStep):  # 36 inputs alike: every fifth and the last
                widgets = list(dict.fromkeys(widgets[::5] + widgets[-1:]))
            for widget in widgets:
                if index < last:  # PgDn on the last step saves the dossier
                    await show_and_focus(pilot, screen, index, widget)
                    await pilot.press("pagedown")
                    assert screen.step == screen._neighbour(index, 1), f"PgDn from {widget!r} on {step.KEY}"
                await show_and_focus(pilot, screen, index, widget)
                await pilot.press("pageup")
                assert screen.step == max(screen._neighbour(index, -1), 0), f"PgUp from {widget!r} on {step.KEY}"
        assert not screen.saved_code
    declaration = seen[screen.step_of(DeclarationStep).KEY]
    fee = seen[screen.step_of(FeeStep).KEY]
    assert len(declaration) > 30, declaration  # the tờ khai's fields (every fifth tried)
    assert {"docs-table", "docs-files"} <= set(seen["documents"])
    assert any(name in fee for name in ("fee_method", "channel")), fee  # the radio sets


async def test_back_from_step_4_reaches_the_applicant_to_fix_a_typo(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_documents(app, pilot)
        await pilot.press("pagedown")
        await pilot.pause()
        assert screen.step == 3
        await pilot.press("pageup", "pageup")
        await pilot.pause()
        assert screen.step == 1
        assert app.focused is not None and app.focused.id == "id_number"


# ---------------------------------------------------------------- serious 2: a person's typing never skips a field

KEY_GAP = 0.08  # between a person's keystrokes
TAB_PAUSE = 0.4  # the pause before Tab


async def human_type(pilot, text: str) -> None:
    """Type like a person: one key at a time, 80 ms apart."""
    for char in text:
        await pilot.press("space" if char == " " else char)
        await pilot.pause(KEY_GAP)


async def test_a_birth_registration_typed_by_hand_lands_every_value_in_its_own_field(app):
    """80 ms between keys and a 0.4 s pause before each Tab: before the fix the name landed in 'Ngày sinh'."""
    from onestop import identity

    typed = {
        "id_number": "038190012345",
        "full_name": "Đặng Thị Ánh",
        "birth_date": "17051990",
        "gender": "Nữ",
        "address": "Thôn Đông Hải",
        "phone": "0912345678",
    }
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await human_type(pilot, "1.001193")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.step == 1 and app.focused.id == "id_number"
        for field, text in typed.items():
            assert app.focused.id == field, f"typing {field!r} but the cursor is in {app.focused.id!r}"
            await human_type(pilot, text)
            await pilot.pause(TAB_PAUSE)
            await pilot.press("tab")
            await pilot.pause()
        values = {field: screen.query_one(f"#{field}").value for field in typed}
        assert values["id_number"] == "038190012345"
        assert values["full_name"] == "Đặng Thị Ánh"
        assert identity.parse_birth_date(values["birth_date"]).isoformat() == "1990-05-17"
        assert values["gender"] == "Nữ"
        assert values["address"] == "Thôn Đông Hải"
        assert values["phone"] == "0912345678"


async def test_a_whole_birth_registration_with_its_to_khai_typed_at_human_speed_is_saved_as_typed(app, services):
    """The officer's whole birth registration by hand, as people type (80 ms between keys, 0.4 s before each Tab):
    the procedure, the applicant, the tờ khai; every value lands in its own field and is saved so."""
    from screens.intake.declaration import DeclarationStep

    applicant = {
        "id_number": "038190012345",
        "full_name": "Đặng Thị Ánh",
        "birth_date": "17051990",
        "gender": "Nữ",
        "address": "Thôn Đông Hải, Xã Quảng Phú",
        "phone": "0912345678",
    }
    declaration = {  # in the form's Tab order from the cursor's first place
        "QuanHe": "me",  # the applicant is the mother: her block is filled from the applicant
        "HoTenKS": "Lê Minh Khang",
        "NgaySinhChon": "15112026",
        "NgaySinhChonBangChu": "",  # left empty: written in words on save
        "GioiTinhKS": "nam",
        "DanTocKS": "kinh",
        "QuocTichKS": "viet",  # replaces the pre-filled "Việt Nam" with the same
        "nksNoiSinh_TrongNuoc": "Trạm y tế xã Quảng Phú",
    }
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await human_type(pilot, "khai sinh")
        await pilot.pause(TAB_PAUSE)
        await pilot.press("enter")
        await until(pilot, lambda: screen.step == 1 and app.focused.id == "id_number")
        assert screen.procedure.code == "1.001193"
        for field, text in applicant.items():
            assert app.focused.id == field, f"typing {field!r} but the cursor is in {app.focused.id!r}"
            await human_type(pilot, text)
            await pilot.pause(TAB_PAUSE)
            await pilot.press("tab")
        await pilot.press("pagedown")
        form = screen.step_of(DeclarationStep).form
        await until(pilot, lambda: screen.current_step is screen.step_of(DeclarationStep) and form.ready)
        await until(pilot, lambda: app.focused.id == "decl-QuanHe")
        for key, text in declaration.items():
            assert app.focused.id == f"decl-{key}", f"typing {key!r} but the cursor is in {app.focused.id!r}"
            await human_type(pilot, text)
            await pilot.pause(TAB_PAUSE)
            await pilot.press("tab")
        shown = {key: form.raw(key) for key in declaration}
        assert shown == {
            "QuanHe": "Mẹ",
            "HoTenKS": "Lê Minh Khang",
            "NgaySinhChon": "15/11/2026",
            "NgaySinhChonBangChu": "",
            "GioiTinhKS": "Nam",
            "DanTocKS": "Kinh",
            "QuocTichKS": "Việt Nam",
            "nksNoiSinh_TrongNuoc": "Trạm y tế xã Quảng Phú",
        }
        assert form.raw("HoTenMeKS") == "Đặng Thị Ánh"
        await pilot.press("pagedown", "pagedown")  # the documents, the fee
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(screen.saved_code))
        code = screen.saved_code
        assert code
    saved = services.dossiers.peek(code)
    person = saved.applicant
    assert (person.id_number, person.full_name, person.gender) == ("038190012345", "Đặng Thị Ánh", "Nữ")
    assert person.birth_date.isoformat() == "1990-05-17"
    assert (person.address, person.phone) == ("Thôn Đông Hải, Xã Quảng Phú", "0912345678")
    values = saved.declaration.values
    assert values["HoTenKS"] == "Lê Minh Khang" and values["HoTenMeKS"] == "Đặng Thị Ánh"
    assert values["nksNoiSinh_TrongNuoc"] == "Trạm y tế xã Quảng Phú"


async def test_a_scanner_burst_still_moves_on_by_itself(app):
    """A keyboard-wedge scanner types the 12 digits in one burst: the cursor moves to the name without a key."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        screen.query_one("#proc-query").value = "1.001193"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        from textual import events

        for digit in "038190012345":  # all queued at once, as the terminal hands over a scanner's burst
            app.post_message(events.Key(digit, digit))
        await until(pilot, lambda: app.focused.id == "full_name")  # after the auto-advance's 0.15 s
        assert app.focused.id == "full_name"


async def until(pilot, condition, timeout: float = 10.0) -> None:
    """Let the app work until `condition()` holds, or `timeout` seconds have passed (the test's assertion follows):
    polled, so a busy machine only makes it wait longer, never fail sooner."""
    try:
        await wait_until(pilot, condition, timeout=timeout)
    except AssertionError:
        pass


async def test_keys_typed_right_after_enter_go_to_the_next_field(app):
    """Under load Enter and the keys after it reach the app together: Backspace took a digit off the ID number and
    the Enter itself was lost (the field being left got the keys). They belong to the field Enter leads to."""
    from textual import events

    async with app.run_test(size=SIZE) as pilot:
        screen = await to_applicant(app, pilot)
        screen.query_one("#id_number").value = "038190012345"
        await pilot.pause()
        assert app.focused.id == "id_number"
        for key, char in (("enter", None), ("A", "A"), ("n", "n"), ("x", "x"), ("backspace", None)):
            app.post_message(events.Key(key, char))  # queued at once, as a busy terminal hands them over
        await until(pilot, lambda: screen.query_one("#full_name").value == "An")
        assert screen.query_one("#id_number").value == "038190012345"
        assert screen.query_one("#full_name").value == "An"
        assert app.focused.id == "full_name"


async def test_tab_right_after_a_scanner_burst_does_not_skip_the_name(app):
    """The scanner's burst moved the cursor to the name by itself; the officer's habitual Tab then must not skip it."""
    from textual import events

    async with app.run_test(size=SIZE) as pilot:
        screen = await to_applicant(app, pilot)
        for digit in "038190012345":
            app.post_message(events.Key(digit, digit))
        await until(pilot, lambda: app.focused.id == "full_name")
        assert app.focused.id == "full_name"
        await pilot.pause(TAB_PAUSE)
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused.id == "full_name", "Tab after the auto-advance skipped the name"
        await human_type(pilot, "Đặng Thị Ánh")
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused.id == "birth_date"  # a Tab after typing moves on as always
        assert screen.query_one("#full_name").value == "Đặng Thị Ánh"


async def test_a_scanner_burst_ending_in_tab_lands_once_in_the_name(app, monkeypatch):
    """A scanner set to send Tab after the digits: the cursor moves once, to the name."""
    from textual import events

    from screens.intake.applicant import ApplicantStep

    # what the step saw of the burst, and its auto-advance (it must not move on a second time once it has run)
    seen: list[str] = []
    timers: list[float] = []
    ran: list[str] = []
    typed, advance, set_timer = (
        ApplicantStep.typed_by_a_person,
        ApplicantStep._advance_if_unchanged,
        ApplicantStep.set_timer,
    )
    monkeypatch.setattr(ApplicantStep, "typed_by_a_person", lambda self, i, v: (seen.append(v), typed(self, i, v))[1])
    monkeypatch.setattr(ApplicantStep, "_advance_if_unchanged", lambda self, w, v: (ran.append(v), advance(self, w, v)))
    monkeypatch.setattr(
        ApplicantStep,
        "set_timer",
        lambda self, delay, *a, **k: (timers.append(delay), set_timer(self, delay, *a, **k))[1],
    )
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_applicant(app, pilot)
        for digit in "038190012345":
            app.post_message(events.Key(digit, digit))
        app.post_message(events.Key("tab", None))
        await wait_until(pilot, lambda: "038190012345" in seen and len(ran) == len(timers), what="the burst handled")
        assert app.focused.id == "full_name"
        assert screen.query_one("#id_number").value == "038190012345"


# ---------------------------------------------------------------- serious 3: the ordinary procedure first


async def test_typing_khai_sinh_and_enter_chooses_the_ordinary_birth_registration(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await pilot.press(*"khai sinh", "enter")
        await pilot.pause()
        assert screen.step == 1 and screen.procedure.code == "1.001193"
        assert "1.001193" in str(screen.query_one("#proc-results").get_option_at_index(0).prompt)


# ---------------------------------------------------------------- serious 5: no provenance notes for officers

PROVENANCE = ("Nguồn", "github", "secondary", "FROM MEMORY", "chưa kiểm chứng nguồn", "cần kiểm tra lại")


async def test_officers_see_vietnamese_facts_without_provenance_notes(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        app.screen.query_one("#catalog-filter").value = "1.001193"
        await pilot.pause()
        details = str(app.screen.query_one("#catalog-details").render())
        assert "Miễn lệ phí khi đăng ký khai sinh đúng hạn" in details and "Luật Hộ tịch" in details
        for marker in PROVENANCE:
            assert marker.lower() not in details.lower(), marker
        await pilot.press("escape", "f2")
        await pilot.pause()
        app.screen.query_one("#proc-query").value = "1.004884"
        await pilot.pause()
        shown = str(app.screen.query_one("#proc-details").render())
        assert "05 ngày làm việc" in shown
        for marker in PROVENANCE:
            assert marker.lower() not in shown.lower(), marker


async def test_an_administrator_still_sees_where_each_fact_comes_from(services, fixed_clock):
    from screens.app import make_app

    admin = make_app(services, officer=services.officers.get("admin"), clock=fixed_clock)
    async with admin.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        admin.screen.query_one("#catalog-filter").value = "1.001193"
        await pilot.pause()
        details = str(admin.screen.query_one("#catalog-details").render())
        assert "Nguồn" in details and "github" in details and "chưa kiểm chứng nguồn" in details


# ---------------------------------------------------------------- dates as typed; a refused value is replaced


async def to_applicant(app, pilot):
    screen = await open_intake(app, pilot)
    screen.query_one("#proc-query").value = "1.001193"
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    return screen


async def test_a_date_typed_as_digits_shows_as_day_month_year_and_in_large_print(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_applicant(app, pilot)
        screen.query_one("#birth_date").focus()
        await human_type(pilot, "12051990")
        assert screen.query_one("#birth_date").value == "12/05/1990"
        typed = {"id_number": "038190012345", "full_name": "Đặng Thị Ánh", "gender": "Nữ"}
        typed["address"] = "Thôn Đông Hải, Xã Quảng Phú"  # birth registration requires it (catalog entry)
        for field, value in typed.items():
            screen.query_one(f"#{field}").value = value
        await fill_declaration(pilot, screen)
        await pilot.press("f9")
        await pilot.pause()
        assert str(screen.query_one("#review-dob").value) == "12-05-1990"


async def test_typing_after_a_refused_date_replaces_it(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_applicant(app, pilot)
        screen.query_one("#birth_date").focus()
        await human_type(pilot, "31021990")
        await pilot.press("enter")
        await pilot.pause()
        assert "không có thật" in str(screen.query_one("#birth_date-error").render())
        assert app.focused.id == "birth_date"
        await human_type(pilot, "17051990")
        assert screen.query_one("#birth_date").value == "17/05/1990"


async def test_a_scan_whose_id_disagrees_keeps_the_scanned_fields_and_marks_the_id(app):
    """Digit 4 of 038290012345 says a woman born in the 2000s; the card says 1990: keep everything, say what."""
    scan = SCAN.replace("038190012345", "038290012345")
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_applicant(app, pilot)
        field = screen.query_one("#id_number")
        field.focus()
        field.value = scan
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one("#full_name").value == "Đặng Thị Ánh"
        assert screen.query_one("#birth_date").value == "17/05/1990"
        assert screen.query_one("#gender").value == "Nữ"
        assert "Thôn Đông Hải" in screen.query_one("#address").value
        assert screen.query_one("#id_number").value == "038290012345"
        message = str(screen.query_one("#id_number-error").render())
        assert "Chữ số thứ 4" in message or "chữ số thứ 4" in message
        assert app.focused.id == "id_number"


# ---------------------------------------------------------------- leaving, locking, crashing


async def test_ctrl_q_mid_intake_asks_and_keeps_the_draft(app, services):
    from screens.dialogs import ConfirmDialog
    from screens.intake import IntakeScreen

    async with app.run_test(size=SIZE) as pilot:
        screen = await to_applicant(app, pilot)
        screen.query_one("#full_name").value = "Trần Văn Cường"
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog), "Ctrl+Q quit mid-intake without asking"
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, IntakeScreen) and app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert services.intake.load_draft("canbo")["inputs"]["full_name"] == "Trần Văn Cường"


async def test_the_home_screen_says_a_draft_survived_a_crash(app, services):
    """A killed process leaves its last step's draft; the officer learns of it on the home screen, not only on F2."""
    services.intake.save_draft(
        "canbo", {"version": 1, "step": 1, "procedure_code": "1.001193", "inputs": {"full_name": "Lê Thị Hoa"}}
    )
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        hint = app.screen.query_one("#home-draft")
        assert hint.display and "Lê Thị Hoa" in str(hint.render()) and "F2" in str(hint.render())


async def test_what_is_typed_on_a_step_reaches_the_draft_without_leaving_the_step(app, services, messages):
    """A process killed mid-step kept only the draft of the last step change: the ID and name typed on the applicant
    step were lost and the home screen offered a draft "chưa có tên". Typing is kept a moment after it stops."""
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        screen = await to_applicant(app, pilot)
        await app.workers.wait_for_complete()
        since = messages.mark()
        screen.query_one("#id_number").focus()
        await human_type(pilot, "038190012399")
        await pilot.press("tab")
        await human_type(pilot, "Trần Văn Cường")
        draft: dict = {}
        for _ in range(20):  # each pause in the typing may have written a draft: wait for the one after the last key
            done = await messages.wait_for_worker(pilot, "draft", since=since)
            since = messages.messages.index(done) + 1
            draft = services.intake.load_draft("canbo") or {}  # read while the app runs, as a crash leaves it
            if draft.get("inputs", {}).get("full_name") == "Trần Văn Cường":
                break
        assert draft["step"] == 1 and draft["procedure_code"] == "1.001193"
        assert draft["inputs"]["id_number"] == "038190012399"
        assert draft["inputs"]["full_name"] == "Trần Văn Cường"


async def test_the_lock_screen_speaks_of_the_password_only(app):
    from screens.lock import LockScreen

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        app.screen.query_one("#lock-password").value = "sai"
        await pilot.press("enter")
        await pilot.pause()
        said = str(app.screen.query_one("#lock-error").render())
        assert "Sai mật khẩu" in said and "tên đăng nhập" not in said


async def test_a_rejected_dossier_shows_no_appointment(app, services, make_dossier, messages):
    from screens.dossier import DossierScreen

    d = make_dossier()
    services.dossiers.reject(d.code, "Không thuộc thẩm quyền", "canbo")
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await app.workers.wait_for_complete()
        app.call_later(app.open_dossier, d.code)
        await messages.wait_for(DossierScreen.Loaded, pilot)
        head = str(app.screen.query_one("#dossier-head").render())
        assert "Không được tiếp nhận" in head and "Hẹn trả" not in head


# ---------------------------------------------------------------- the command palette in Vietnamese


async def test_the_command_palette_folds_accents_and_says_no_match_in_vietnamese(app):
    from textual.command import CommandInput, CommandList

    def options(screen) -> list[str]:
        listing = screen.query_one(CommandList)
        return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]

    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        await until(pilot, lambda: bool(options(palette)))  # the commands offered before anything is typed
        listed = options(palette)
        assert any(o.startswith("Tiếp nhận hồ sơ mới") for o in listed), listed
        assert not [o for o in listed if re.match(r"[a-z]+: ", o)], listed  # no English command names
        palette.query_one(CommandInput).value = "hang doi dong bo"
        await until(pilot, lambda: any("Hàng đợi đồng bộ" in o for o in options(palette)))
        assert any("Hàng đợi đồng bộ" in o for o in options(palette)), options(palette)
        palette.query_one(CommandInput).value = "zzzqqq"
        await until(pilot, lambda: "Không tìm thấy" in " ".join(options(palette)))  # said after half a second
        shown = " ".join(options(palette))
        assert "Không tìm thấy" in shown and "No matches" not in shown


# ---------------------------------------------------------------- documents


async def test_conditional_papers_are_not_ticked_in_advance(app):
    """'… (chỉ khi …)' is needed only sometimes: the officer ticks it when the citizen brings it."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        screen.query_one("#proc-query").value = "1.000894"  # đăng ký kết hôn
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        lines = {line.name: line.received for line in screen.query_one("#docs-panel").lines}
        conditional = [name for name in lines if "chỉ khi" in name]
        assert conditional and not any(lines[name] for name in conditional)
        assert all(received for name, received in lines.items() if name not in conditional)


# ---------------------------------------------------------------- toasts


async def test_a_newer_printing_outcome_replaces_the_older_toast(app):
    """Two receipts that did not print, then one that did: only the newest receipt toast stays on screen."""
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        for text in ("Hồ sơ A đã lưu; chưa in được giấy tiếp nhận", "Hồ sơ B đã lưu; chưa in được giấy tiếp nhận"):
            app.notify(text, title="Giấy tiếp nhận", severity="warning", timeout=12)
            await pilot.pause()
        app.notify("Đã gửi giấy tiếp nhận C tới máy in", title="Giấy tiếp nhận", timeout=6)
        app.notify("Đang đồng bộ…", timeout=3)
        await pilot.pause()
        receipts = [n.message for n in app._notifications if n.title == "Giấy tiếp nhận"]
        assert receipts == ["Đã gửi giấy tiếp nhận C tới máy in"]
        assert any(n.message == "Đang đồng bộ…" for n in app._notifications)  # others are untouched


# ---------------------------------------------------------------- F9 large print


async def test_large_print_enlarges_the_name_and_the_procedure_not_only_the_digits(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_applicant(app, pilot)
        field = screen.query_one("#id_number")
        field.focus()
        field.value = SCAN
        await pilot.press("enter")
        await pilot.pause()
        await fill_declaration(pilot, screen)
        await pilot.press("f9")
        await pilot.pause()
        assert screen.has_class("-large")
        digits_height = screen.query_one("#review-dob").size.height
        for widget_id, expected in (("#review-name", "Đ Ặ N G   T H Ị   Á N H"), ("#review-procedure", "Đ Ă N G")):
            widget = screen.query_one(widget_id)
            assert expected in str(widget.render()), widget_id
            assert widget.outer_size.height >= digits_height, f"{widget_id} is smaller than the digits"
        await pilot.press("f9")
        await pilot.pause()
        assert "ĐẶNG THỊ ÁNH" in str(screen.query_one("#review-name").render())


# ---------------------------------------------------------------- narrow terminals


def visible_columns(table) -> list[str]:
    """Labels of the columns whose whole width is inside the table's visible region."""
    shown, right = [], 0
    for column in table.ordered_columns:
        right += column.get_render_width(table)
        if right <= table.scrollable_content_region.width:
            shown.append(str(column.label))
    return shown


@pytest.mark.parametrize("size", [(120, 40), (100, 30), (80, 24)], ids=["120x40", "100x30", "80x24"])
async def test_home_keeps_code_name_status_and_due_date_on_screen(services, fixed_clock, make_dossier, size):
    from screens.app import make_app

    make_dossier("2.000815", received_at=fixed_clock())  # a long procedure name
    app = make_app(services, officer=services.officers.get("canbo"), clock=fixed_clock)
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#home-table")
        assert table.row_count == 1
        assert {"Mã hồ sơ", "Người nộp", "Trạng thái", "Hẹn trả"} <= set(visible_columns(table)), size
        for box in app.screen.query(".count-box"):  # every queue's count stays readable, its label wrapped or not
            assert str(box.render()).rstrip().endswith(("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "—"))
            needed = box.get_content_height(box.container_size, app.size, box.content_size.width)
            assert box.content_size.height >= needed, f"{box.id} cut at {size}"
        bar = app.screen.query_one("StatusBar")
        line = str(bar.render())
        assert "Đồng bộ" in line and "chờ gửi" in line, line
        assert len(line) <= bar.size.width, f"status line cut at {size}: {line!r}"


async def test_the_saved_box_wraps_a_long_procedure_name_at_100_columns(services, fixed_clock):
    from screens.app import make_app

    app = make_app(services, officer=services.officers.get("canbo"), clock=fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_intake(app, pilot)
        screen.query_one("#proc-query").value = "2.000815"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        field = screen.query_one("#id_number")
        field.value = SCAN
        await pilot.press("enter")
        await pilot.pause()
        screen.query_one("#fee-pages").value = "1"  # copy certification's fee is computed from the pages (issue 14)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.saved_code
        box = screen.query_one("#done-code")
        assert box.region.right <= app.size.width, "the ĐÃ TIẾP NHẬN box overflows"
        assert "Chứng thực bản sao" in str(box.render())
