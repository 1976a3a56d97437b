"""`onestop backup` and `onestop restore` (CONTRACT.md): verified, optionally encrypted, never silent."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from onestop.cli.common import (
    ConfigOpt,
    DbOpt,
    JsonOpt,
    OfficerOpt,
    emit_json,
    fail,
    load,
    open_ctx,
    open_with,
    resolve_db,
    say,
)

app = typer.Typer()

PassphraseOpt = Annotated[bool, typer.Option("--passphrase-stdin", help="Đọc mật khẩu mã hóa bản sao lưu từ stdin.")]


def _read_passphrase(flag: bool) -> str | None:
    if not flag:
        return None
    value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        fail("Chưa nhận được mật khẩu trên stdin (--passphrase-stdin).")
    return value


def _size(n: int) -> str:
    return f"{n / (1 << 20):.1f} MB" if n >= 1 << 20 else f"{n / 1024:.0f} KB"


@app.command()
def backup(
    out: Annotated[
        Path | None, typer.Option("--out", help="Tệp sao lưu (mặc định: thư mục backups cạnh CSDL).")
    ] = None,
    passphrase_stdin: PassphraseOpt = False,
    auto: Annotated[
        bool, typer.Option("--auto", help="Sao lưu tự động hằng ngày (nếu hôm nay chưa có) và xoay vòng.")
    ] = False,
    officer: OfficerOpt = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Sao lưu trực tuyến toàn bộ dữ liệu (hồ sơ, hàng đợi gửi, tệp số hóa), có thể mã hóa bằng mật khẩu."""
    passphrase = _read_passphrase(passphrase_stdin)
    services = open_ctx(db, config)
    if auto:
        if out or passphrase:
            fail("--auto không dùng cùng --out hoặc --passphrase-stdin.")
        result = services.backup.maybe_daily_backup()
        if result is None:
            say("Hôm nay đã có bản sao lưu tự động; không tạo thêm.")
            if json_out:
                emit_json({"created": False})
            return
    else:
        result = services.backup.backup(out, passphrase=passphrase, actor=officer)
    m = result.manifest
    if json_out:
        emit_json(
            {
                "created": True,
                "path": str(result.path),
                "encrypted": result.encrypted,
                "size": result.size,
                "manifest": m,
            }
        )
    else:
        print(result.path)
    say(
        f"Đã sao lưu {m['dossiers']} hồ sơ, {m['outbox_items']} mục hàng đợi, {len(m['files'])} tệp số hóa "
        f"({_size(result.size)}{', mã hóa' if result.encrypted else ''})."
    )


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(help="Tệp sao lưu (.osbak).")],
    passphrase_stdin: PassphraseOpt = False,
    yes: Annotated[bool, typer.Option("--yes", help="Không hỏi lại (bắt buộc khi không chạy trên terminal).")] = False,
    force_foreign: Annotated[
        bool, typer.Option("--force-foreign", help="Chấp nhận bản sao lưu của cơ quan khác.")
    ] = False,
    officer: OfficerOpt = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Khôi phục từ bản sao lưu sau khi kiểm tra toàn vẹn và phiên bản; giữ lại CSDL cũ (quản trị)."""
    from onestop.domain import Role
    from onestop.errors import DatabaseError
    from onestop.services import open_for_rescue

    passphrase = _read_passphrase(passphrase_stdin)
    settings = load(config)
    db_path = resolve_db(db)
    try:
        services = open_with(db, settings, prepare=False)
        recovery = services.officers.count() == 0
    except DatabaseError as exc:
        say(f"{exc.message}\nKhôi phục ở chế độ cứu hộ (người sở hữu tệp dữ liệu trên máy).")
        services = open_for_rescue(db_path, settings)
        recovery = True
    if not recovery:
        services.officers.require(officer, Role.ADMIN)
    if not yes:
        if not sys.stdin.isatty() or passphrase_stdin:
            fail("Khôi phục sẽ thay thế cơ sở dữ liệu hiện tại: thêm --yes để xác nhận.")
        manifest = services.backup.inspect(file, passphrase=passphrase)
        typer.confirm(
            f"Thay cơ sở dữ liệu bằng bản sao lưu lúc {manifest.get('created_at')} ({manifest.get('dossiers')} hồ sơ)?",
            abort=True,
        )
    report = services.backup.restore(
        file, passphrase=passphrase, actor=officer, force_foreign=force_foreign, verify_actor=not recovery
    )
    if json_out:
        emit_json(
            {
                "restored": str(report.source),
                "previous_db": str(report.previous_db or ""),
                "dossiers": report.dossiers,
                "outbox_items": report.outbox_items,
                "files_restored": report.files_restored,
                "manifest": report.manifest,
                "warnings": list(report.warnings),
            }
        )
    say(
        f"Đã khôi phục {report.dossiers} hồ sơ, {report.outbox_items} mục hàng đợi từ bản sao lưu lúc "
        f"{report.manifest.get('created_at')}."
    )
    if report.previous_db:
        say(f"Cơ sở dữ liệu trước khi khôi phục được giữ tại {report.previous_db}.")
    for warning in report.warnings:
        say(warning)
    services.close()
