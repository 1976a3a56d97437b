"""Applying the upstream change feed locally: online submissions, other counters' dossiers, upstream statuses,
official codes. A dossier with unsent local changes is never overwritten: divergence becomes a conflict.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from db import models
from db.tables import table_of
from onestop.domain import Status
from onestop.services.records import person_to_json, search_text
from onestop.sync.engine import CONFLICT, UNSENT, outbox
from onestop.sync.payload import parse_wire_dt, person_from_wire
from onestop.sync.protocol import SHA256_RE
from onestop.text import clean, fold

dossier_t = table_of(models.Dossier)
document_t = table_of(models.DossierDocument)
attachment_t = table_of(models.Attachment)
event_t = table_of(models.StatusEvent)
payment_t = table_of(models.Payment)
procedure_t = table_of(models.Procedure)
declaration_t = table_of(models.DossierDeclaration)
result_file_t = table_of(models.ResultFile)

_V = TypeVar("_V")

CHANNELS = {1: "paper", 2: "online", 3: "post"}
RETURN_VIA = {0: "counter", 1: "post", 2: "online"}


@dataclass
class PullOutcome:
    inserted: int = 0
    updated: int = 0
    conflicts: int = 0
    skipped: int = 0
    messages: list[str] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)


class PullApplier:
    """Applies dossier snapshots from the feed inside the caller's transaction."""

    def __init__(self, conn: Connection, counter_code: str, now: datetime) -> None:
        self.conn = conn
        self.counter_code = counter_code
        self.now = now
        self._procedures: dict[tuple[str, int | None], tuple[int, str] | None] = {}

    def _procedure(self, code: str, version: Any) -> tuple[int, str] | None:
        key = (code, int(version) if isinstance(version, int) or str(version).isdigit() else None)
        if key not in self._procedures:
            row = None
            if key[1] is not None:
                row = self.conn.execute(
                    sa.select(procedure_t.c.id, procedure_t.c.name).where(
                        procedure_t.c.code == code, procedure_t.c.version == key[1]
                    )
                ).first()
            if row is None:
                row = self.conn.execute(
                    sa.select(procedure_t.c.id, procedure_t.c.name)
                    .where(procedure_t.c.code == code)
                    .order_by(procedure_t.c.active.desc(), procedure_t.c.version.desc())
                ).first()
            self._procedures[key] = (row.id, row.name) if row else None
        return self._procedures[key]

    def apply(self, snap: dict[str, Any], out: PullOutcome, *, force: bool = False) -> None:
        """Apply one snapshot (see `apply_page`)."""
        self.apply_page([snap], out, force=force)

    def apply_page(self, snaps: list[dict[str, Any]], out: PullOutcome, *, force: bool = False) -> None:
        """Insert or update local copies; with unsent local changes, a divergent status becomes a conflict
        (unless `force`, used when an officer chose the upstream version). New dossiers are inserted in bulk."""
        uuids = sorted({str(s.get("Uuid") or "") for s in snaps} - {""})
        local: dict[str, Any] = {}
        unsent: dict[str, list[Any]] = {}
        for chunk in _chunks(uuids):
            for r in self.conn.execute(sa.select(dossier_t).where(dossier_t.c.uuid.in_(chunk))):
                local[r.uuid] = r
            for r in self.conn.execute(
                sa.select(outbox.c.id, outbox.c.kind, outbox.c.payload, outbox.c.state, outbox.c.dossier_uuid)
                .where(outbox.c.dossier_uuid.in_(chunk), outbox.c.state.in_(UNSENT))
                .order_by(outbox.c.id)
            ):
                unsent.setdefault(r.dossier_uuid, []).append(r)
        pending: dict[str, dict[str, Any]] = {}
        for snap in snaps:
            uuid = str(snap.get("Uuid") or "")
            if len(uuid) != 36:
                out.skipped += 1
            elif uuid in local:
                self._update(local[uuid], snap, unsent.get(uuid, []), out, force)
                local[uuid] = self.conn.execute(sa.select(dossier_t).where(dossier_t.c.uuid == uuid)).first()
            else:
                pending[uuid] = snap  # the latest snapshot of a new dossier wins
        if pending:
            self._insert_many(list(pending.values()), out)

    def _update(self, local: Any, snap: dict[str, Any], unsent: list[Any], out: PullOutcome, force: bool) -> None:
        uuid = local.uuid
        try:
            upstream_status = Status.from_national(int(snap.get("TrangThaiHoSo") or 0))
        except ValueError:
            out.skipped += 1
            return
        official = str(snap.get("MaHoSoChinhThuc") or "")[:60]
        if unsent and not force:
            base = _base_status(unsent, local.status)
            if upstream_status.value != base:
                self._mark_conflict(unsent[0].id, snap, local.code, upstream_status)
                out.conflicts += 1
                out.touched.add(uuid)
            if official and official != local.official_code:
                self._set_fields(local, {"official_code": official})
                out.updated += 1
            return
        changes: dict[str, Any] = {}
        if official and official != local.official_code:
            changes["official_code"] = official
        if upstream_status.value != local.status:
            changes["status"] = upstream_status.value
        ours = local.origin == "local" and local.counter_code == self.counter_code
        if not ours:
            changes.update(self._intake_fields(snap.get("HoSo") or {}, snap))
        self._merge_events(local.id, snap.get("TienDo") or [])
        if not ours and snap.get("HoSo"):
            self._replace_children(local.id, snap["HoSo"])
        if changes or local.sync_state != "synced":
            changes.update(sync_state="synced", sync_message="")
            self._set_fields(local, changes)
            out.updated += 1
        out.touched.add(uuid)

    # ------------------------------------------------------------------ helpers

    def _mark_conflict(self, item_id: int, snap: dict[str, Any], code: str, status: Status) -> None:
        message = (
            f"Hệ thống tỉnh đã đổi hồ sơ {code} sang «{status.label}» trong khi quầy còn thay đổi chưa gửi; "
            "cần cán bộ chọn giữ dữ liệu của quầy hay của tỉnh."
        )
        reply = {"status": "conflict", "message": message, "source": "pull", "upstream": snap}
        self.conn.execute(
            outbox.update()
            .where(outbox.c.id == item_id)
            .values(
                state=CONFLICT,
                last_error=message,
                server_reply=json.dumps(reply, ensure_ascii=False),
                next_attempt_at=None,
            )
        )

    def _set_fields(self, local: Any, changes: dict[str, Any]) -> None:
        values = dict(changes)
        if {
            "official_code",
            "applicant_name",
            "applicant_id_number",
            "applicant_phone",
            "applicant_address",
            "representative_json",
            "declaration_fold",
        } & values.keys():
            merged = SimpleNamespace(**(dict(local._mapping) | values))
            proc = (
                self.conn.execute(sa.select(procedure_t.c.name).where(procedure_t.c.id == merged.procedure_id)).scalar()
                or ""
            )
            values["search_fold"] = search_text(merged, proc)
        values["updated_at"] = self.now
        self.conn.execute(dossier_t.update().where(dossier_t.c.id == local.id).values(**values))

    def _intake_fields(self, hs: dict[str, Any], snap: dict[str, Any]) -> dict[str, Any]:
        applicant = person_from_wire(hs.get("ChuHoSoChiTiet"))
        name = (applicant.full_name if applicant else "") or str(hs.get("ChuHoSo") or "")
        id_number = applicant.id_number if applicant else ""
        if not id_number:
            for d in hs.get("DinhDanhCHS") or []:
                id_number = str(d.get("SoDinhDanh") or "")
                break
        rep = person_from_wire(hs.get("NguoiNopThay"))
        return {
            "applicant_name": name[:100],
            "applicant_fold": fold(name)[:100],
            "applicant_id_number": id_number[:12],
            "applicant_birth_date": applicant.birth_date if applicant else None,
            "applicant_gender": (applicant.gender if applicant else "")[:3],
            "applicant_address": (applicant.address if applicant else "")[:500],
            "applicant_phone": ((applicant.phone if applicant else "") or str(hs.get("SoDienThoai") or ""))[:20],
            "applicant_email": ((applicant.email if applicant else "") or str(hs.get("Email") or ""))[:200],
            "representative_json": person_to_json(rep),
            "authorisation_doc": str(hs.get("GiayUyQuyen") or "")[:500],
            "channel": CHANNELS.get(_int(hs.get("KenhThucHien"), 1), "paper"),
            "return_via": RETURN_VIA.get(_int(hs.get("HinhThuc"), 0), "counter"),
            "return_address": str(hs.get("DiaChiNhanKetQua") or "")[:500],
            "received_at": parse_wire_dt(hs.get("NgayTiepNhan")) or self.now,
            "due_at": parse_wire_dt(hs.get("NgayHenTra")),
            "due_reason": str(hs.get("LyDoHenTra") or "")[:1000],
            "officer": str(hs.get("NguoiTiepNhan") or "")[:50],
            "counter_code": str(snap.get("MaQuay") or "")[:2],
            "fee_total": sum(_int(f.get("Gia"), 0) for f in hs.get("DanhSachLePhi") or []),
            "sets_count": max(1, _int(hs.get("SoBo"), 1)),
            "lookup_key": str(hs.get("MaTraCuu") or "")[:8],
            "summary": str(hs.get("TrichYeuHoSo") or "")[:1000],
            "consent_recorded": bool(_int(hs.get("DongYXuLyDuLieu"), 0)),
            "has_eid_account": bool(_int(hs.get("TaiKhoanDuocXacThucVoiVNeID"), 0)),
            "declaration_fold": _declaration(hs)[1],
        }

    def _insert_many(self, snaps: list[dict[str, Any]], out: PullOutcome) -> None:
        codes = [str(s.get("MaHoSo") or (s.get("HoSo") or {}).get("MaHoSo") or "")[:60] for s in snaps]
        taken: set[str] = set()
        for chunk in _chunks(sorted(set(codes) - {""})):
            taken.update(
                r[0] for r in self.conn.execute(sa.select(dossier_t.c.code).where(dossier_t.c.code.in_(chunk)))
            )
        rows, kept = [], []
        for snap, code in zip(snaps, codes, strict=True):
            hs = snap.get("HoSo") or {}
            proc = self._procedure(str(hs.get("MaTTHC") or ""), hs.get("PhienBanTTHC"))
            try:
                status = Status.from_national(int(snap.get("TrangThaiHoSo") or 0))
            except ValueError:
                proc = None
            if proc is None or not code:
                out.skipped += 1
                out.messages.append(
                    f"Bỏ qua hồ sơ {code or '?'}: thủ tục {str(hs.get('MaTTHC'))[:40]} chưa có trong danh mục của quầy."
                )
                continue
            if code in taken:
                out.skipped += 1
                out.messages.append(f"Bỏ qua hồ sơ {code}: mã đã có ở quầy cho một hồ sơ khác.")
                continue
            taken.add(code)
            row = dict(
                self._intake_fields(hs, snap),
                uuid=snap["Uuid"],
                code=code,
                official_code=str(snap.get("MaHoSoChinhThuc") or "")[:60],
                procedure_id=proc[0],
                procedure_code=str(hs.get("MaTTHC"))[:40],
                status=status.value,
                citizen_id=None,
                book_volume="",
                book_number=None,
                origin="upstream",
                clock_paused_at=None,
                returned_at=None,
                collected_by="",
                collected_id_number="",
                sync_state="synced",
                sync_message="",
                row_version=1,
                updated_at=self.now,
            )
            row["search_fold"] = search_text(SimpleNamespace(**row), proc[1])
            rows.append(row)
            kept.append(snap)
        if not rows:
            return
        self.conn.execute(dossier_t.insert(), rows)
        ids: dict[str, int] = {}
        for chunk in _chunks([r["uuid"] for r in rows]):
            ids.update(
                self.conn.execute(sa.select(dossier_t.c.uuid, dossier_t.c.id).where(dossier_t.c.uuid.in_(chunk))).all()
            )
        docs: list[dict[str, Any]] = []
        fees: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        files: list[tuple[int, int, list[dict[str, Any]]]] = []
        for snap in kept:
            dossier_id = ids[snap["Uuid"]]
            hs = snap.get("HoSo") or {}
            docs += self._documents(dossier_id, hs)
            files += self._attachments(dossier_id, hs)
            fees += self._fees(dossier_id, hs)
            events += [
                dict(values, dossier_id=dossier_id, seq=seq)
                for seq, values in self._event_values(snap.get("TienDo") or [])
            ]
            out.touched.add(snap["Uuid"])
        declarations = [
            decl for snap in kept if (decl := self._declaration_row(ids[snap["Uuid"]], snap.get("HoSo") or {}))
        ]
        results = [r for snap in kept for r in self._result_files(ids[snap["Uuid"]], snap.get("HoSo") or {})]
        for table, values in (
            (document_t, docs),
            (payment_t, fees),
            (event_t, events),
            (declaration_t, declarations),
            (result_file_t, results),
        ):
            if values:
                self.conn.execute(table.insert(), values)
        self._insert_attachments(files)
        out.inserted += len(rows)

    def _replace_children(self, dossier_id: int, hs: dict[str, Any]) -> None:
        self.conn.execute(
            attachment_t.delete().where(
                attachment_t.c.document_id.in_(sa.select(document_t.c.id).where(document_t.c.dossier_id == dossier_id))
            )
        )
        self.conn.execute(document_t.delete().where(document_t.c.dossier_id == dossier_id))
        self.conn.execute(payment_t.delete().where(payment_t.c.dossier_id == dossier_id))
        self.conn.execute(declaration_t.delete().where(declaration_t.c.dossier_id == dossier_id))
        self.conn.execute(result_file_t.delete().where(result_file_t.c.dossier_id == dossier_id))
        results = self._result_files(dossier_id, hs)
        if results:
            self.conn.execute(result_file_t.insert(), results)
        declaration = self._declaration_row(dossier_id, hs)
        if declaration:
            self.conn.execute(declaration_t.insert(), [declaration])
        docs, fees = self._documents(dossier_id, hs), self._fees(dossier_id, hs)
        if docs:
            self.conn.execute(document_t.insert(), docs)
        if fees:
            self.conn.execute(payment_t.insert(), fees)
        self._insert_attachments(self._attachments(dossier_id, hs))

    def _declaration_row(self, dossier_id: int, hs: dict[str, Any]) -> dict[str, Any] | None:
        """The declaration (`ToKhai`) a pulled dossier carries, as a `dossier_declaration` row; None without one."""
        declaration = _declaration(hs)[0]
        if declaration is None:
            return None
        return {
            "dossier_id": dossier_id,
            "form_name": declaration.form,
            "form_version": declaration.version,
            "values_json": json.dumps(declaration.values, ensure_ascii=False),
            "title": declaration.title[:300],
            "persons_json": json.dumps(declaration.persons, ensure_ascii=False),
            "updated_at": self.now,
        }

    def _result_files(self, dossier_id: int, hs: dict[str, Any]) -> list[dict[str, Any]]:
        """`result_file` rows for the digitised result (`KetQuaSoHoa[]`) a pulled dossier lists; the bytes are
        fetched after the pull like a component's scans."""
        rows: list[dict[str, Any]] = []
        seen: set[str] = set()
        raw = hs.get("KetQuaSoHoa")
        for f in raw if isinstance(raw, list) else []:
            sha = str(f.get("Sha256") or "").lower() if isinstance(f, dict) else ""
            if not SHA256_RE.match(sha) or sha in seen:
                continue
            seen.add(sha)
            rows.append(
                {
                    "dossier_id": dossier_id,
                    "sha256": sha,
                    "file_name": clean(str(f.get("TenTep") or ""))[:255] or sha[:12],
                    "media_type": str(f.get("KieuTep") or "application/octet-stream")[:100],
                    "size": max(0, _int(f.get("KichThuoc"), 0)),
                    "officer": "",
                    "at": self.now,
                }
            )
        return rows

    @staticmethod
    def _attachments(dossier_id: int, hs: dict[str, Any]) -> list[tuple[int, int, list[dict[str, Any]]]]:
        """(dossier id, document position, attachment rows) for documents listing digitised files; the files
        themselves are fetched after the pull (`SyncService`), by SHA-256 only, never by the wire's name."""
        out = []
        for i, d in enumerate(hs.get("TaiLieuNop") or []):
            if not isinstance(d, dict) or not d.get("TepDinhKem"):
                continue
            rows = []
            for f in d.get("TepDinhKem") or []:
                sha = str(f.get("Sha256") or "").lower() if isinstance(f, dict) else ""
                if not SHA256_RE.match(sha):
                    continue
                rows.append(
                    {
                        "sha256": sha,
                        "file_name": clean(str(f.get("TenTep") or ""))[:255] or sha[:12],
                        "media_type": str(f.get("KieuTep") or "application/octet-stream")[:100],
                        "size": max(0, _int(f.get("KichThuoc"), 0)),
                    }
                )
            if rows:
                out.append((dossier_id, i, rows))
        return out

    def _insert_attachments(self, files: list[tuple[int, int, list[dict[str, Any]]]]) -> None:
        if not files:
            return
        doc_ids: dict[tuple[int, int], int] = {}
        for chunk in _chunks(sorted({dossier_id for dossier_id, _pos, _rows in files})):
            for r in self.conn.execute(
                sa.select(document_t.c.id, document_t.c.dossier_id, document_t.c.position).where(
                    document_t.c.dossier_id.in_(chunk)
                )
            ):
                doc_ids[(r.dossier_id, r.position)] = r.id
        values = [
            dict(row, document_id=doc_ids[(dossier_id, pos)])
            for dossier_id, pos, rows in files
            if (dossier_id, pos) in doc_ids
            for row in rows
        ]
        if values:
            self.conn.execute(attachment_t.insert(), values)

    @staticmethod
    def _documents(dossier_id: int, hs: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {
                "dossier_id": dossier_id,
                "position": i,
                "name": str(d.get("TenTaiLieu") or "")[:500] or "?",
                "kind": d.get("LoaiBan") if d.get("LoaiBan") in ("original", "copy", "present_only") else "original",
                "count": max(1, _int(d.get("SoLuong"), 1)),
            }
            for i, d in enumerate(hs.get("TaiLieuNop") or [])
            if isinstance(d, dict)
        ]

    @staticmethod
    def _fees(dossier_id: int, hs: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {
                "dossier_id": dossier_id,
                "label": str(f.get("TenPhiLePhi") or "Lệ phí")[:200],
                "amount_vnd": _int(f.get("Gia"), 0),
                "method": str(f.get("HinhThucThu") or "none")[:20],
                "exemption": str(f.get("MienGiam") or "")[:500],
                "paid_at": None,
            }
            for f in hs.get("DanhSachLePhi") or []
            if isinstance(f, dict)
        ]

    def _event_values(self, steps: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
        by_seq: dict[int, dict[str, Any]] = {}
        for step in steps:
            seq = _int(step.get("BuocSo"), 0)
            if seq > 0:
                by_seq[seq] = step
        out = []
        for seq, step in sorted(by_seq.items()):
            try:
                to_status = Status.from_national(_int(step.get("TrangThai"), 0)).value
                before = step.get("TrangThaiTruoc")
                from_status = Status.from_national(int(before)).value if before not in (None, "") else None
            except (ValueError, TypeError):
                continue
            out.append(
                (
                    seq,
                    {
                        "at": parse_wire_dt(step.get("ThoiDiemXuLy")) or self.now,
                        "from_status": from_status,
                        "to_status": to_status,
                        "officer": str(step.get("TenDangNhap") or step.get("NguoiXuLy") or "")[:50],
                        "reason": str(step.get("NoiDungXuLy") or "")[:2000],
                        "new_due": parse_wire_dt(step.get("NgayHenTraMoi")),
                        "note": str(step.get("GhiChu") or "")[:2000],
                        "origin": "upstream",
                    },
                )
            )
        return out

    def _merge_events(self, dossier_id: int, steps: list[dict[str, Any]]) -> None:
        values = self._event_values(steps)
        if not values:
            return
        existing: dict[int, str] = dict(
            self.conn.execute(
                sa.select(event_t.c.seq, event_t.c.to_status).where(event_t.c.dossier_id == dossier_id)
            ).all()
        )
        inserts = []
        for seq, v in values:
            if seq not in existing:
                inserts.append(dict(v, dossier_id=dossier_id, seq=seq))
            elif existing[seq] != v["to_status"]:
                self.conn.execute(
                    event_t.update().where(event_t.c.dossier_id == dossier_id, event_t.c.seq == seq).values(**v)
                )
        if inserts:
            self.conn.execute(event_t.insert(), inserts)


def _chunks(values: Sequence[_V], size: int = 500) -> list[list[_V]]:
    return [list(values[i : i + size]) for i in range(0, len(values), size)]


def _base_status(unsent: list[Any], local_status: str) -> str:
    """The status upstream should still have if nothing diverged: where the first unsent step starts from."""
    for item in unsent:
        if item.kind == "dossier.event":
            try:
                before = json.loads(item.payload).get("TrangThaiTruoc")
                return Status.from_national(int(before)).value if before is not None else local_status
            except (ValueError, TypeError):
                return local_status
    return local_status


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _declaration(hs: dict[str, Any]) -> tuple[Any, str]:
    """(Declaration or None, folded persons) from a payload's `ToKhai` (docs/sync-protocol.md)."""
    from onestop.declarations.service import from_wire

    found = from_wire(hs.get("ToKhai"))
    return found if found is not None else (None, "")
