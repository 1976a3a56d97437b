"""What the officer is told when a form could not be printed: the TUI key that prints it again, where one exists."""

from pathlib import Path

from onestop.domain import FormKind
from onestop.services.forms import PrintOutcome
from screens.common import describe_print


def _unprinted(form: FormKind) -> PrintOutcome:
    return PrintOutcome(
        code="H56.14-261130-010001",
        form=form,
        pdf_path=Path("/tmp/x.pdf"),
        printed=False,
        printer="",
        job_id="",
        message="Chưa chọn máy in.",
        form_id=1,
    )


def test_an_unprinted_declaration_points_to_the_key_not_a_command() -> None:
    text, printed = describe_print(_unprinted(FormKind.DECLARATION), "tờ khai")
    assert not printed
    assert "chưa in được tờ khai" in text and "Nhấn I để in lại." in text
    assert "onestop receipt" not in text


def test_an_unprinted_receipt_points_to_f8() -> None:
    text, _ = describe_print(_unprinted(FormKind.RECEIPT))
    assert "Nhấn F8 để in lại." in text and "/tmp/x.pdf" in text
