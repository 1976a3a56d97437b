"""`onestop province …`: the reference provincial server (for training and sync tests), per CONTRACT.md.

A thin Typer layer: the server itself lives in its own package."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from onestop.cli.common import GLOBAL, ConfigOpt, JsonOpt, emit_json, fail, load, say

if TYPE_CHECKING:
    from onestop.province.store import ProvinceStore

app = typer.Typer(help="Máy chủ tỉnh tham chiếu (để tập huấn và kiểm thử đồng bộ).", no_args_is_help=True)

ProvinceDbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Nơi lưu của máy chủ tỉnh: đường dẫn tệp SQLite, sqlite:///… hoặc postgresql://… "
        "(mặc định: province.db trong thư mục dữ liệu).",
        show_default=False,
    ),
]


def _province_db(db: str | None) -> str:
    from onestop.config import data_dir

    if db:
        return db
    if (
        GLOBAL.db is not None
    ):  # a path before the group would lose the `//` of a PostgreSQL URL: say so, never ignore it
        fail("Nơi lưu của máy chủ tỉnh đặt sau lệnh, ví dụ: onestop province serve --db …")
    path = data_dir() / "province.db"
    from onestop.owneronly import private_dirs

    private_dirs(path.parent)
    return str(path)


def _open_store(db: str | None) -> ProvinceStore:
    from onestop.province import require_server_extra

    require_server_extra()
    from onestop.errors import OneStopError
    from onestop.province.store import ProvinceStore

    where = _province_db(db)
    try:
        return ProvinceStore(where)
    except Exception as exc:  # a bad URL, a missing driver, an unreachable PostgreSQL
        raise OneStopError(f"Không mở được nơi lưu của máy chủ tỉnh: {type(exc).__name__}: {str(exc)[:200]}") from exc


@app.command("serve")
def province_serve(
    db: ProvinceDbOpt = None,
    host: Annotated[str, typer.Option("--host", help="Địa chỉ lắng nghe.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Cổng.", min=1, max=65535)] = 8700,
    workers: Annotated[
        int, typer.Option("--workers", help="Số tiến trình phục vụ (PostgreSQL; mặc định 1).", min=1, max=64)
    ] = 1,
    docs: Annotated[
        bool, typer.Option("--docs", help="Bật trang tài liệu API tương tác (/docs, /redoc, /openapi.json).")
    ] = False,
) -> None:
    """Chạy máy chủ tỉnh tham chiếu (FastAPI + uvicorn)."""
    from onestop.province import require_server_extra, serve

    require_server_extra()
    say(f"Máy chủ tỉnh tham chiếu: http://{host}:{port} (nơi lưu: {_province_db(db)}). Nhấn Ctrl+C để dừng.")
    serve(_province_db(db), host, port, docs=docs, workers=workers)


@app.command("token")
def province_token(
    counter: Annotated[str | None, typer.Option("--counter", help="Mã quầy 2 chữ số.", show_default=False)] = None,
    agency_code: Annotated[
        str | None,
        typer.Option(
            "--agency-code", help="Mã định danh đơn vị (mặc định: theo cấu hình của máy này).", show_default=False
        ),
    ] = None,
    expires: Annotated[
        int | None,
        typer.Option("--expires", help="Hết hạn sau số ngày này (mặc định: đến khi thu hồi).", min=1, max=3650),
    ] = None,
    admin: Annotated[bool, typer.Option("--admin", help="Cấp mã quản trị (mô phỏng hoạt động của tỉnh).")] = False,
    list_: Annotated[bool, typer.Option("--list", help="Liệt kê các mã đã cấp (không bao giờ in mã).")] = False,
    revoke: Annotated[
        int | None, typer.Option("--revoke", help="Thu hồi mã có số hiệu này (hiệu lực ngay).", show_default=False)
    ] = None,
    json_out: JsonOpt = False,
    db: ProvinceDbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Cấp, liệt kê, thu hồi mã truy cập của các quầy; máy chủ chỉ lưu bản băm của mã."""
    from onestop.province import tokens

    if sum(bool(x) for x in (list_, revoke is not None, admin or counter)) > 1:
        fail("Chỉ dùng một trong: cấp mã (--counter/--admin), --list, --revoke.")
    store = _open_store(db)
    try:
        if list_:
            rows = store.tokens()
            if json_out:
                emit_json({"tokens": rows})
            else:
                print(tokens.table(rows))
            return
        if revoke is not None:
            if not store.revoke_token(revoke):
                fail(f"Không có mã truy cập số {revoke}.")
            say(f"Đã thu hồi mã truy cập số {revoke}; mọi yêu cầu dùng mã này bị từ chối (401) ngay.")
            return
        if admin:
            token_id, token = store.issue(role="admin", expires_days=expires)
            say(f"Đã cấp mã quản trị máy chủ tỉnh (số {token_id}).")
            print(f"Mã truy cập: {token}")
            return
        if not counter or not tokens.COUNTER_RE.fullmatch(counter):
            fail("--counter phải gồm đúng 2 chữ số, ví dụ 01.")
        if not agency_code:
            from onestop.errors import ConfigError

            try:
                agency_code = load(config).office.agency_code
            except ConfigError:
                fail("Cần --agency-code (chưa có cấu hình trên máy này).")
        agency_code = agency_code.strip().upper()
        if not tokens.valid_agency(agency_code):
            fail("--agency-code không hợp lệ (ví dụ H56.14).")
        token_id, token = store.issue(agency_code=agency_code, counter_code=counter, expires_days=expires)
        until = f", hết hạn sau {expires} ngày" if expires else ""
        say(
            f"Đã cấp mã truy cập số {token_id} cho quầy {counter} của đơn vị {agency_code}{until}. Ghi vào "
            "sync.token hoặc $ONESTOP_SYNC_TOKEN trên máy của quầy."
        )
        print(f"Mã truy cập: {token}")
    finally:
        store.close()


@app.command("bench")
def province_bench(
    counters: Annotated[int, typer.Option("--counters", help="Số quầy đẩy cùng lúc.", min=1, max=500)] = 50,
    dossiers: Annotated[int, typer.Option("--dossiers", help="Số hồ sơ mỗi quầy.", min=1, max=9999)] = 200,
    batch: Annotated[int, typer.Option("--batch", help="Số mục mỗi lô.", min=1, max=1000)] = 100,
    resend: Annotated[float, typer.Option("--resend", help="Tỉ lệ lô gửi lại (mô phỏng mất phản hồi).")] = 0.2,
    per_agency: Annotated[int, typer.Option("--per-agency", help="Số quầy mỗi đơn vị.", min=1)] = 1,
    workers: Annotated[int, typer.Option("--workers", help="Số tiến trình máy chủ.", min=1, max=64)] = 1,
    db: ProvinceDbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Đo tải: N quầy đẩy hồ sơ cùng lúc qua giao thức thật; in mục/s, độ trễ lô p50/p95, mất/trùng ở cả hai phía."""
    from onestop.province import require_server_extra

    require_server_extra()
    from onestop.province.bench import run

    if not 0 <= resend <= 1:
        fail("--resend phải trong khoảng 0..1.")
    result = run(  # without --db: a throwaway SQLite file; give --db postgresql://… for the figures that matter
        counters,
        dossiers,
        db_url=db,
        batch=batch,
        resend=resend,
        workers=workers,
        per_agency=per_agency,
        say=(lambda _m: None) if json_out else say,
    )
    if json_out:
        emit_json(result)
    else:
        say(
            f"Tỉ lệ {counters} quầy / 1 quầy: {result['ratio']:.0%}; p95 lô / Little: {result['p95_over_littles_law']}; "
            f"mất: {result['lost']}, trùng: {result['duplicated']}; luồng thay đổi: thiếu "
            f"{result['feed_incomplete_dossiers']}, lạ {result['feed_foreign']}, trùng {result['feed_duplicated']}, "
            f"sai thứ tự {result['feed_out_of_order']}."
        )
    if result["lost"] or result["duplicated"] or result["feed_incomplete_dossiers"] or result["feed_foreign"]:
        raise typer.Exit(5)


@app.command("files")
def province_files(
    agency_code: Annotated[
        str | None, typer.Option("--agency-code", help="Chỉ đơn vị này (mặc định: mọi đơn vị).", show_default=False)
    ] = None,
    dossier: Annotated[str | None, typer.Option("--dossier", help="Chỉ hồ sơ có mã này.", show_default=False)] = None,
    db: ProvinceDbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Tệp số hóa máy chủ tỉnh đang lưu, theo đơn vị và hồ sơ: thành phần hồ sơ và kết quả đã số hóa."""
    store = _open_store(db)
    try:
        rows = store.files((agency_code or "").strip().upper(), (dossier or "").strip())
    finally:
        store.close()
    if json_out:
        emit_json({"files": rows})
        return
    if not rows:
        say("Chưa có tệp số hóa nào.")
        return
    for r in rows:
        what = "Kết quả" if r["kind"] == "result" else f"Thành phần: {r['document'][:40]}"
        held = "đã lưu" if r["held"] else "CHƯA CÓ TỆP"
        print(
            f"{r['agency_code']:<10} {r['dossier_code']:<26} {what:<52} {r['name'][:40]:<40} "
            f"{r['size']:>10} B  {r['sha256'][:12]}  {held}"
        )
    sys.stdout.flush()


calendar_app = typer.Typer(help="Thông báo lịch nghỉ lễ, Tết chính thức gửi xuống các quầy.", no_args_is_help=True)
app.add_typer(calendar_app, name="calendar")


def _read_notices(path: str) -> list[dict[str, object]]:
    """The notices of a TOML file (`[[notice]]` entries, as in holidays.toml) or a JSON file (one object or a list)."""
    import json
    import tomllib
    from pathlib import Path

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"Không đọc được tệp thông báo {p.name}: {type(exc).__name__}.")
    try:
        if p.suffix.lower() == ".json":
            data = json.loads(text)
            notices = data if isinstance(data, list) else [data]
        else:
            notices = tomllib.loads(text).get("notice", [])
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        fail(f"Tệp thông báo {p.name} không đúng định dạng: {str(exc)[:200]}")
    if not isinstance(notices, list) or not notices:
        fail(f"Tệp {p.name} không có thông báo nào ([[notice]] trong TOML, hoặc đối tượng JSON).")
    return notices


@calendar_app.command("load")
def province_calendar_load(
    file: Annotated[str, typer.Argument(help="Tệp thông báo: TOML ([[notice]] như holidays.toml) hoặc JSON.")],
    agency_code: Annotated[
        str | None,
        typer.Option("--agency-code", help="Chỉ gửi cho đơn vị này (mặc định: mọi đơn vị).", show_default=False),
    ] = None,
    db: ProvinceDbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Nạp thông báo lịch nghỉ chính thức của một năm (ngày nghỉ, hoán đổi, thứ Bảy làm bù, kèm nguồn) và gửi
    xuống các quầy: năm đó thôi là lịch dự kiến khi quầy đồng bộ. Mọi thông báo được kiểm tra trước; lỗi → không
    nạp gì (mã thoát 2)."""
    import getpass

    from onestop.calendar.holidays import notice_from_dict

    notices = _read_notices(file)
    for raw in notices:  # every notice checked before any is published
        try:
            notice_from_dict(raw)
        except ValueError as exc:
            fail(str(exc))
    agency = (agency_code or "").strip().upper()
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = ""
    store = _open_store(db)
    try:
        done = [store.load_notice(raw, agency, loaded_by=who) for raw in notices]
    finally:
        store.close()
    if json_out:
        emit_json({"notices": done})
        return
    for d in done:
        to = f"đơn vị {d['agency_code']}" if d["agency_code"] else "mọi đơn vị"
        say(
            f"Đã nạp thông báo lịch nghỉ năm {d['year']} ({d['reference']}): {d['off']} ngày nghỉ, "
            f"{d['work']} ngày làm bù; gửi xuống {to} ở lần đồng bộ tới."
        )


@calendar_app.command("list")
def province_calendar_list(db: ProvinceDbOpt = None, json_out: JsonOpt = False) -> None:
    """Các thông báo lịch nghỉ đã nạp: năm, văn bản, đơn vị nhận, ai nạp và khi nào."""
    store = _open_store(db)
    try:
        rows = store.notices()
    finally:
        store.close()
    if json_out:
        emit_json({"notices": rows})
        return
    if not rows:
        say("Chưa nạp thông báo lịch nghỉ nào.")
    for r in rows:
        print(
            f"{r['year']}  {r['reference'][:60]:<60} {r['agency_code'] or 'mọi đơn vị':<12} {r['days']:>3} ngày  "
            f"{r['loaded_by'] or '—'}  {r['loaded_at']}"
        )


@app.command("dump")
def province_dump(
    db: ProvinceDbOpt = None,
    json_out: JsonOpt = False,
    payload: Annotated[bool, typer.Option("--payload", help="Kèm dữ liệu hồ sơ.")] = False,
) -> None:
    """Liệt kê những gì máy chủ tỉnh đang lưu."""
    store = _open_store(db)
    data = store.dump(with_payload=payload)
    store.close()
    if json_out:
        emit_json(data)
        return
    t = data["totals"]
    print(
        f"Hồ sơ: {t['dossiers']} · tiến độ: {t['events']} · khóa đã áp dụng: {t['applied_keys']} · "
        f"thay đổi: {t['changes']} · nhật ký: {t['audit_entries']}"
    )
    for d in data["dossiers"]:
        print(
            f"{d['code']:<26} {d['official_code'] or '-':<20} quầy {d['counter'] or '--'}  "
            f"{d['status_label']:<28} {d['events']} bước  {d['uuid']}"
        )
    sys.stdout.flush()
