"""Realistic sample dossiers and form requests for tests, previews and the benchmark."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from onestop.domain import (
    VN_TZ,
    BookRequest,
    Channel,
    DeadlineUnit,
    DocKind,
    DocumentLine,
    Dossier,
    FeeExemption,
    FormKind,
    FormRequest,
    Office,
    PaymentLine,
    Person,
    Procedure,
    RequiredDocument,
    ReturnVia,
    Status,
    StatusEvent,
)

RECEIVED_AT = datetime(2026, 11, 20, 9, 5, tzinfo=VN_TZ)
DUE_AT = datetime(2026, 11, 20, 16, 30, tzinfo=VN_TZ)
ISSUED_AT = datetime(2026, 11, 20, 9, 12, tzinfo=VN_TZ)

LONG_NAME_TEXT = (
    "Công ty Trách nhiệm hữu hạn Một thành viên Thương mại Dịch vụ Xuất "
    "nhập khẩu Nông sản Thực phẩm Quảng Phú Thanh Hóa Việt Nam Đặng Thị Ánh Nguyệt Hằng Phương"
)
LONG_NAME_WORDS = tuple(LONG_NAME_TEXT.split())
LONG_ADDRESS_PARTS = (
    "Số nhà 128/45/7, ngõ 19 đường Nguyễn Trãi",
    "tổ dân phố Đông Sơn Hạ",
    "khu dân cư mới phía Tây Nam Quốc lộ 1A",
    "thôn Phú Thọ Thượng",
    "gần Nhà văn hóa thôn và Trường Tiểu học Quảng Phú",
    "đối diện chợ Quảng Phú cũ",
    "Xã Quảng Phú",
    "Tỉnh Thanh Hóa",
    "Việt Nam",
    "hộp thư bưu điện số 1234",
    "khu nghĩa trang liệt sĩ",
)


def _words_up_to(words: list[str] | tuple[str, ...], length: int, sep: str = " ") -> str:
    """Repeat whole `words` until the text is at least `length` characters long."""
    out: list[str] = []
    while len(sep.join(out)) < length:
        out.append(words[len(out) % len(words)])
    return sep.join(out)


# The longest values seen in practice (not absurd ones): a company name, a post-merger address with its old
# commune in brackets, a long document title and a long procedure name, as printed on real receipts.
LONGEST_NAME = "Công ty Trách nhiệm hữu hạn Một thành viên Thương mại Dịch vụ Xuất nhập khẩu Nông sản Quảng Phú"
LONGEST_PERSON = "Tôn Nữ Hoàng Thị Phương Thảo Nguyên"
LONGEST_ADDRESS = (
    "Số nhà 128/45/7, ngõ 19 đường Nguyễn Trãi, tổ dân phố Đông Sơn Hạ, thôn Phú Thọ Thượng "
    "(xã Quảng Phú cũ), Xã Quảng Phú, Tỉnh Thanh Hóa"
)
LONGEST_DOCUMENTS = (
    DocumentLine(
        "Tờ khai đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế (theo mẫu)", DocKind.ORIGINAL, 1
    ),
    DocumentLine("Giấy chứng sinh do cơ sở khám bệnh, chữa bệnh nơi trẻ được sinh ra cấp", DocKind.ORIGINAL, 1),
    DocumentLine("Giấy tờ tùy thân có ảnh của người đi đăng ký (thẻ căn cước, hộ chiếu)", DocKind.PRESENT_ONLY, 1),
    DocumentLine(
        "Văn bản ủy quyền được chứng thực theo quy định (trường hợp ủy quyền thực hiện thủ tục)", DocKind.COPY, 2
    ),
)
LONGEST_PROCEDURE = (
    "Thủ tục liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi"
)


SAMPLE_LEADER = ("Lê Minh Tuấn", "CHỦ TỊCH", "")
"""The head of the agency in the sample config `[leader]`: name, title, authority."""


def sample_office(lookup_url: str = "https://motcua.example.gov.vn/tra-cuu", *, leader: bool = False) -> Office:
    """The Quảng Phú commune centre in Thanh Hóa; `leader` configures the head of the agency who signs Mẫu 04/05."""
    name, title, authority = SAMPLE_LEADER if leader else ("", "", "")
    return Office(
        leader_name=name,
        leader_title=title,
        leader_authority=authority,
        commune_name="Xã Quảng Phú",
        agency_code="H56.14",
        province="Thanh Hóa",
        counter_code="01",
        address="Thôn Phú Thọ, Xã Quảng Phú, Tỉnh Thanh Hóa",
        parent_unit="UBND XÃ QUẢNG PHÚ",
        unit_name="Trung tâm Phục vụ hành chính công xã Quảng Phú",
        place_name="Quảng Phú",
        phone="0237 3861 234",
        email="ttphvhcc.quangphu@example.gov.vn",
        lookup_url=lookup_url,
    )


def sample_procedure() -> Procedure:
    """Procedure 1.001193 Đăng ký khai sinh (Luật Hộ tịch 2014, Điều 16)."""
    return Procedure(
        code="1.001193",
        version=1,
        name="Thủ tục đăng ký khai sinh",
        field="Hộ tịch",
        deadline_amount=0,
        deadline_unit=DeadlineUnit.SAME_DAY,
        cutoff=time(15, 0),
        fee_vnd=0,
        fee_note="Miễn lệ phí khi đăng ký khai sinh đúng hạn.",
        online_level=None,
        documents=(
            RequiredDocument("Tờ khai đăng ký khai sinh (theo mẫu)"),
            RequiredDocument("Giấy chứng sinh"),
            RequiredDocument("Giấy tờ tùy thân của người đi đăng ký", DocKind.PRESENT_ONLY),
        ),
        exemptions=(FeeExemption("dung_han", "Đăng ký khai sinh đúng hạn"),),
        deciding_agency="UBND xã Quảng Phú",
        sourced=True,
    )


def longest_realistic_dossier() -> Dossier:
    """A dossier with the longest realistic content: company applicant, representative, 4 long documents, post."""
    base = sample_dossier(representative=True)
    applicant = replace(
        base.applicant, full_name=LONGEST_NAME, address=LONGEST_ADDRESS, email="lienhe@nongsanquangphu.vn"
    )
    assert base.representative is not None
    rep = replace(
        base.representative, full_name=LONGEST_PERSON, address=LONGEST_ADDRESS, email="ton.nu.phuong.thao@example.vn"
    )
    return replace(
        base,
        applicant=applicant,
        representative=rep,
        authorisation_doc="Văn bản ủy quyền số 1534/2026/UQ-CT được chứng thực ngày 19/11/2026 tại UBND xã Quảng Phú",
        procedure=replace(
            base.procedure, name=LONGEST_PROCEDURE, deadline_amount=5, deadline_unit=DeadlineUnit.WORKING_DAYS
        ),
        documents=LONGEST_DOCUMENTS,
        return_via=ReturnVia.POST,
        return_address=LONGEST_ADDRESS,
        payments=(PaymentLine(0, method="none", exemption="Trẻ em dưới 6 tuổi được miễn lệ phí theo quy định"),),
    )


def sample_dossier(*, long: bool = False, representative: bool = False) -> Dossier:
    """A received birth-registration dossier for Đặng Thị Ánh; `long` makes the name and address very long."""
    name = _words_up_to(LONG_NAME_WORDS, 120) if long else "Đặng Thị Ánh"
    address = _words_up_to(LONG_ADDRESS_PARTS, 300, ", ") if long else "Thôn Phú Thọ, Xã Quảng Phú, Tỉnh Thanh Hóa"
    applicant = Person(
        full_name=name,
        id_number="038190012345",
        birth_date=date(1990, 3, 14),
        gender="Nữ",
        address=address,
        phone="0912345678",
        email="dang.thi.anh@example.vn",
    )
    rep = Person(
        full_name="Lê Văn Đức",
        id_number="038088004321",
        birth_date=date(1988, 7, 2),
        gender="Nam",
        address="Thôn Phú Lợi, Xã Quảng Phú, Tỉnh Thanh Hóa",
        phone="0987654321",
        email="le.van.duc@example.vn",
    )
    received, started, done = RECEIVED_AT, RECEIVED_AT + timedelta(minutes=25), DUE_AT - timedelta(hours=2)
    events = (
        StatusEvent(1, received, None, Status.RECEIVED, "nvhung", note="Bộ phận Một cửa tiếp nhận"),
        StatusEvent(2, started, Status.RECEIVED, Status.IN_PROGRESS, "tpthuy", note="Công chức tư pháp - hộ tịch"),
        StatusEvent(3, done, Status.IN_PROGRESS, Status.RESULT_READY, "tpthuy", reason="Đã ký Giấy khai sinh"),
    )
    return Dossier(
        uuid="5f0c9a52-6b1e-4c1f-9d7e-2b8f1a3c4d5e",
        code="H56.14-261120-010007",
        procedure=sample_procedure(),
        applicant=applicant,
        received_at=received,
        due_at=DUE_AT,
        status=Status.IN_PROGRESS,
        channel=Channel.PAPER,
        return_via=ReturnVia.COUNTER,
        officer="nvhung",
        officer_name="Nguyễn Văn Hùng",
        representative=rep if representative else None,
        authorisation_doc="Văn bản ủy quyền số 15/2026/UQ ngày 19/11/2026" if representative else "",
        documents=(
            DocumentLine("Tờ khai đăng ký khai sinh (theo mẫu)", DocKind.ORIGINAL, 1),
            DocumentLine("Giấy chứng sinh", DocKind.ORIGINAL, 1),
            DocumentLine("Giấy tờ tùy thân của người đi đăng ký", DocKind.PRESENT_ONLY, 1),
            DocumentLine("Giấy chứng nhận kết hôn của cha mẹ", DocKind.COPY, 2),
        ),
        payments=(PaymentLine(0, method="none", exemption="Đăng ký khai sinh đúng hạn"),),
        sets_count=1,
        book_volume="01/2026",
        book_number=152,
        lookup_key="7KQ2",
        summary="",
        events=events,
    )


_FORM_DETAILS: dict[FormKind, dict[str, object]] = {
    FormKind.RECEIPT: {"number": "7"},
    FormKind.SUPPLEMENT: {
        "number": "3",
        "items": (
            "Bổ sung bản sao Giấy chứng nhận kết hôn của cha mẹ trẻ (có chứng thực).",
            "Ghi đầy đủ mục “Nơi sinh” trong Tờ khai đăng ký khai sinh.",
        ),
        "reason": "Tờ khai còn thiếu thông tin về nơi sinh của trẻ.",
        "contact_name": "Phạm Thị Thủy",
        "contact_phone": "0237 3861 235",
    },
    FormKind.REJECTION: {
        "number": "2",
        "reason": "Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã Quảng Phú.",
    },
    FormKind.APOLOGY: {
        "number": "1",
        "reason": "Hệ thống Cơ sở dữ liệu hộ tịch điện tử bị gián đoạn, chưa cấp được số định danh cá nhân cho trẻ.",
        "new_due": datetime(2026, 11, 23, 10, 30, tzinfo=VN_TZ),
    },
    FormKind.STOP: {"number": "4", "reason": "Người yêu cầu đề nghị dừng để bổ sung giấy tờ chứng minh nơi cư trú."},
    FormKind.CONTROL: {"number": "152"},
}


def sample_form_request(
    kind: FormKind = FormKind.RECEIPT,
    long: bool = False,
    *,
    representative: bool = False,
    copies: int = 1,
    page_size: str = "A4",
    longest: bool = False,
    leader: bool = False,
) -> FormRequest:
    """A complete FormRequest of `kind` for the sample dossier, with the details that form needs."""
    if kind is FormKind.BOOK:
        raise ValueError("the tracking book takes a BookRequest; use sample_book_request()")
    dossier = longest_realistic_dossier() if longest else sample_dossier(long=long, representative=representative)
    if kind is FormKind.STOP:
        stop = StatusEvent(
            4, ISSUED_AT, Status.IN_PROGRESS, Status.STOPPED, "nvhung", reason=str(_FORM_DETAILS[kind]["reason"])
        )
        dossier = replace(dossier, status=Status.STOPPED, events=(*dossier.events, stop))
    return FormRequest(
        kind=kind,
        office=sample_office(leader=leader),
        dossier=dossier,
        issued_at=ISSUED_AT,
        officer_name="Nguyễn Văn Hùng",
        copies=copies,
        page_size=page_size,
        **_FORM_DETAILS[kind],  # type: ignore[arg-type]
    )


def sample_book_request(count: int = 60, field: str = "Hộ tịch") -> BookRequest:
    """A tracking book for November 2026 with `count` dossiers spread over the month."""
    base = sample_dossier()
    names = (
        "Đặng Thị Ánh",
        "Nguyễn Văn Đức",
        "Lê Thị Hồng Nhung",
        "Trần Quốc Bảo",
        "Phạm Thị Ngọc Ánh",
        "Hoàng Văn Thắng",
        "Vũ Thị Hương",
        "Bùi Đức Mạnh",
    )
    dossiers = []
    for i in range(count):
        received = datetime(2026, 11, 2 + i % 27, 7 + i % 9, (7 * i) % 60, tzinfo=VN_TZ)
        applicant = replace(base.applicant, full_name=names[i % len(names)], phone=f"09{12345600 + i:08d}")
        dossiers.append(
            replace(
                base,
                uuid=f"{base.uuid[:-4]}{i:04d}",
                code=f"H56.14-{received:%y%m%d}-01{i + 1:04d}",
                applicant=applicant,
                received_at=received,
                due_at=received + timedelta(days=1),
                returned_at=received + timedelta(days=1) if i % 3 else None,
                collected_by=applicant.full_name if i % 3 else "",
                return_via=ReturnVia.POST if i % 5 == 0 else ReturnVia.COUNTER,
            )
        )
    return BookRequest(
        office=sample_office(),
        dossiers=tuple(dossiers),
        date_from=date(2026, 11, 1),
        date_to=date(2026, 11, 30),
        issued_at=datetime(2026, 12, 1, 8, 0, tzinfo=VN_TZ),
        field=field,
    )
