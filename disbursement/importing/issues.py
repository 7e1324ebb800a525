"""Problems found in an uploaded workbook, located by file, sheet, row and column."""

from __future__ import annotations

from dataclasses import asdict, dataclass

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

    def to_dict(self) -> dict:
        return asdict(self)

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
    """Errors and warnings collected for one file."""

    def __init__(self, file_name: str):
        self.file = file_name
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []

    def _make(self, code: str, message: str, sheet, row, column) -> Issue:
        return Issue(self.file, sheet, row, column, cell_ref(row, column), code, message)

    def error(self, code: str, message: str, *, sheet=None, row=None, column=None) -> Issue:
        issue = self._make(code, message, sheet, row, column)
        self.errors.append(issue)
        return issue

    def warning(self, code: str, message: str, *, sheet=None, row=None, column=None) -> Issue:
        issue = self._make(code, message, sheet, row, column)
        self.warnings.append(issue)
        return issue
