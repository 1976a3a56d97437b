"""Fixtures for declarations: filled tờ khai for each shipped form, the way an officer types them."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import run_process as run  # the command as a real process

__all__ = ["run", "BIRTH", "DEATH", "MARRIAGE", "MARITAL", "EXTRACT", "FILLED"]


BIRTH = {
    "QuanHe": "Mẹ",
    "HoTenKS": "Lê Minh Khang",
    "NgaySinhChon": "15032026",
    "GioiTinhKS": "Nam",
    "DanTocKS": "Kinh",
    "QuocTichKS": "Việt Nam",
    "nksNoiSinh_TrongNuoc": "Trạm y tế xã Quảng Phú, tỉnh Thanh Hóa",
    "nksQueQuan_TrongNuoc": "Xã Quảng Phú, tỉnh Thanh Hóa",
    "DanTocMeKS": "01",
    "QuocTichMeKS": "VN",
    "HoTenChaKS": "Lê Văn Dũng",
    "NamSinhChaKS": "1988",
    "DanTocChaKS": "Kinh",
    "QuocTichChaKS": "Việt Nam",
    "SoDinhDanhCha": "038088001234",
    "CapBanSao": "Có",
    "SoLuong": "2",
}

DEATH = {
    "QuanHe": "Con",
    "HoTen": "Nguyễn Văn Tư",
    "NgaySinh": "1941",
    "GioiTinh": "Nam",
    "nktDanToc": "Kinh",
    "nktQuocTich": "Việt Nam",
    "nktNoiCuTru_TrongNuoc": "Thôn Đông Hải, xã Quảng Phú, tỉnh Thanh Hóa",
    "SoDinhDanh": "038041000111",
    "GioMat": "14",
    "PhutMat": "30",
    "NgayMat": "02/11/2026",
    "nktNoiChet_TrongNuoc": "Tại nhà, thôn Đông Hải, xã Quảng Phú",
    "NguyenNhanMat": "Già yếu",
    "gbtLoai": "Giấy báo tử",
    "gbtSo": "125/GBT",
    "gbtCoQuanCap": "Trạm y tế xã Quảng Phú",
    "gbtNgay": "03/11/2026",
}

MARRIAGE = {
    "HoTenBenNu": "Đặng Thị Ánh",
    "NgaySinhBenNu": "17/05/1990",
    "DanTocBenNu": "Kinh",
    "QuocTichBenNu": "Việt Nam",
    "NoiCuTru_BenNu_TrongNuoc": "Thôn Đông Hải, xã Quảng Phú, tỉnh Thanh Hóa",
    "SoDinhDanh_BenNu": "038190012345",
    "SoLanKetHon_BenNu": "1",
    "HoTenBenNam": "Trịnh Quốc Bảo",
    "NgaySinhBenNam": "02/09/1988",
    "DanTocBenNam": "Mường",
    "QuocTichBenNam": "Việt Nam",
    "NoiCuTru_BenNam_TrongNuoc": "Thôn Phú Lâm, xã Quảng Phú, tỉnh Thanh Hóa",
    "SoDinhDanh_BenNam": "038088007777",
    "SoLanKetHon_BenNam": "1",
    "CapBanSao": "Khong",
}

MARITAL = {
    "quanhevoinguoiduocxacminh": "Bản thân",
    "HoVaTenC1": "Đặng Thị Ánh",
    "NgaySinhC1": "17/05/1990",
    "GioiTinhC1": "Nữ",
    "DanTocC1": "Kinh",
    "QuocTichC1": "Việt Nam",
    "nxnNoiCuTru_TrongNuoc": "Thôn Đông Hải, xã Quảng Phú, tỉnh Thanh Hóa",
    "SoDinhDanhC1": "038190012345",
    "TinhTrangHonNhanC1": "1",
    "mucdich": "Để đăng ký kết hôn",
}

EXTRACT = {
    "QuanHe": "Bản thân",
    "HoSo_TenGiayTo": "Khai sinh",
    "NDK_HoVaTen": "Đặng Thị Ánh",
    "NDK_NgaySinh": "17/05/1990",
    "NDK_GioiTinh": "Nữ",
    "HoSo_CoQuanDangKy": "Ủy ban nhân dân xã Quảng Phú, huyện Quảng Xương, tỉnh Thanh Hóa",
    "HoSo_NgayCapSo": "20/05/1990",
    "HoSo_So": "45",
    "HoSo_QuyenSo": "01/1990",
    "SoLuong": "2",
}

FILLED = {
    "1.001193": ("to-khai-khai-sinh", BIRTH),
    "1.000656": ("to-khai-khai-tu", DEATH),
    "1.000894": ("to-khai-ket-hon", MARRIAGE),
    "1.004873": ("to-khai-xac-nhan-tinh-trang-hon-nhan", MARITAL),
    "2.000635": ("to-khai-cap-ban-sao-trich-luc", EXTRACT),
}


@pytest.fixture
def registered_on() -> date:
    return date(2026, 11, 20)


# The real reference server and counters bound to it (shared with tests/sync).
from tests.sync.conftest import counter01, province, server_db  # noqa: E402, F401
