"""Pieces several forms print the same way: a person's contact lines and the issuing officer."""

from __future__ import annotations

from onestop.domain import FormRequest, Person
from receipts.markup import Story, field, para, v
from receipts.styles import FormStyles


def person_lines(person: Person, st: FormStyles) -> Story:
    """Địa chỉ, then Số điện thoại and Email on one line."""
    return [
        field("Địa chỉ", v(person.address), st),
        para(f"Số điện thoại: {v(person.phone)}&nbsp;&nbsp;&nbsp;&nbsp;Email: {v(person.email)}", st.body),
    ]


def officer_name(req: FormRequest) -> str:
    """The officer issuing the form: the request's full name, else the dossier's receiving officer."""
    return req.officer_name or req.dossier.officer_name or req.dossier.officer
