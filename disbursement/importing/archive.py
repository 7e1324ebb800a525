"""Checks on the raw file before openpyxl reads it.

An .xlsx is a zip archive. Its declared sizes can lie, so every member is
decompressed in chunks and counted, stopping as soon as the limit is passed
(a zip bomb never gets expanded in memory). The same pass counts rows and
notices formulas, so the caller gets both for the price of one read.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings

from disbursement.importing.issues import IssueList

CHUNK = 1 << 16
_ROW_TAGS = (b"<row ", b"<row>")
_FORMULA_TAGS = (b"<f>", b"<f ")


@dataclass
class ArchiveInfo:
    rows_total: int
    has_formulas: bool
    uncompressed_bytes: int


class _Counter:
    """Counts a pattern across chunk boundaries."""

    def __init__(self, patterns: tuple[bytes, ...]):
        self.patterns = patterns
        self.tail = b""
        self.count = 0

    def feed(self, chunk: bytes) -> None:
        data = self.tail + chunk
        self.count += sum(data.count(p) for p in self.patterns)
        keep = max(len(p) for p in self.patterns) - 1
        self.tail = data[-keep:]


def inspect_archive(data: bytes, file_name: str, issues: IssueList) -> ArchiveInfo | None:
    """Refuse oversized, macro-bearing, corrupt or bomb files; None when refused."""
    if len(data) > settings.IMPORT_MAX_FILE_BYTES:
        issues.error(
            "file_too_large",
            f"Tệp lớn {len(data):,} byte, vượt giới hạn {settings.IMPORT_MAX_FILE_BYTES:,} byte.".replace(",", "."),
        )
        return None
    lower = file_name.lower()
    if lower.endswith((".xlsm", ".xltm", ".xlsb")):
        issues.error("macro_refused", "Không nhận tệp có macro (.xlsm, .xlsb). Hãy lưu lại dưới dạng .xlsx.")
        return None
    if lower.endswith(".xls"):
        issues.error("old_format", "Không đọc được tệp .xls (Excel 97-2003). Hãy lưu lại dưới dạng .xlsx.")
        return None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        issues.error("corrupt_file", "Tệp không phải là tệp Excel .xlsx hợp lệ (có thể bị hỏng hoặc sai định dạng).")
        return None
    limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    total = 0
    rows = _Counter(_ROW_TAGS)
    formulas = _Counter(_FORMULA_TAGS)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                issues.error(
                    "macro_refused", "Tệp chứa macro (vbaProject.bin): không nhận. Hãy lưu lại dưới dạng .xlsx."
                )
                return None
            if "xl/workbook.xml" not in names:
                issues.error("corrupt_file", "Tệp không có cấu trúc bảng tính Excel (thiếu xl/workbook.xml).")
                return None
            declared = sum(info.file_size for info in archive.infolist())
            if declared > limit:
                issues.error("too_large_uncompressed", _bomb_message(declared, limit))
                return None
            for info in archive.infolist():
                is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
                with archive.open(info) as member:
                    while chunk := member.read(CHUNK):
                        total += len(chunk)
                        if total > limit:
                            issues.error("too_large_uncompressed", _bomb_message(total, limit))
                            return None
                        if is_sheet:
                            rows.feed(chunk)
                            formulas.feed(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError) as exc:
        issues.error("corrupt_file", f"Tệp bị hỏng, không giải nén được ({exc}).")
        return None
    return ArchiveInfo(rows_total=rows.count, has_formulas=formulas.count > 0, uncompressed_bytes=total)


def _bomb_message(size: int, limit: int) -> str:
    return (
        f"Dung lượng sau giải nén vượt giới hạn ({size // 1_000_000} MB > {limit // 1_000_000} MB): "
        "tệp bất thường, không đọc."
    )
