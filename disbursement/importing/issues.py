"""Problems found in an uploaded workbook, located by file, sheet, row and column."""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    file: str
    sheet: str | None
    row: int | None
    column: int | None
    cell: str | None
    code: str
    message: str
    # What a person needs to act on the issue in the preview (an unknown name's level and closest
    # units); read by the job, not part of the stored message.
    detail: dict | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def key(self) -> str:
        """Stable across previews of the same file: what a person confirms one by one."""
        return f"{self.code}:{self.sheet or ''}:{self.cell or self.row or ''}"

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "code": self.code,
            "message": self.message,
            "key": self.key,
        }

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"trang '{self.sheet}'")
        if self.cell:
            where.append(f"ô {self.cell}")
        elif self.row:
            where.append(f"dòng {self.row}")
        return f"{', '.join(where)}: {self.message}"


def cell_ref(row: int | None, column: int | None) -> str | None:
    if row and column:
        return f"{get_column_letter(column)}{row}"
    return None


class IssueList:
    """Errors, warnings and checks to confirm one by one, collected for one file.

    A warning is accepted with the whole preview; a check to confirm (a figure
    that is implausible, not impossible) blocks the import until a person has
    confirmed that very item, by its key.
    """

    def __init__(self, file_name: str):
        self.file = file_name
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self.to_confirm: list[Issue] = []

    def _make(self, code: str, message: str, sheet, row, column, detail: dict | None = None) -> Issue:
        return Issue(self.file, sheet, row, column, cell_ref(row, column), code, message, detail)

    def error(self, code: str, message: str, *, sheet=None, row=None, column=None, detail=None) -> Issue:
        issue = self._make(code, message, sheet, row, column, detail)
        self.errors.append(issue)
        return issue

    def warning(self, code: str, message: str, *, sheet=None, row=None, column=None) -> Issue:
        issue = self._make(code, message, sheet, row, column)
        self.warnings.append(issue)
        return issue

    def confirm(self, code: str, message: str, *, sheet=None, row=None, column=None) -> Issue:
        issue = self._make(code, message, sheet, row, column)
        self.to_confirm.append(issue)
        return issue

    def unconfirmed(self, accepted: set[str] | frozenset[str]) -> list[Issue]:
        return [issue for issue in self.to_confirm if issue.key not in accepted]
