"""Digitisation and reuse, counted (QĐ 766 'Số hóa hồ sơ'; BRIEF §11.3, §8).

* A document component is *digitised* when a scanned file is attached to it (intake already stores those).
* A component is *reused* when, instead of a new paper, the citizen's earlier digitised component of the same name is
  taken over: its files are linked to the new component and the source dossier is recorded (`DocumentReuse`).
* A *digitised result* (số hóa kết quả) is a file attached when the result is ready (`ResultFile`).
Each change is audited and queues a newer `dossier.upsert` (fields `TaiLieuNop[].TaiSuDung`, `KetQuaSoHoa`).
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db import models
from db.engine import session_scope
from onestop.config import Settings
from onestop.domain import Attachment, Dossier, now_vn
from onestop.errors import BadInput, Conflict
from onestop.services.audit import record
from onestop.services.records import enqueue, find_row, to_domain
from onestop.sync.payload import dossier_payload
from onestop.sync.protocol import MAX_FILE_BYTES
from onestop.text import clean

_RESULT_STATES = ("in_progress", "financial", "result_ready", "returned")
_NOT_REUSABLE_STATES = ("rejected", "withdrawn")


@dataclass(frozen=True)
class Reusable:
    """An earlier digitised component of a citizen that a new dossier may reuse."""

    dossier_code: str
    document_name: str
    files: tuple[Attachment, ...]


def newest_scan(folder: str) -> Path | None:
    """The most recently modified regular file of the scanner folder (None when unset, empty or unreadable)."""
    if not folder:
        return None
    try:
        entries = [e for e in os.scandir(folder) if e.is_file() and not e.name.startswith(".")]
    except OSError:
        return None
    return Path(max(entries, key=lambda e: e.stat().st_mtime).path) if entries else None


def _check_file(path: Path) -> int:
    """The size of a readable regular file that may be a digitised result; BadInput (Vietnamese) otherwise."""
    try:
        st = path.stat()
    except OSError:
        raise BadInput(f"Không tìm thấy tệp «{path.name or path}».", field="file") from None
    if not path.is_file():
        raise BadInput(f"«{path.name}» không phải là một tệp.", field="file")
    if st.st_size == 0:
        raise BadInput(f"Tệp «{path.name}» rỗng (0 byte): cần quét lại kết quả.", field="file")
    if st.st_size > MAX_FILE_BYTES:
        raise BadInput(
            f"Tệp «{path.name}» quá lớn ({st.st_size // (1024 * 1024)} MB; tối đa "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB, như hệ thống tỉnh nhận).",
            field="file",
        )
    return st.st_size


def _store(files_dir: Path, path: Path) -> models.ResultFile:
    """Copy the file into the content-addressed store beside the database (idempotent) and describe it."""
    _check_file(path)
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
                size += len(chunk)
    except OSError:
        raise BadInput(f"Không đọc được tệp «{path.name}».", field="file") from None
    if size > MAX_FILE_BYTES:  # grew while being read
        raise BadInput(f"Tệp «{path.name}» quá lớn.", field="file")
    sha = digest.hexdigest()
    target = files_dir / sha[:2] / sha
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = target.parent / f".{sha}.{os.getpid()}.part"
        try:
            shutil.copyfile(path, tmp)
            os.chmod(tmp, 0o600)
            with tmp.open("rb") as fh:
                os.fsync(fh.fileno())
            if hashlib.sha256(tmp.read_bytes()).hexdigest() != sha:
                raise BadInput(f"Tệp «{path.name}» đang bị thay đổi trong lúc chép; thử lại.", field="file")
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return models.ResultFile(
        dossier_id=0,
        sha256=sha,
        file_name=clean(path.name)[:255] or sha[:12],
        media_type=media,
        size=size,
        officer="",
        at=now_vn(),
    )


class DigitisationService:
    """Result files and reuse of earlier digitised papers."""

    def __init__(self, engine: Engine, settings: Settings, files_dir: Path) -> None:
        self.engine = engine
        self.settings = settings
        self.files_dir = files_dir

    def _queue(self, s: Session, row: models.Dossier) -> Dossier:
        row.row_version = (row.row_version or 1) + 1
        s.add(row)
        s.flush()
        dossier = to_domain(s, row)
        enqueue(
            s,
            "dossier.upsert",
            row,
            dossier_payload(dossier, self.settings.office, row_version=row.row_version),
            key=f"dossier:{row.uuid}:v{row.row_version}",
        )
        return dossier

    def attach_result(self, code: str, path: Path, *, actor: str) -> Dossier:
        """Attach a scanned file of the result of dossier `code` (số hóa kết quả): while in processing, ready or
        returned. Audited; queues a newer `dossier.upsert` listing it in `KetQuaSoHoa` (its bytes go up first).
        The same file twice is refused (nothing written)."""
        path = Path(path)
        _check_file(path)
        with session_scope(self.engine) as s:  # refuse before copying anything
            row = find_row(s, code)
            if row.status not in _RESULT_STATES:
                raise Conflict(
                    f"Hồ sơ {row.code} chưa có kết quả để số hóa: chỉ số hóa kết quả khi hồ sơ đang xử lý, "
                    "đã có kết quả hoặc đã trả."
                )
        stored = _store(self.files_dir, path)
        with session_scope(self.engine, write=True) as s:
            row = find_row(s, code)
            if row.status not in _RESULT_STATES:
                raise Conflict(f"Hồ sơ {row.code} vừa đổi trạng thái; không số hóa kết quả được nữa.")
            assert row.id is not None  # a stored dossier
            same = s.exec(
                select(models.ResultFile).where(
                    models.ResultFile.dossier_id == row.id, models.ResultFile.sha256 == stored.sha256
                )
            ).first()
            if same is not None:
                raise Conflict(f"Tệp này đã được gắn vào kết quả của hồ sơ {row.code} (tên «{same.file_name}»).")
            stored.dossier_id, stored.officer = row.id, actor
            s.add(stored)
            record(s, actor, "dossier.result_file", row.code, f"{stored.file_name} {stored.sha256[:12]}")
            return self._queue(s, row)

    def reusable(self, id_number: str, *, exclude_code: str = "") -> list[Reusable]:
        """The citizen's earlier digitised components still valid for reuse, newest first (one per document name).

        Not offered: papers of a dossier that was refused or withdrawn (the paper was not accepted or was taken
        back), papers past their validity (`onestop/data/paper_validity.toml`, counted from the earlier dossier's
        reception) and papers whose scanned files are no longer in the file store.
        """
        from onestop.paper_validity import expired

        now = now_vn()
        id_number = clean(id_number)
        if not id_number:
            return []
        out: dict[str, Reusable] = {}
        with session_scope(self.engine) as s:
            rows = s.exec(
                select(models.Dossier)
                .where(
                    models.Dossier.applicant_id_number == id_number,
                    models.Dossier.code != exclude_code,
                    col(models.Dossier.status).not_in(_NOT_REUSABLE_STATES),
                )
                .order_by(col(models.Dossier.received_at).desc())
            ).all()
            for row in rows:
                for doc in s.exec(select(models.DossierDocument).where(models.DossierDocument.dossier_id == row.id)):
                    if doc.name in out or expired(doc.name, row.received_at, now):
                        continue
                    files = tuple(
                        Attachment(a.sha256, a.file_name, a.media_type, a.size)
                        for a in s.exec(select(models.Attachment).where(models.Attachment.document_id == doc.id))
                    )
                    if files and all((self.files_dir / f.sha256[:2] / f.sha256).is_file() for f in files):
                        out[doc.name] = Reusable(row.code, doc.name, files)
        return list(out.values())

    def reuse(self, code: str, position: int, source_code: str, *, actor: str) -> Dossier:
        """Component `position` (1-based) of `code` reuses the same-named digitised component of `source_code`."""
        with session_scope(self.engine, write=True) as s:
            row = find_row(s, code)
            source = find_row(s, source_code)
            if source.id == row.id:
                raise BadInput("Không thể tái sử dụng giấy tờ của chính hồ sơ này.", field="from")
            if source.applicant_id_number != row.applicant_id_number or not row.applicant_id_number:
                raise Conflict("Chỉ tái sử dụng giấy tờ đã số hóa của cùng một công dân.")
            docs = s.exec(
                select(models.DossierDocument)
                .where(models.DossierDocument.dossier_id == row.id)
                .order_by(col(models.DossierDocument.position))
            ).all()
            if not 1 <= position <= len(docs):
                raise BadInput(f"Hồ sơ có {len(docs)} thành phần; chọn số từ 1 đến {len(docs)}.", field="document")
            doc = docs[position - 1]
            assert doc.id is not None  # a stored component
            src_doc = s.exec(
                select(models.DossierDocument).where(
                    models.DossierDocument.dossier_id == source.id, models.DossierDocument.name == doc.name
                )
            ).first()
            files = (
                s.exec(select(models.Attachment).where(models.Attachment.document_id == src_doc.id)).all()
                if src_doc
                else []
            )
            if src_doc is None or not files:
                raise Conflict(f"Hồ sơ {source.code} không có «{doc.name}» đã số hóa để tái sử dụng.")
            if source.status in _NOT_REUSABLE_STATES:
                raise Conflict(f"Hồ sơ {source.code} đã bị từ chối hoặc rút: không tái sử dụng giấy tờ của hồ sơ này.")
            from onestop.paper_validity import expired

            if expired(doc.name, source.received_at, now_vn()):
                raise Conflict(f"«{doc.name[:60]}» nộp ở hồ sơ {source.code} đã hết thời hạn sử dụng: cần giấy mới.")
            have = {a.sha256 for a in s.exec(select(models.Attachment).where(models.Attachment.document_id == doc.id))}
            for a in files:
                if a.sha256 not in have:
                    s.add(
                        models.Attachment(
                            document_id=doc.id,
                            sha256=a.sha256,
                            file_name=a.file_name,
                            media_type=a.media_type,
                            size=a.size,
                        )
                    )
            link = s.get(models.DocumentReuse, doc.id) or models.DocumentReuse(document_id=doc.id)
            link.source_document_id, link.source_dossier_code = src_doc.id, source.code
            s.add(link)
            record(s, actor, "dossier.reuse", row.code, f"thành phần {position} từ {source.code}")
            return self._queue(s, row)
