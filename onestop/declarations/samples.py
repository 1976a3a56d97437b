"""A small, valid declaration for each shipped form that a procedure uses: what the demo, the benchmark and tests
about something else (fees, reports, search…) receive a dossier with, now that a procedure with a form is not
received without its tờ khai. Dates are placed before the registration date so the forms' rules hold."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

PROCEDURES = ("1.001193", "1.004884", "1.000656", "1.000894", "1.004873", "2.000635", "1.004859")
"""The procedures whose shipped form has a sample here."""


def sample(procedure_code: str, registered_on: date, *, child: str = "Lê Minh Khang") -> dict[str, Any] | None:
    """Field id → value (as an officer would type them) for the procedure's form; None when it has no form."""
    if procedure_code not in PROCEDURES:
        return None
    week, two_days = (
        registered_on - timedelta(days=n) if registered_on.toordinal() > n else registered_on for n in (7, 2)
    )
    day = week.strftime("%d/%m/%Y")
    birth = {
        "HoTenKS": child,
        "NgaySinhChon": day,
        "GioiTinhKS": "Nam",
        "DanTocKS": "Kinh",
        "QuocTichKS": "Việt Nam",
        "nksNoiSinh_TrongNuoc": "Trạm y tế xã Quảng Phú, tỉnh Thanh Hóa",
    }
    samples: dict[str, dict[str, Any]] = {
        "1.001193": birth,
        "1.004884": dict(birth),
        "1.000656": {
            "QuanHe": "Con",
            "HoTen": "Nguyễn Văn Tư",
            "NgaySinh": "1941",
            "GioMat": "8",
            "PhutMat": "0",
            "NgayMat": two_days.strftime("%d/%m/%Y"),
            "nktNoiChet_TrongNuoc": "Tại nhà, thôn Đông Hải, xã Quảng Phú",
            "NguyenNhanMat": "Già yếu",
        },
        "1.000894": {
            "HoTenBenNu": "Đặng Thị Ánh",
            "NgaySinhBenNu": "17/05/1990",
            "HoTenBenNam": "Trịnh Quốc Bảo",
            "NgaySinhBenNam": "02/09/1988",
        },
        "1.004873": {
            "quanhevoinguoiduocxacminh": "Bản thân",
            "HoVaTenC1": "Đặng Thị Ánh",
            "NgaySinhC1": "17/05/1990",
            "TinhTrangHonNhanC1": "1",
            "mucdich": "Để đăng ký kết hôn",
        },
        "2.000635": {
            "QuanHe": "Bản thân",
            "HoSo_TenGiayTo": "Khai sinh",
            "NDK_HoVaTen": "Đặng Thị Ánh",
            "HoSo_CoQuanDangKy": "Ủy ban nhân dân xã Quảng Phú, tỉnh Thanh Hóa",
            "SoLuong": "1",
        },
        "1.004859": {
            "loaiViec": "Cải chính",
            "ntdHoTen": "Đặng Thị Ánh",
            "ntdNgaySinh": "17/05/1990",
            "NoiDung": "Cải chính ngày sinh",
            "LyDo": "Ghi sai khi đăng ký",
        },
    }
    values = samples.get(procedure_code)
    return dict(values) if values is not None else None
