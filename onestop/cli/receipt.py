"""`onestop receipt`: render (and print) a counter form for a saved dossier."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from onestop.cli.common import ConfigOpt, DbOpt, JsonOpt, OfficerOpt, emit_json, open_ctx, say

if TYPE_CHECKING:
    from onestop.services import Services

FORMS = "receipt|supplement|rejection|apology|stop|control|declaration"

app = typer.Typer()


@app.command()
def receipt(
    code: Annotated[str, typer.Argument(help="Mã hồ sơ (mã quầy hoặc mã chính thức).")],
    form: Annotated[str, typer.Option("--form", help=FORMS)] = "receipt",
    out: Annotated[Path | None, typer.Option("--out", help="Ghi PDF ra tệp này (mặc định: thư mục lưu trữ).")] = None,
    print_it: Annotated[bool, typer.Option("--print", help="Gửi tới máy in (CUPS).")] = False,
    printer: Annotated[str | None, typer.Option("--printer", help="Hàng đợi CUPS (mặc định: theo cấu hình).")] = None,
    copies: Annotated[int | None, typer.Option("--copies", min=1, max=2, help="1 hoặc 2 liên.")] = None,
    reason: Annotated[str, typer.Option("--reason", help="Lý do (phiếu từ chối, bổ sung, xin lỗi, dừng).")] = "",
    officer: OfficerOpt = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """In lại hoặc tạo phiếu của hồ sơ (PDF luôn được lưu; lỗi máy in → mã thoát 6)."""
    from onestop.domain import FormKind
    from onestop.errors import BadInput

    try:
        kind = FormKind(form)
    except ValueError:
        raise BadInput(f"--form phải là một trong: {FORMS}.", field="form") from None
    services = open_ctx(db, config)
    who = officer or _default_officer(services)
    outcome = services.forms.issue(
        code, kind, officer=who, print_it=print_it, printer=printer, copies=copies, out=out, reason=reason
    )
    if json_out:
        emit_json(
            {
                "code": outcome.code,
                "form": outcome.form.value,
                "pdf": str(outcome.pdf_path),
                "printed": outcome.printed,
                "printer": outcome.printer,
                "job_id": outcome.job_id,
                "message": outcome.message,
            }
        )
    else:
        print(outcome.pdf_path)
    if print_it and not outcome.printed:
        say(f"Hồ sơ và tệp PDF đã được lưu ({outcome.pdf_path}); chưa in được: {outcome.message}")
        raise typer.Exit(6)
    if print_it:
        say(f"Đã gửi lệnh in {outcome.job_id} tới {outcome.printer}.")


def _default_officer(services: Services) -> str:
    """Reprints from the workstation's own account when no officer is named (the OS account is trusted)."""
    from onestop.errors import BadInput

    officers = [o for o in services.officers.list() if o.active]
    if len(officers) == 1:
        return officers[0].username
    raise BadInput("Cần chỉ rõ cán bộ thực hiện (--officer).", field="officer")
