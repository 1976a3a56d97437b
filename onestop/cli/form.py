"""`onestop form …`: the declaration forms (tờ khai) — list, show, import (one Typer sub-app)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from onestop.cli.common import ConfigOpt, DbOpt, JsonOpt, OfficerOpt, emit_json, open_ctx, say

app = typer.Typer(help="Mẫu tờ khai điện tử (Form.io) theo thủ tục.", no_args_is_help=True)


@app.command("list")
def form_list(
    procedure: Annotated[str | None, typer.Option("--procedure", help="Chỉ các tờ khai của thủ tục này.")] = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Các mẫu tờ khai (phiên bản mới nhất), thủ tục dùng chúng và nguồn (kèm theo / nhập thêm)."""
    services = open_ctx(db, config)
    forms = services.intake.declarations.list(procedure)
    if json_out:
        emit_json(
            [
                {
                    "id": f.name,
                    "form": f.name,
                    "version": f.version,
                    "title": f.title,
                    "procedures": list(f.procedures),
                    "origin": f.origin,
                    "fields": f.fields,
                }
                for f in forms
            ]
        )
        return
    if not forms:
        say("Không có mẫu tờ khai nào" + (f" cho thủ tục {procedure}." if procedure else "."))
        return
    for f in forms:
        codes = ", ".join(f.procedures) or "—"
        origin = "kèm theo" if f.origin == "shipped" else "nhập thêm"
        print(f"{f.name}  v{f.version}  [{codes}]  {f.title}  ({f.fields} trường, {origin})")


@app.command("show")
def form_show(
    form: Annotated[str, typer.Argument(help="Tên tờ khai (ví dụ to-khai-khai-sinh) hoặc mã thủ tục.")],
    version: Annotated[int | None, typer.Option("--version", help="Phiên bản (mặc định: mới nhất).")] = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Các trường của một tờ khai: mã, nhãn, nhóm, kiểu, bắt buộc, lựa chọn."""
    from onestop.declarations.service import describe
    from onestop.errors import NotFound

    services = open_ctx(db, config)
    declarations = services.intake.declarations
    try:
        defn = declarations.get(form, version)
    except NotFound:
        by_procedure = declarations.for_procedure(form.strip())
        if by_procedure is None:
            raise
        defn = by_procedure
    data = describe(defn)
    if json_out:
        emit_json(data)
        return
    print(f"{defn.title}  ({defn.name} v{defn.version}; thủ tục {', '.join(defn.procedures) or '—'})")
    group = None
    for f in data["fields"]:
        if f["group"] != group:
            group = f["group"]
            print(f"[{group or 'Chung'}]")
        flags = " *" if f["required"] else ""
        choices = f" ({len(f['choices'])} lựa chọn)" if f["choices"] else ""
        print(f"  {f['id']:<28} {f['label']}{flags}  <{f['type']}>{choices}")
    if defn.left_out:
        print("Không dựng (chưa có nguồn):")
        for row in defn.left_out:
            print(f"  - {row}")


@app.command("import")
def form_import(
    file: Annotated[Path, typer.Argument(help="Tệp JSON định nghĩa Form.io.")],
    officer: OfficerOpt = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Nhập một phiên bản mới của tờ khai (quản trị viên); thành phần chưa hỗ trợ bị từ chối."""
    services = open_ctx(db, config)
    defn = services.intake.declarations.import_file(file, officer or "")
    if json_out:
        emit_json({"form": defn.name, "version": defn.version, "fields": len(defn.fields)})
        return
    print(f"{defn.name} v{defn.version}")
    say(f"Đã nhập tờ khai '{defn.title}' phiên bản {defn.version} ({len(defn.fields)} trường).")


def print_declaration(services: Any, declaration: Any) -> None:
    """`dossier show`: the declaration's filled fields, grouped as on the form."""
    try:
        rows = services.declarations.show(declaration)
    except Exception:  # an unknown form version: still show the raw values
        rows = [{"id": k, "label": k, "group": "", "display": v} for k, v in declaration.values.items()]
    print(f"Tờ khai: {declaration.title or declaration.form} ({declaration.form} v{declaration.version})")
    group = None
    for r in rows:
        if r["group"] != group:
            group = r["group"]
            if group:
                print(f"  {group}:")
        print(f"    {r['label']}: {r['display']}")
