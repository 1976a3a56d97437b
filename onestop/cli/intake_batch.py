"""`onestop intake --batch FILE.jsonl`: many intakes in one process (CONTRACT.md).

One JSON object per line with the single intake's fields (`procedure`, `qr` or `id_number`/`name`/`dob`, `gender`,
`address`, `phone`, `email`, the representative's `rep_qr` or `rep_id_number`/`rep_name`/`rep_dob`, `rep_gender`,
`rep_address`, `rep_phone`, `rep_email` with `rep_authorisation`, `doc` (a list of "NAME:kind:COUNT"), `channel`,
`consent`, `eid`, `attach`, `return_via`, `return_address`, `fee`, `pages`, `copies`, `exemption`, `fee_method`,
`paper_receipt`, `due`, `due_reason`, `received`, `confirm_address`, `officer`); option spellings with dashes
(`id-number`) are accepted.
Every line is parsed and checked first, exactly as the single intake checks it; if any line is bad, the command lists
the bad lines and exits 2 with nothing written. Otherwise each dossier is saved in its own transaction and each line
gets a result (its code).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onestop.cli.common import emit_json, open_ctx, say

if TYPE_CHECKING:
    from onestop.domain import Dossier, IntakeDraft, Officer, Procedure
    from onestop.services import Services
    from onestop.services.intake import CheckedIntake

STRING_FIELDS = {
    "procedure",
    "qr",
    "id_number",
    "name",
    "dob",
    "gender",
    "address",
    "phone",
    "email",
    "rep_qr",
    "rep_id_number",
    "rep_name",
    "rep_dob",
    "rep_gender",
    "rep_address",
    "rep_phone",
    "rep_email",
    "rep_authorisation",
    "channel",
    "return_via",
    "return_address",
    "exemption",
    "fee_method",
    "paper_receipt",
    "due",
    "due_reason",
    "received",
    "officer",
}
BOOL_FIELDS = {"consent", "eid", "confirm_address"}
LIST_FIELDS = {"doc", "attach"}
INT_FIELDS = {"fee", "pages", "copies"}
MAX_LINES = 100_000


class LineError(Exception):
    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message, self.field = message, field


def parse_line(text: str) -> dict[str, Any]:
    """One line's fields, typed as the single intake's options; LineError names what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LineError(f"không phải JSON hợp lệ ({exc.msg}, cột {exc.colno}).") from None
    if not isinstance(data, dict):
        raise LineError("mỗi dòng phải là một đối tượng JSON {…}.")
    fields: dict[str, Any] = {}
    for raw_key, value in data.items():
        key = str(raw_key).strip().replace("-", "_")
        if value is None:
            continue
        if key in STRING_FIELDS:
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise LineError(f"trường '{key}' phải là chuỗi.", key)
            fields[key] = str(value)
        elif key in BOOL_FIELDS:
            if not isinstance(value, bool):
                raise LineError(f"trường '{key}' phải là true hoặc false.", key)
            fields[key] = value
        elif key in INT_FIELDS:
            if not isinstance(value, int) or isinstance(value, bool):
                raise LineError(f"trường '{key}' phải là số nguyên.", key)
            fields[key] = value
        elif key == "declaration":  # the tờ khai, as `--declaration` reads it: field id → value
            if not isinstance(value, dict):
                raise LineError("trường 'declaration' phải là một đối tượng JSON (mã trường → giá trị).", key)
            fields[key] = value
        elif key in LIST_FIELDS:
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
                raise LineError(f"trường '{key}' phải là một chuỗi hoặc danh sách chuỗi.", key)
            fields[key] = [Path(v) for v in items] if key == "attach" else list(items)
        else:
            raise LineError(f"trường '{str(raw_key)[:40]}' không có trong lệnh tiếp nhận.", str(raw_key)[:40])
    if not fields.get("procedure"):
        raise LineError("thiếu 'procedure' (mã thủ tục).", "procedure")
    return fields


def run_batch(
    path: Path,
    officer: str | None,
    *,
    build_draft: Callable[..., tuple[IntakeDraft, Services]],
    dossier_result: Callable[[Dossier], dict[str, Any]],
    json_out: bool,
    db: Path | None,
    config: Path | None,
) -> None:
    """Check every line, then save each dossier in its own transaction; exit 2 listing the bad lines otherwise.

    `build_draft` and `dossier_result` are the single intake's own (onestop.cli.intake), so a line is parsed,
    checked and reported exactly as the command's options are."""
    import typer

    from onestop.errors import BadInput, NotFound, OneStopError

    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"Không đọc được tệp {path.name[:80]} ({type(exc).__name__}).", field="batch") from None
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        raise BadInput(f"Tệp {path.name[:80]} không có dòng nào.", field="batch")
    if len(numbered) > MAX_LINES:
        raise BadInput(f"Tệp có quá {MAX_LINES:,} dòng; hãy chia nhỏ.", field="batch")
    services = open_ctx(db, config)
    # Each line is checked once; the officer and each procedure are read once for the whole file.
    checked: list[tuple[int, CheckedIntake]] = []
    bad: list[dict[str, Any]] = []
    procedures: dict[str, Procedure] = {}
    officers: dict[str, Officer] = {}
    for number, line in numbered:
        try:
            fields = parse_line(line)
            named = fields.pop("officer", None)
            if named and officer and str(named).strip().lower() != officer.strip().lower():
                raise BadInput(  # who acts is the logged-in officer, for every line (CONTRACT "Who acts")
                    f"Dòng ghi cán bộ '{str(named)[:50]}' nhưng người đăng nhập là '{officer}'.", field="officer"
                )
            actor = named or officer or ""
            draft, _ = build_draft(lambda: services, officer=actor, procedures=procedures, **fields)
            if actor not in officers:
                officers[actor] = services.officers.require(actor)
            procedure = procedures.get(fields["procedure"])
            checked.append((number, services.intake.check(draft, actor, actor=officers[actor], procedure=procedure)))
        except LineError as exc:
            bad.append({"line": number, "field": exc.field, "error": exc.message})
        except (BadInput, NotFound) as exc:  # a bad field, an unknown procedure or officer: this line's fault
            bad.append({"line": number, "field": exc.field or "", "error": exc.message})
    if bad:
        if json_out:
            emit_json({"saved": 0, "bad": len(bad), "results": bad})
        for item in bad:
            say(f"Dòng {item['line']}: {item['error']}")
        say(
            f"{len(bad)} dòng không hợp lệ trong {len(numbered)} dòng; chưa ghi hồ sơ nào. Sửa các dòng trên rồi chạy lại."
        )
        services.close()
        raise typer.Exit(2)
    results: list[dict[str, Any]] = []
    try:
        for number, ready in checked:
            dossier = services.intake.save_checked(ready)
            results.append({"line": number, **dossier_result(dossier)})
            if not json_out:
                sys.stdout.write(f"{number}\t{dossier.code}\n")
    except OneStopError as exc:  # changed between the check and the save (e.g. an officer deactivated meanwhile)
        say(f"Dòng {number}: {exc.message}")
        say(f"Đã ghi {len(results)} hồ sơ (các dòng trước dòng {number}); dòng {number} và các dòng sau chưa ghi.")
        if json_out:
            emit_json({"saved": len(results), "bad": 1, "results": [*results, {"line": number, "error": exc.message}]})
        services.close()
        raise typer.Exit(exc.exit_code) from None
    services.close()
    if json_out:
        emit_json({"saved": len(results), "bad": 0, "results": results})
    say(f"Đã tiếp nhận {len(results)} hồ sơ.")
