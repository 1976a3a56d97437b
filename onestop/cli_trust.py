"""Trust commands: `backup`, `restore`, `purge`, `citizen export`, `audit list/export` (CONTRACT.md).

Only Typer is imported at load time; services are imported inside each command.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from onestop.cli_common import ConfigOpt, DbOpt, JsonOpt, OfficerOpt, emit_json, fail, load, open_ctx, say

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


def register(app: typer.Typer) -> None:
    citizen_app = typer.Typer(help="Dữ liệu cá nhân của công dân.", no_args_is_help=True)
    audit_app = typer.Typer(help="Nhật ký truy cập (chỉ đọc, chỉ ghi thêm).", no_args_is_help=True)
    app.add_typer(citizen_app, name="citizen")
    app.add_typer(audit_app, name="audit")

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
        yes: Annotated[
            bool, typer.Option("--yes", help="Không hỏi lại (bắt buộc khi không chạy trên terminal).")
        ] = False,
        force_foreign: Annotated[
            bool, typer.Option("--force-foreign", help="Chấp nhận bản sao lưu của cơ quan khác.")
        ] = False,
        officer: OfficerOpt = None,
        json_out: JsonOpt = False,
        db: DbOpt = None,
        config: ConfigOpt = None,
    ) -> None:
        """Khôi phục từ bản sao lưu sau khi kiểm tra toàn vẹn và phiên bản; giữ lại CSDL cũ (quản trị)."""
        from onestop.config import resolve_db_path
        from onestop.errors import DatabaseError
        from onestop.services import Services, open_services

        passphrase = _read_passphrase(passphrase_stdin)
        settings = load(config)
        db_path = resolve_db_path(db)
        try:
            services = open_services(db_path, settings, prepare=False)
            recovery = services.officers.count() == 0
        except DatabaseError as exc:
            from db.engine import make_engine

            say(f"{exc.message}\nKhôi phục ở chế độ cứu hộ (người sở hữu tệp dữ liệu trên máy).")
            services = Services(engine=make_engine(db_path), settings=settings, db_path=db_path)
            recovery = True
        if not recovery:
            services.officers.require(officer, _admin())
        if not yes:
            if not sys.stdin.isatty() or passphrase_stdin:
                fail("Khôi phục sẽ thay thế cơ sở dữ liệu hiện tại: thêm --yes để xác nhận.")
            manifest = services.backup.inspect(file, passphrase=passphrase)
            typer.confirm(
                f"Thay cơ sở dữ liệu bằng bản sao lưu lúc {manifest.get('created_at')} "
                f"({manifest.get('dossiers')} hồ sơ)?",
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

    @app.command()
    def purge(
        officer: OfficerOpt = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ liệt kê, không xóa.")] = False,
        json_out: JsonOpt = False,
        db: DbOpt = None,
        config: ConfigOpt = None,
    ) -> None:
        """Xóa khỏi máy các hồ sơ đã kết thúc và đã đồng bộ quá thời hạn lưu giữ (quản trị)."""
        services = open_ctx(db, config)
        report = services.privacy.purge(officer, dry_run=dry_run)
        if json_out:
            emit_json(
                {
                    "dry_run": report.dry_run,
                    "cutoff": report.cutoff.isoformat(),
                    "count": report.count,
                    "codes": list(report.purged_codes),
                    "kept_unsynced": report.kept_unsynced,
                    "citizens_removed": report.citizens_removed,
                    "files_removed": report.files_removed,
                }
            )
        else:
            for code in report.purged_codes:
                print(code)
        verb = "Sẽ xóa" if report.dry_run else "Đã xóa"
        say(
            f"{verb} {report.count} hồ sơ kết thúc trước {report.cutoff:%d/%m/%Y}; giữ lại {report.kept_unsynced} "
            "hồ sơ chưa đồng bộ xong."
        )

    @citizen_app.command("export")
    def citizen_export(
        id_number: Annotated[str, typer.Argument(help="Số định danh cá nhân (12 số).")],
        officer: OfficerOpt = None,
        out: Annotated[Path | None, typer.Option("--out", help="Tệp JSON (mặc định: in ra stdout).")] = None,
        db: DbOpt = None,
        config: ConfigOpt = None,
    ) -> None:
        """Xuất mọi dữ liệu đang lưu về một công dân theo yêu cầu của họ (lãnh đạo; được ghi nhật ký)."""
        services = open_ctx(db, config)
        data = services.privacy.export_citizen(id_number, officer)
        if out:
            services.privacy.write_export(data, out)
            say(f"Đã xuất dữ liệu ({len(data['dossiers'])} hồ sơ) vào {out}.")
        else:
            emit_json(data)

    @audit_app.command("list")
    def audit_list(
        dossier: Annotated[str, typer.Option("--dossier", help="Chỉ mục của một hồ sơ.")] = "",
        by: Annotated[str, typer.Option("--by", help="Chỉ mục do một cán bộ thực hiện.")] = "",
        limit: Annotated[int, typer.Option("--limit", min=1, max=100_000)] = 200,
        officer: OfficerOpt = None,
        json_out: JsonOpt = False,
        db: DbOpt = None,
        config: ConfigOpt = None,
    ) -> None:
        """Xem nhật ký truy cập, mới nhất trước (lãnh đạo khi có --officer)."""
        services = open_ctx(db, config)
        if officer:
            entries = services.audit.browse(officer, dossier_code=dossier, officer=by, limit=limit)
        else:
            entries = services.audit.entries(dossier_code=dossier, officer=by, limit=limit)
        if json_out:
            emit_json(
                [
                    {
                        "id": e.id,
                        "at": e.at.isoformat(),
                        "officer": e.officer,
                        "action": e.action,
                        "dossier_code": e.dossier_code,
                        "detail": e.detail,
                    }
                    for e in entries
                ]
            )
            return
        for e in entries:
            print(f"{e.at:%d/%m/%Y %H:%M:%S}  {e.officer:<14} {e.action:<18} {e.dossier_code:<24} {e.detail}")

    @audit_app.command("export")
    def audit_export(
        out: Annotated[Path, typer.Option("--out", help="Tệp CSV.")],
        dossier: Annotated[str, typer.Option("--dossier", help="Chỉ mục của một hồ sơ.")] = "",
        by: Annotated[str, typer.Option("--by", help="Chỉ mục do một cán bộ thực hiện.")] = "",
        officer: OfficerOpt = None,
        db: DbOpt = None,
        config: ConfigOpt = None,
    ) -> None:
        """Xuất nhật ký truy cập ra CSV (UTF-8); việc xuất cũng được ghi nhật ký."""
        services = open_ctx(db, config)
        rows = services.audit.export_csv(out, actor=officer, dossier_code=dossier, officer=by)
        say(f"Đã xuất {rows} dòng nhật ký vào {out}.")


def _admin():  # type: ignore[no-untyped-def]
    from onestop.domain import Role

    return Role.ADMIN
