"""`onestop intake`: receive one dossier exactly as the intake screen does (same service, same checks)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from onestop.cli.common import ConfigOpt, DbOpt, JsonOpt, OfficerOpt, emit_json, open_ctx, say
from onestop.formats import datetime_short

if TYPE_CHECKING:
    from onestop.domain import DocumentLine, Dossier, IntakeDraft, Person, Procedure
    from onestop.services import Services

app = typer.Typer()

FEE_METHODS = ("cash", "transfer", "card", "online")
"""How a fee is paid, as the fee step's «Hình thức thu» offers it (the service also keeps "none" for no fee)."""


def parse_doc_spec(spec: str) -> DocumentLine:
    """`"NAME:original|copy|present_only:COUNT"` → DocumentLine (NAME may itself contain colons)."""
    from onestop.domain import DocKind, DocumentLine
    from onestop.errors import BadInput

    parts = spec.rsplit(":", 2)
    if len(parts) == 3:
        name, kind_text, count_text = parts
    elif len(parts) == 2:
        name, kind_text, count_text = parts[0], parts[1], "1"
    else:
        name, kind_text, count_text = spec, "original", "1"
    kinds = {
        "original": DocKind.ORIGINAL,
        "copy": DocKind.COPY,
        "present_only": DocKind.PRESENT_ONLY,
        "chinh": DocKind.ORIGINAL,
        "sao": DocKind.COPY,
    }
    kind = kinds.get(kind_text.strip().lower())
    if kind is None:
        raise BadInput(
            f"--doc: loại giấy tờ phải là original, copy hoặc present_only (nhận '{kind_text[:20]}').", field="doc"
        )
    try:
        count = int(count_text)
    except ValueError:
        raise BadInput("--doc: số lượng phải là số nguyên.", field="doc") from None
    return DocumentLine(name=name, kind=kind, count=count)


@app.command()
def intake(
    procedure: Annotated[str | None, typer.Option("--procedure", help="Mã thủ tục.")] = None,
    officer: OfficerOpt = None,
    qr: Annotated[str | None, typer.Option("--qr", help="Chuỗi quét từ mã QR trên thẻ căn cước.")] = None,
    id_number: Annotated[str | None, typer.Option("--id-number", help="Số định danh cá nhân (12 số).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Họ và tên người nộp.")] = None,
    dob: Annotated[str | None, typer.Option("--dob", help="Ngày sinh dd/MM/yyyy.")] = None,
    gender: Annotated[str | None, typer.Option("--gender", help="Nam | Nữ")] = None,
    address: Annotated[str, typer.Option("--address", help="Địa chỉ.")] = "",
    phone: Annotated[str, typer.Option("--phone", help="Số điện thoại.")] = "",
    email: Annotated[str, typer.Option("--email", help="Thư điện tử.")] = "",
    rep_qr: Annotated[
        str | None,
        typer.Option("--rep-qr", help="Nộp thay theo ủy quyền: chuỗi quét từ mã QR căn cước của người được ủy quyền."),
    ] = None,
    rep_id_number: Annotated[
        str | None, typer.Option("--rep-id-number", help="Số định danh cá nhân của người được ủy quyền (12 số).")
    ] = None,
    rep_name: Annotated[str | None, typer.Option("--rep-name", help="Họ và tên người được ủy quyền.")] = None,
    rep_dob: Annotated[str | None, typer.Option("--rep-dob", help="Ngày sinh người được ủy quyền dd/MM/yyyy.")] = None,
    rep_gender: Annotated[
        str | None, typer.Option("--rep-gender", help="Giới tính người được ủy quyền: Nam | Nữ")
    ] = None,
    rep_address: Annotated[str, typer.Option("--rep-address", help="Địa chỉ người được ủy quyền.")] = "",
    rep_phone: Annotated[str, typer.Option("--rep-phone", help="Số điện thoại người được ủy quyền.")] = "",
    rep_email: Annotated[str, typer.Option("--rep-email", help="Thư điện tử người được ủy quyền.")] = "",
    rep_authorisation: Annotated[
        str | None,
        typer.Option(
            "--rep-authorisation",
            help="Giấy tờ ủy quyền (bắt buộc khi nộp thay), ví dụ «Giấy ủy quyền số 12 ngày 01/11/2026».",
        ),
    ] = None,
    doc: Annotated[
        list[str] | None,
        typer.Option("--doc", help='Giấy tờ "TÊN:original|copy|present_only:SỐ_LƯỢNG" (lặp lại được).'),
    ] = None,
    channel: Annotated[str, typer.Option("--channel", help="paper | online")] = "paper",
    consent: Annotated[
        bool, typer.Option("--consent", help="Công dân đồng ý nộp trực tuyến thay (kênh online).")
    ] = False,
    confirm_address: Annotated[
        bool,
        typer.Option("--confirm-address", help="Cán bộ xác nhận thay địa chỉ đã lưu của công dân bằng địa chỉ mới."),
    ] = False,
    eid: Annotated[bool, typer.Option("--eid", help="Công dân có tài khoản định danh điện tử.")] = False,
    attach: Annotated[
        list[Path] | None, typer.Option("--attach", help="Tệp số hóa (gắn vào giấy tờ đầu tiên).")
    ] = None,
    return_via: Annotated[str, typer.Option("--return-via", help="counter | post | online")] = "counter",
    return_address: Annotated[str, typer.Option("--return-address", help="Địa chỉ nhận kết quả qua bưu chính.")] = "",
    fee: Annotated[int | None, typer.Option("--fee", help="Lệ phí (mặc định: theo danh mục).")] = None,
    pages: Annotated[
        int | None,
        typer.Option("--pages", help="Số trang bản chính (thủ tục tính lệ phí theo trang, vd. chứng thực bản sao)."),
    ] = None,
    copies: Annotated[int, typer.Option("--copies", help="Số bản chứng thực (cùng --pages).")] = 1,
    exemption: Annotated[str, typer.Option("--exemption", help="Lý do miễn lệ phí.")] = "",
    fee_method: Annotated[
        str, typer.Option("--fee-method", help="Hình thức thu: cash (tiền mặt) | transfer | card | online.")
    ] = "cash",
    paper_receipt: Annotated[
        str | None,
        typer.Option(
            "--paper-receipt",
            help="Thu phí của tỉnh lỗi: số biên lai giấy đã viết cho công dân (không cấp số biên lai điện tử; "
            "đối soát sau, xem «onestop fee unreconciled»).",
        ),
    ] = None,
    due: Annotated[str | None, typer.Option("--due", help="Ngày hẹn trả khác (ISO), cần --due-reason.")] = None,
    due_reason: Annotated[str, typer.Option("--due-reason", help="Lý do đổi ngày hẹn.")] = "",
    received: Annotated[
        str | None, typer.Option("--received", help="Thời điểm tiếp nhận (ISO; mặc định: bây giờ).")
    ] = None,
    batch: Annotated[
        Path | None,
        typer.Option(
            "--batch",
            help="Tệp JSONL: mỗi dòng một đối tượng JSON với các trường của lệnh tiếp nhận một hồ sơ "
            "(procedure, id_number, name, dob, …); kiểm tra hết rồi mới ghi, mỗi hồ sơ một giao dịch.",
        ),
    ] = None,
    declaration: Annotated[
        str | None,
        typer.Option(
            "--declaration",
            help="Tờ khai: tệp JSON (mã trường → giá trị; ngày dd/MM/yyyy) hoặc '-' để đọc từ stdin.",
        ),
    ] = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Tiếp nhận một hồ sơ (hoặc nhiều hồ sơ với --batch); in mã hồ sơ (JSON với --json)."""
    from onestop.errors import BadInput

    if batch is not None:
        from onestop.cli.intake_batch import run_batch

        run_batch(
            batch,
            officer,
            build_draft=build_draft,
            dossier_result=dossier_result,
            json_out=json_out,
            db=db,
            config=config,
        )
        return
    if not procedure:
        raise BadInput("Cần --procedure (mã thủ tục), hoặc --batch TỆP.", field="procedure")
    draft, services = build_draft(
        lambda: open_ctx(db, config),
        procedure=procedure,
        officer=officer,
        qr=qr,
        id_number=id_number,
        name=name,
        dob=dob,
        gender=gender,
        address=address,
        phone=phone,
        email=email,
        rep_qr=rep_qr,
        rep_id_number=rep_id_number,
        rep_name=rep_name,
        rep_dob=rep_dob,
        rep_gender=rep_gender,
        rep_address=rep_address,
        rep_phone=rep_phone,
        rep_email=rep_email,
        rep_authorisation=rep_authorisation,
        doc=doc,
        channel=channel,
        consent=consent,
        eid=eid,
        attach=attach,
        return_via=return_via,
        return_address=return_address,
        fee=fee,
        pages=pages,
        copies=copies,
        exemption=exemption,
        fee_method=fee_method,
        paper_receipt=paper_receipt,
        due=due,
        due_reason=due_reason,
        received=received,
        confirm_address=confirm_address,
        declaration=_read_declaration(declaration),
    )
    dossier = services.intake.save(draft, officer or "")
    kept = "" if confirm_address else services.intake.address_change(draft.applicant)
    if kept:
        say(f"Giữ địa chỉ đã lưu của công dân ({kept}); dùng --confirm-address nếu công dân xác nhận địa chỉ mới.")
    if json_out:
        emit_json(dossier_result(dossier))
    else:
        print(dossier.code)
        say(
            f"Đã tiếp nhận hồ sơ {dossier.code}; hẹn trả {datetime_short(dossier.due_at)}."
            if dossier.due_at
            else f"Đã tiếp nhận hồ sơ {dossier.code}."
        )
        receipt = _receipt_number(dossier)
        if receipt:
            say(receipt if receipt.startswith("Biên lai") else f"Biên lai: {receipt}")


def dossier_result(dossier: Dossier) -> dict[str, Any]:
    """What `intake --json` prints for a received dossier."""
    return {
        "code": dossier.code,
        "uuid": dossier.uuid,
        "status": dossier.status.value,
        "received_at": dossier.received_at.isoformat(),
        "due_at": dossier.due_at.isoformat() if dossier.due_at else None,
        "due_reason": dossier.due_reason,
        "lookup_key": dossier.lookup_key,
        "fee_vnd": dossier.fee_total,
        "receipt_number": _receipt_number(dossier) or None,
        "declaration": (
            {"form": dossier.declaration.form, "version": dossier.declaration.version} if dossier.declaration else None
        ),
    }


def _receipt_number(dossier: Dossier) -> str:
    """The fee's receipt as printed (the series' number, or the paper receipt's); "" when none was issued."""
    return next((p.receipt_number for p in dossier.payments if p.receipt_number), "")


def build_draft(
    opener: Callable[[], Services],
    *,
    procedure: str,
    officer: str | None = None,
    qr: str | None = None,
    id_number: str | None = None,
    name: str | None = None,
    dob: str | None = None,
    gender: str | None = None,
    address: str = "",
    phone: str = "",
    email: str = "",
    rep_qr: str | None = None,
    rep_id_number: str | None = None,
    rep_name: str | None = None,
    rep_dob: str | None = None,
    rep_gender: str | None = None,
    rep_address: str = "",
    rep_phone: str = "",
    rep_email: str = "",
    rep_authorisation: str | None = None,
    doc: list[str] | None = None,
    channel: str = "paper",
    consent: bool = False,
    eid: bool = False,
    attach: list[Path] | None = None,
    return_via: str = "counter",
    return_address: str = "",
    fee: int | None = None,
    pages: int | None = None,
    copies: int = 1,
    exemption: str = "",
    fee_method: str = "cash",
    paper_receipt: str | None = None,
    due: str | None = None,
    due_reason: str = "",
    received: str | None = None,
    confirm_address: bool = False,
    declaration: dict[str, Any] | None = None,
    procedures: dict[str, Procedure] | None = None,
) -> tuple[IntakeDraft, Services]:
    """The draft the intake options describe (the same parsing and checks for one dossier and for `--batch`);
    `opener` gives the services once the options themselves are known to be well formed. `procedures` keeps the
    procedures already read, by code as typed (a batch reads each once)."""
    from datetime import datetime

    from onestop import identity
    from onestop.domain import Channel, IntakeDraft, Person, ReturnVia
    from onestop.errors import BadInput

    if qr:
        applicant = identity.to_person(identity.parse_qr(qr), phone=phone, email=email)
        if address:
            from dataclasses import replace

            applicant = replace(applicant, address=address)
    else:
        if not (id_number and name and dob):
            raise BadInput("Cần --qr, hoặc đủ --id-number, --name và --dob.", field="applicant")
        applicant = Person(
            full_name=name,
            id_number=id_number,
            birth_date=identity.parse_birth_date(dob),
            gender=gender or "",
            address=address,
            phone=phone,
            email=email,
        )
    representative, authorisation = _representative(
        qr=rep_qr,
        id_number=rep_id_number,
        name=rep_name,
        dob=rep_dob,
        gender=rep_gender,
        address=rep_address,
        phone=rep_phone,
        email=rep_email,
        authorisation=rep_authorisation,
    )
    try:
        channel_value, return_value = Channel(channel), ReturnVia(return_via)
    except ValueError:
        raise BadInput(
            "--channel phải là paper/online; --return-via phải là counter/post/online.", field="channel"
        ) from None
    if fee_method not in FEE_METHODS:
        raise BadInput(f"--fee-method phải là {', '.join(FEE_METHODS)} (nhận '{fee_method[:20]}').", field="fee_method")
    if paper_receipt is not None and not paper_receipt.strip():
        raise BadInput("--paper-receipt: cần số biên lai giấy đã viết cho công dân.", field="paper_receipt")

    def _when(value: str | None, option: str) -> datetime | None:
        from onestop.formats import parse_datetime

        return parse_datetime(value, field=option) if value else None

    services = opener()
    received_at = _when(received, "--received")
    if received_at is not None:
        from onestop.domain import Role, now_vn
        from onestop.plausible import check_received

        actor = services.officers.require(officer)
        check_received(received_at, now_vn(), admin=actor.role is Role.ADMIN, field="--received")
    procedure_obj = procedures.get(procedure) if procedures is not None else None
    if procedure_obj is None:
        procedure_obj = _procedure_or_suggestions(services, procedure)
        if procedures is not None:
            procedures[procedure] = procedure_obj
    documents = tuple(parse_doc_spec(d) for d in doc) if doc else tuple(_default_docs(procedure_obj))
    fee = _tiered_fee(procedure_obj.code, fee, pages, copies, exempt=bool(exemption))
    draft = IntakeDraft(
        procedure_code=procedure,
        applicant=applicant,
        representative=representative,
        authorisation_doc=authorisation,
        documents=documents,
        channel=channel_value,
        return_via=return_value,
        return_address=return_address,
        fee_vnd=fee,
        exemption=exemption,
        fee_method=fee_method,
        paper_receipt=paper_receipt or "",
        due_override=_when(due, "--due"),
        due_override_reason=due_reason,
        consent_recorded=consent,
        has_eid_account=eid,
        attachments=tuple((0, str(p)) for p in attach or ()),
        received_at=received_at,
        confirm_address=confirm_address,
        declaration=declaration,
    )
    return draft, services


REP_OPTIONS = {
    "id_number": "--rep-id-number",
    "full_name": "--rep-name",
    "birth_date": "--rep-dob",
    "gender": "--rep-gender",
    "address": "--rep-address",
    "phone": "--rep-phone",
    "email": "--rep-email",
}
"""A representative's field, as the intake screen's «Nộp thay» block and the intake service name it → its option."""


def _representative(
    *,
    qr: str | None,
    id_number: str | None,
    name: str | None,
    dob: str | None,
    gender: str | None,
    address: str,
    phone: str,
    email: str,
    authorisation: str | None,
) -> tuple[Person | None, str]:
    """The person submitting on the applicant's behalf and their authorisation paper (the intake screen's Ctrl+R
    block), checked as that block and the intake service check them: the same validators and the same Vietnamese
    messages, each prefixed with the option it is about; the error's field is the `--batch` key (`rep_dob`, …).
    (None, "") when no `--rep-…` option holds a value (a batch line may carry them all blank)."""
    from onestop.errors import BadInput

    qr = qr if qr and qr.strip() else None  # a blank scan is no scan (a batch line may carry it empty)
    if not any(v and v.strip() for v in (qr, id_number, name, dob, gender, address, phone, email)):
        if authorisation and authorisation.strip():
            raise BadInput(
                "--rep-authorisation chỉ dùng khi nộp thay theo ủy quyền: cần thêm --rep-qr, hoặc --rep-id-number, "
                "--rep-name và --rep-dob của người được ủy quyền.",
                field="rep_authorisation",
            )
        return None, ""
    from dataclasses import replace

    from onestop import identity
    from onestop.domain import Person
    from onestop.services.intake import AUTHORISATION_MAX_CHARS, validate_person
    from onestop.text import clean

    if not qr:
        missing = [
            opt
            for opt, value in (("--rep-id-number", id_number), ("--rep-name", name), ("--rep-dob", dob))
            if not (value and value.strip())
        ]
        if missing:
            raise BadInput(
                "Nộp thay theo ủy quyền: cần --rep-qr, hoặc đủ --rep-id-number, --rep-name và --rep-dob "
                f"(thiếu {', '.join(missing)}).",
                field=_batch_key(missing[0]),
            )
    try:
        if qr:
            person = identity.to_person(identity.parse_qr(qr), phone=phone, email=email)
            if address:
                person = replace(person, address=address)
        else:
            person = Person(
                full_name=name or "",
                id_number=id_number or "",
                birth_date=identity.parse_birth_date(dob or ""),
                gender=gender or "",
                address=address,
                phone=phone,
                email=email,
            )
        person = validate_person(person, "rep_")
    except BadInput as err:
        field = (err.field or "").removeprefix("rep_")
        typed = field in ("address", "phone", "email") or not qr  # else: a fact read from the card's QR
        option = REP_OPTIONS.get(field, "--rep-id-number") if typed else "--rep-qr"
        raise BadInput(f"Người được ủy quyền ({option}): {err.message}", field=_batch_key(option)) from None
    paper = clean(authorisation or "")
    if not paper:
        raise BadInput(
            "Nộp thay theo ủy quyền: cần ghi giấy tờ ủy quyền (--rep-authorisation).", field="rep_authorisation"
        )
    if len(paper) > AUTHORISATION_MAX_CHARS:
        raise BadInput(
            f"--rep-authorisation: Giấy ủy quyền quá dài (tối đa {AUTHORISATION_MAX_CHARS} ký tự).",
            field="rep_authorisation",
        )
    return person, paper


def _batch_key(option: str) -> str:
    """`--rep-id-number` → `rep_id_number`: the key an `intake --batch` line gives it."""
    return option.removeprefix("--").replace("-", "_")


def _read_declaration(source: str | None) -> dict | None:
    """`--declaration FILE|-` → the JSON object (field id → value); `BadInput` for anything else."""
    import json
    import sys

    from onestop.errors import BadInput

    if source is None:
        return None
    if source == "-":
        text = sys.stdin.read(2_000_001)
    else:
        path = Path(source)
        if not path.is_file():
            raise BadInput(f"--declaration: không tìm thấy tệp {path.name[:80]}.", field="declaration")
        if path.stat().st_size > 2_000_000:
            raise BadInput("--declaration: tệp quá lớn (tối đa 2 MB).", field="declaration")
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    if len(text) > 2_000_000:
        raise BadInput("--declaration: dữ liệu quá lớn (tối đa 2 MB).", field="declaration")
    try:
        data = json.loads(text)
    except ValueError:
        raise BadInput("--declaration: không phải JSON hợp lệ.", field="declaration") from None
    if not isinstance(data, dict):
        raise BadInput("--declaration: cần một đối tượng JSON (mã trường → giá trị).", field="declaration")
    return data


def _procedure_or_suggestions(services: Services, procedure: str) -> Procedure:
    """The procedure coded `procedure`; a name typed instead of a code gets the matching codes, best first
    (the ranking the intake screen's type-ahead uses), still as bad input."""
    from onestop.errors import BadInput, NotFound

    try:
        return services.catalog.get(procedure)
    except NotFound as exc:
        hits = services.catalog.search(procedure, limit=5)
        if not hits:
            raise
        lines = "\n".join(f"  {p.code}  {p.name}" for p in hits)
        raise BadInput(
            f"{exc} Các thủ tục khớp với «{procedure.strip()}»:\n{lines}\nGhi mã thủ tục, ví dụ --procedure {hits[0].code}.",
            field="procedure",
        ) from None


def _default_docs(procedure: Procedure) -> list[DocumentLine]:
    from onestop.domain import DocumentLine

    return [DocumentLine(d.name, d.kind, d.count) for d in procedure.documents]


def _tiered_fee(code: str, fee: int | None, pages: int | None, copies: int, *, exempt: bool) -> int | None:
    """The fee of a procedure priced per page (copy certification: onestop/data/fee_rules.toml) from `--pages` and
    `--copies`; a typed `--fee` or an exemption wins. Such a procedure without either is refused (a flat catalog fee
    would be wrong), and `--pages` for a flat-fee procedure is refused too."""
    from onestop import fees
    from onestop.errors import BadInput

    rule = fees.rule_for(code)
    if rule is None:
        if pages is not None:
            raise BadInput(f"Thủ tục {code} không tính lệ phí theo trang: bỏ --pages.", field="pages")
        return fee
    if fee is not None or exempt:
        return fee
    if pages is None:
        raise BadInput(
            f"Thủ tục {code} tính lệ phí theo số trang: cần --pages (số trang bản chính, kèm --copies nếu nhiều bản) "
            "hoặc --fee.",
            field="pages",
        )
    quote = fees.quote(code, pages, copies)
    return quote.amount if quote is not None else fee
