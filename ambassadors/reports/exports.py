"""Report exports as CSV and XLSX. Rows come from the report functions; this module only
formats them.

Both formats stream with flat memory: CSV line by line as the database cursor is read;
XLSX through XlsxWriter's ``constant_memory`` mode (each row is flushed to a temporary file
as soon as it is written), then the finished file is streamed from disk in blocks.
"""

import csv
import re
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from ambassadors.reports.course import Table

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


# A ";" or a line break inside a cell followed (after spaces or quotes) by what starts a
# formula: Excel set up for French, Spanish, Portuguese or Italian splits CSV files at ";", so
# "Semi;=1+1" would become a cell "=1+1" there (and a line break a new row).
_FORMULA_AFTER_SEPARATOR = re.compile(r"[;\r\n](?=[\s\"]*[=+\-@])")


def neutralise(value):
    """Make a CSV cell safe for spreadsheets, whether they split at "," or at ";": text that
    could start a formula gets a leading quote, and so does what follows a ";" or a line break
    inside it.
    (XLSX cells are written as typed strings instead, which are never evaluated.)"""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_PREFIXES):
        value = "'" + value
    return _FORMULA_AFTER_SEPARATOR.sub(lambda match: match.group() + "'", value)


def plain(value):
    """A cell value as it should appear in a CSV file."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return neutralise(value)


class _Echo:
    """A file-like object whose write() returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def csv_lines(headers: list[str], rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # BOM, so spreadsheet programs read UTF-8 names correctly
    yield writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        yield writer.writerow([plain(v) for v in row])


def csv_response(filename: str, headers: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(headers, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def write_xlsx(output, tables: list[Table]) -> None:
    """Write ``tables`` as the sheets of an XLSX workbook into ``output`` (a binary file).

    Text is always written as a string cell (``write_string``), so a value starting with
    ``=``, ``+``, ``-`` or ``@`` is shown as text and never evaluated as a formula.
    """
    workbook = xlsxwriter.Workbook(
        output,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    header = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    decimal_format = workbook.add_format({"num_format": "0.00"})
    used: set[str] = set()
    for table in tables:
        sheet = workbook.add_worksheet(_sheet_name(str(table.name), used))
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, max(1, len(table.headers) - 1), 16)
        sheet.freeze_panes(1, 0)
        for col, title in enumerate(table.headers):
            sheet.write_string(0, col, str(title), header)
        for row_number, row in enumerate(table.rows, start=1):
            for col, value in enumerate(row):
                _write_cell(
                    sheet, row_number, col, value, date_format, datetime_format, decimal_format
                )
    workbook.close()


def _write_cell(sheet, row, col, value, date_format, datetime_format, decimal_format) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        sheet.write_datetime(row, col, local.replace(tzinfo=None), datetime_format)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), date_format)
    elif isinstance(value, Decimal):
        sheet.write_number(row, col, float(value), decimal_format)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, str(value))


def xlsx_response(filename: str, tables: list[Table]) -> FileResponse:
    """The workbook, built in a temporary file on disk and streamed from it in blocks."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it
    try:
        write_xlsx(output, tables)
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return FileResponse(
        output, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


def export_response(
    export_format: str, stem: str, tables: list[Table], table_key: str = ""
) -> StreamingHttpResponse | FileResponse:
    """The report as a file. XLSX holds every table as a sheet; CSV holds one table: the
    one named by ``table_key`` (the first when empty or unknown)."""
    if export_format == "xlsx":
        return xlsx_response(f"{stem}.xlsx", tables)
    table = next((t for t in tables if t.key == table_key), tables[0])
    suffix = f"-{table.key}" if len(tables) > 1 else ""
    return csv_response(f"{stem}{suffix}.csv", table.headers, table.rows)
