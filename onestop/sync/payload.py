"""Wire payloads, modelled on the national portal's one-stop sync (DongBoHoSoMC / CapNhatTienDoHoSoMC).

Payloads are frozen into the outbox when the change is committed; they are never rebuilt later.
Dates travel as `yyyyMMddHHmmss` in Asia/Ho_Chi_Minh (BRIEF §4.2).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from onestop.domain import Dossier, Office, Person, Status, StatusEvent
from onestop.sync.protocol import WIRE_DATE as WIRE_DATE  # re-exported: callers import the wire vocabulary here
from onestop.sync.protocol import parse_wire_dt as parse_wire_dt
from onestop.sync.protocol import wire_dt as wire_dt


def _person(p: Person | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "HoTen": p.full_name,
        "SoDinhDanh": p.id_number,
        "NgaySinh": p.birth_date.strftime("%d%m%Y") if p.birth_date else "",
        "GioiTinh": p.gender,
        "DiaChi": p.address,
        "SoDienThoai": p.phone,
        "Email": p.email,
        "SoDinhDanhDaHuy": p.cancelled_id_number,
    }


def person_from_wire(d: dict[str, Any] | None) -> Person | None:
    if not d:
        return None
    dob = d.get("NgaySinh") or ""
    return Person(
        full_name=d.get("HoTen", ""),
        id_number=d.get("SoDinhDanh", ""),
        birth_date=date(int(dob[4:8]), int(dob[2:4]), int(dob[0:2])) if len(dob) == 8 else None,
        gender=d.get("GioiTinh", ""),
        address=d.get("DiaChi", ""),
        phone=d.get("SoDienThoai", ""),
        email=d.get("Email", ""),
        cancelled_id_number=d.get("SoDinhDanhDaHuy", ""),
    )


def dossier_payload(d: Dossier, office: Office, *, row_version: int = 1) -> dict[str, Any]:
    """The full dossier snapshot (upsert keyed by MaHoSo + the local UUID)."""
    return {
        "Uuid": d.uuid,
        "MaHoSo": d.code,
        "MaHoSoChinhThuc": d.official_code,
        "PhienBan": row_version,
        "MaDinhDanhDonVi": office.agency_code,
        "MaQuay": office.counter_code,
        "MaTTHC": d.procedure.code,
        "PhienBanTTHC": d.procedure.version,
        "TenTTHC": d.procedure.name,
        "TenLinhVuc": d.procedure.field,
        "KenhThucHien": d.channel.national_code,
        "ChuHoSo": d.applicant.full_name,
        "LoaiDoiTuong": 1,
        "DinhDanhCHS": [{"LoaiDinhDanh": 1, "SoDinhDanh": d.applicant.id_number}] if d.applicant.id_number else [],
        "ChuHoSoChiTiet": _person(d.applicant),
        "NguoiNopThay": _person(d.representative),
        "GiayUyQuyen": d.authorisation_doc,
        "SoDienThoai": d.applicant.phone,
        "Email": d.applicant.email,
        "TrichYeuHoSo": (d.summary or d.procedure.name)[:1000],
        "NgayTiepNhan": wire_dt(d.received_at),
        "NgayHenTra": wire_dt(d.due_at),
        "LyDoHenTra": d.due_reason,
        "TrangThaiHoSo": d.status.national_code,
        "HinhThuc": {"counter": 0, "post": 1, "online": 2}[d.return_via.value],
        "DiaChiNhanKetQua": d.return_address,
        "NguoiTiepNhan": d.officer,
        "HoSoCoThanhPhanSoHoa": int(any(doc.attachments for doc in d.documents)),
        "TaiKhoanDuocXacThucVoiVNeID": int(d.has_eid_account),
        "DongYXuLyDuLieu": int(d.consent_recorded),
        "SoBo": d.sets_count,
        "MaTraCuu": d.lookup_key,
        "TaiLieuNop": [
            {
                "TenTaiLieu": doc.name,
                "LoaiBan": doc.kind.value,
                "SoLuong": doc.count,
                "TepDinhKem": [
                    {"Sha256": a.sha256, "TenTep": a.file_name, "KieuTep": a.media_type, "KichThuoc": a.size}
                    for a in doc.attachments
                ],
                "TaiSuDung": doc.reused_from,
            }
            for doc in d.documents
        ],
        "KetQuaSoHoa": [
            {"Sha256": a.sha256, "TenTep": a.file_name, "KieuTep": a.media_type, "KichThuoc": a.size}
            for a in d.result_files
        ],
        "DanhSachLePhi": [
            {
                "TenPhiLePhi": p.label,
                "Gia": p.amount_vnd,
                "HinhThucThu": p.method,
                "MienGiam": p.exemption,
                "BienLai": p.receipt_number,
            }
            for p in d.payments
        ],
        "DanhGiaHaiLong": _rating(d),
        **_declaration(d),
    }


def _rating(d: Dossier) -> dict[str, Any] | None:
    """The citizen's satisfaction (docs/sync-protocol.md "DanhGiaHaiLong"); None until one is recorded."""
    r = d.rating
    if r is None:
        return None
    return {
        "DanhGia": r.level,
        "KhongDanhGia": int(r.declined),
        "LyDo": r.reason,
        "NoiDungDanhGia": r.comment,
        "HinhThucDanhGia": r.via,
        "ThoiGianDanhGia": wire_dt(r.at),
        "CanBoGhiNhan": r.officer,
    }


def _declaration(d: Dossier) -> dict[str, Any]:
    """`ToKhai`: the filled declaration (form, version, values, persons named); absent when the dossier has none."""
    if d.declaration is None:
        return {}
    from onestop.declarations.service import wire

    return {"ToKhai": wire(d.declaration)}


def event_payload(d: Dossier, event: StatusEvent, *, officer_name: str = "") -> dict[str, Any]:
    """One processing step (CapNhatTienDoHoSoMC), sent in order after the dossier itself."""
    return {
        "Uuid": d.uuid,
        "MaHoSo": d.code,
        "BuocSo": event.seq,
        "NguoiXuLy": (officer_name or event.officer)[:50],
        "TenDangNhap": event.officer,
        "ThoiDiemXuLy": wire_dt(event.at),
        "TrangThaiTruoc": event.from_status.national_code if event.from_status else None,
        "TrangThai": event.to_status.national_code,
        "MaTrangThai": event.to_status.value,
        "NoiDungXuLy": event.reason or event.to_status.label,
        "GhiChu": event.note,
        "NgayHenTraMoi": wire_dt(event.new_due),
        "NgayHenTra": wire_dt(d.due_at),
    }


def status_from_wire(code: int | str) -> Status:
    return Status.from_national(int(code))
