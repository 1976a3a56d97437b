"""A person's identity block (applicant or authorised representative) with inline Vietnamese errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

# (field, label, placeholder)
PERSON_FIELDS = (
    ("id_number", "Số định danh", "12 chữ số — hoặc quét mã QR căn cước"),
    ("full_name", "Họ và tên", ""),
    ("birth_date", "Ngày sinh", "dd/MM/yyyy"),
    ("gender", "Giới tính", "Nam / Nữ"),
    ("address", "Nơi cư trú", ""),
    ("phone", "Điện thoại", ""),
    ("email", "Email", ""),
)
COMPLETE_ID_RE = re.compile(r"[0-9]{12}")
COMPLETE_DATE_RE = re.compile(r"[0-9]{1,2}[/.\-][0-9]{1,2}[/.\-][0-9]{4}|[0-9]{8}")
DATE_DIGITS_RE = re.compile(r"[0-9]{8}")


def field_checks() -> dict[str, Callable[[str], Any]]:
    """One validator per field, each raising `BadInput` with a Vietnamese message."""
    from onestop import identity
    from onestop.errors import BadInput

    def address(value: str) -> str:
        from onestop.text import clean

        value = clean(value)
        if len(value) > 500:
            raise BadInput("Địa chỉ quá dài (tối đa 500 ký tự).", field="address")
        return value

    return {
        "full_name": identity.validate_name,
        "birth_date": identity.parse_birth_date,
        "gender": identity.normalize_gender,
        "address": address,
        "phone": identity.validate_phone,
        "email": identity.validate_email,
    }


class PersonForm(Vertical):
    """Seven one-line inputs with an error line under each; ids are `<prefix><field>`."""

    DEFAULT_CSS = """
    PersonForm { height: auto; }
    PersonForm .person-row { height: 1; margin-top: 1; }
    PersonForm .person-label { width: 14; }
    PersonForm Input { width: 1fr; }
    PersonForm .field-error { padding-left: 14; display: none; }
    PersonForm .field-error.-shown { display: block; }
    """

    def __init__(self, prefix: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.prefix = prefix
        self.extra: dict[str, Any] = {}
        """Card facts read from a scan that have no input (old ID number, issue date), keyed to its ID number."""

    def compose(self) -> ComposeResult:
        for field, label, placeholder in PERSON_FIELDS:
            with Horizontal(classes="person-row"):
                yield Label(label, classes="person-label")
                yield Input(placeholder=placeholder, id=f"{self.prefix}{field}", compact=True)
            yield Static("", id=f"{self.prefix}{field}-error", classes="field-error")

    def input(self, field: str) -> Input:
        return self.query_one(f"#{self.prefix}{field}", Input)

    def value(self, field: str) -> str:
        return self.input(field).value

    def set_error(self, field: str, message: str) -> None:
        error = self.query_one(f"#{self.prefix}{field}-error", Static)
        error.update(message)
        error.set_class(bool(message), "-shown")

    def clear_errors(self) -> None:
        for field, _, _ in PERSON_FIELDS:
            self.set_error(field, "")

    def fill(self, person: Any, *, only_empty: bool = False) -> None:
        """Copy a `Person` into the inputs (dates as dd/MM/yyyy)."""
        values = {
            "id_number": person.id_number,
            "full_name": person.full_name,
            "birth_date": person.birth_date.strftime("%d/%m/%Y") if person.birth_date else "",
            "gender": person.gender,
            "address": person.address,
            "phone": person.phone,
            "email": person.email,
        }
        for field, value in values.items():
            widget = self.input(field)
            if value and not (only_empty and widget.value.strip()):
                widget.value = value
        for field in values:
            self.set_error(field, "")
        if person.old_id_number or person.id_issued_on:
            self.extra = {
                "id_number": person.id_number,
                "old_id_number": person.old_id_number,
                "id_issued_on": person.id_issued_on,
            }

    @on(Input.Changed)
    def format_birth_date(self, event: Input.Changed) -> None:
        """`12051990` becomes `12/05/1990` as soon as the eighth digit is typed (when it is a real date)."""
        if event.input.id == f"{self.prefix}birth_date" and DATE_DIGITS_RE.fullmatch(event.value):
            self._canonical_date(event.input)

    def _canonical_date(self, field: Input) -> None:
        from onestop import identity
        from onestop.errors import BadInput
        from screens.common import fmt_date

        try:
            shown = fmt_date(identity.parse_birth_date(field.value))
        except BadInput:
            return  # the check on Enter/Tab explains what is wrong
        if shown != field.value:
            field.value = shown
            field.cursor_position = len(shown)

    def check_field(self, field: str) -> bool:
        """Validate one field as typed; show or clear its inline error. A refused value is selected, so what the
        officer types next replaces it instead of being appended to it."""
        from onestop.errors import BadInput

        try:
            if field == "id_number":
                self._check_id()
            elif self.value(field).strip() or field in ("full_name", "birth_date"):
                field_checks()[field](self.value(field))
        except BadInput as err:
            self.set_error(field, err.message)
            self.input(field).select_all()
            return False
        if field == "birth_date":
            self._canonical_date(self.input(field))
        self.set_error(field, "")
        return True

    def _check_id(self) -> None:
        from onestop import identity
        from onestop.errors import BadInput

        birth = gender = None
        try:
            birth = identity.parse_birth_date(self.value("birth_date")) if self.value("birth_date").strip() else None
            gender = identity.normalize_gender(self.value("gender")) or None
        except BadInput:
            pass  # those fields report their own errors
        identity.validate_id_number(self.value("id_number"), birth, gender)

    def person(self) -> Any | None:
        """A validated `Person`, or None after showing every field's error inline."""
        from onestop.domain import Person

        ok = all([self.check_field(field) for field, _, _ in PERSON_FIELDS])
        if not ok:
            return None
        checks = field_checks()
        from onestop import identity

        id_number = identity.validate_id_number(self.value("id_number"))
        extra = self.extra if self.extra.get("id_number") == id_number else {}
        return Person(
            old_id_number=extra.get("old_id_number", ""),
            id_issued_on=extra.get("id_issued_on"),
            full_name=checks["full_name"](self.value("full_name")),
            id_number=id_number,
            birth_date=checks["birth_date"](self.value("birth_date")),
            gender=checks["gender"](self.value("gender")),
            address=checks["address"](self.value("address")),
            phone=checks["phone"](self.value("phone")),
            email=checks["email"](self.value("email")),
        )

    def first_error_input(self) -> Input | None:
        for field, _, _ in PERSON_FIELDS:
            if self.query_one(f"#{self.prefix}{field}-error", Static).has_class("-shown"):
                return self.input(field)
        return None
