"""The one .xlsx writer of every export (lists, rosters, reports, payment lists).

Text is always written as text: a cell whose text begins with ``= + - @`` or a tab/CR (what a
spreadsheet would run as a formula, "CSV/formula injection") is written as a string with a
quote prefix, so Excel and LibreOffice show it and never evaluate it.

``sheet_bytes(title, headers, rows)``  one plain sheet (frozen header, autofilter, totals row)
``Book``                               several sheets or a report layout (titles, merged headers,
                                       borders, number formats: ``FORMATS``)
``xlsx_response(data, filename)``      the download response
"""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=XLSX)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    resp["Cache-Control"] = "private, no-store"
    return resp


def risky(text: str) -> bool:
    """Would a spreadsheet treat this text as a formula?"""
    return bool(text) and text.startswith(FORMULA_START)


# Cell formats by name. Each also exists quoted (``quote_prefix``), used automatically for text
# a spreadsheet would run as a formula, so a risky value keeps its borders and weight.
_BORDER = {"border": 1}
FORMATS: dict[str, dict] = {
    "header": {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True},
    "bold": {"bold": True},
    "head": {"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True},
    "title": {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"},
    "subtitle": {"align": "center", "valign": "vcenter"},
    "center": {"align": "center", "valign": "vcenter"},
    "cell": _BORDER,
    "cell_bold": {**_BORDER, "bold": True},
    "percent": {**_BORDER, "num_format": "0.00%"},
    "percent_bold": {**_BORDER, "bold": True, "num_format": "0.00%"},
    "amount": {**_BORDER, "num_format": "#,##0.00"},
    "amount_bold": {**_BORDER, "bold": True, "num_format": "#,##0.00"},
    "text": {"num_format": "@"},
    "required_header": {"bold": True, "bg_color": "#FFF2CC"},
}


class Sheet:
    """One worksheet; ``write`` picks the cell type from the value. Rows and columns count from 0."""

    def __init__(self, book: Book, title: str):
        self.book = book
        self.ws = book.wb.add_worksheet(_sheet_title(title, book))
        self.row = 0

    def write(self, row: int, col: int, value, fmt: str | None = None) -> None:
        f = self.book.format(fmt)
        if value is None or value == "":
            self.ws.write_blank(row, col, None, f)
        elif isinstance(value, bool):
            self.ws.write_string(row, col, "是" if value else "否", f)
        elif isinstance(value, int | float | Decimal):
            self.ws.write_number(row, col, float(value), f)
        elif isinstance(value, dt.datetime):
            self.ws.write_string(row, col, value.strftime("%Y-%m-%d %H:%M"), f)
        elif isinstance(value, dt.date):
            self.ws.write_string(row, col, value.isoformat(), f)
        else:
            text = str(value)
            self.ws.write_string(row, col, text, self.book.format(fmt, quoted=True) if risky(text) else f)

    def append(self, values, fmt: str | None = None) -> int:
        for col, value in enumerate(values):
            self.write(self.row, col, value, fmt)
        self.row += 1
        return self.row - 1

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int, value, fmt: str = "head") -> None:
        """A merged range (borders of ``fmt`` on every cell) holding ``value`` (written by ``write``)."""
        if first_row == last_row and first_col == last_col:
            self.write(first_row, first_col, value, fmt)
            return
        self.ws.merge_range(first_row, first_col, last_row, last_col, "", self.book.format(fmt))
        self.write(first_row, first_col, value, fmt)

    def widths(self, widths) -> None:
        for col, w in enumerate(widths):
            self.ws.set_column(col, col, w)

    def freeze(self, row: int, col: int = 0) -> None:
        """Rows above ``row`` and columns left of ``col`` stay in view."""
        self.ws.freeze_panes(row, col)

    def hide(self) -> None:
        self.ws.hide()

    def comment(self, row: int, col: int, text: str, author: str = "调解平台") -> None:
        self.ws.write_comment(row, col, text, {"author": author})

    def text_column(self, col: int, first_row: int, last_row: int, width: float | None = None) -> None:
        """Cells formatted as text (long numbers such as ID numbers keep every digit when typed)."""
        fmt = self.book.format("text")
        self.ws.set_column(col, col, width, fmt)
        for r in range(first_row, last_row + 1):
            self.ws.write_blank(r, col, None, fmt)

    def choices(self, col: int, first_row: int, last_row: int, source: str, *, allow_blank: bool = True) -> None:
        """A drop-down list for a column; ``source`` is a range such as ``选项!$A$1:$A$5``."""
        self.ws.data_validation(first_row, col, last_row, col, {
            "validate": "list", "source": "=" + source, "ignore_blank": allow_blank,
            "error_title": "无效的值", "error_message": "请从下拉列表中选择"})

    def table(self, headers, rows, widths=None, total_row=None) -> None:
        """A header row (frozen, with autofilter), the rows and an optional totals row."""
        start = self.row
        self.append(headers, "header")
        self.widths(widths or [14] * len(headers))
        for values in rows:
            self.append(values)
        last = self.row - 1
        if total_row is not None:
            self.append(total_row, "bold")
        self.freeze(start + 1, 0)
        self.ws.autofilter(start, 0, max(last, start + 1), len(headers) - 1)


class Book:
    def __init__(self):
        import xlsxwriter

        self.buf = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buf, {"in_memory": True, "strings_to_formulas": False,
                                                 "strings_to_urls": False, "strings_to_numbers": False})
        self._formats: dict = {}
        self.titles: set[str] = set()

    def format(self, name: str | None, quoted: bool = False):
        """The named format of ``FORMATS`` (None: the default), made once per workbook."""
        key = (name, quoted)
        if key not in self._formats:
            spec = dict(FORMATS[name]) if name else {}
            if quoted:
                spec["quote_prefix"] = True
            self._formats[key] = self.wb.add_format(spec) if spec else None
        return self._formats[key]

    def sheet(self, title: str) -> Sheet:
        return Sheet(self, title)

    def bytes(self) -> bytes:
        self.wb.close()
        return self.buf.getvalue()


def _sheet_title(title: str, book: Book) -> str:
    clean = "".join("_" if c in "[]:*?/\\" else c for c in title)[:31] or "Sheet"
    base, n = clean, 2
    while clean in book.titles:
        suffix = f"({n})"
        clean = base[: 31 - len(suffix)] + suffix
        n += 1
    book.titles.add(clean)
    return clean


def sheet_bytes(title: str, headers, rows, widths=None, total_row=None) -> bytes:
    """A one-sheet workbook of ``headers`` and ``rows`` (an iterable of value sequences)."""
    book = Book()
    book.sheet(title).table(headers, rows, widths=widths, total_row=total_row)
    return book.bytes()
