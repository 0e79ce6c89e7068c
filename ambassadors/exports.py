"""Report exports. Rows come from the report function; this module only formats them."""

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Make a cell safe for spreadsheets: text that could start a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


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
