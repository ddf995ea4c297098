"""A plain one-sheet .xlsx (header row, frozen, autofilter) for list exports, and its response."""
import io
from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=XLSX)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


def sheet_bytes(title: str, headers, rows, widths=None, total_row=None) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(title[:31])
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    for col, header in enumerate(headers):
        ws.write_string(0, col, header, bold)
        ws.set_column(col, col, (widths[col] if widths else 14))
    r = 0
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, int | float) and not isinstance(value, bool):
                ws.write_number(r, col, value)
            elif value is None:
                ws.write_blank(r, col, None)
            else:
                ws.write_string(r, col, str(value))
    if total_row is not None:
        r += 1
        for col, value in enumerate(total_row):
            if isinstance(value, int | float):
                ws.write_number(r, col, value, bold)
            elif value:
                ws.write_string(r, col, str(value), bold)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(r, 1), len(headers) - 1)
    wb.close()
    return buf.getvalue()
