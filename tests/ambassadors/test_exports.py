import io
import tracemalloc
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from ambassadors.reports.course import Table
from ambassadors.reports.exports import csv_lines, write_xlsx


def _rows(n):
    for i in range(n):
        yield [f"Person {i}", "=1+1", i, Decimal("87.50"), date(2026, 3, 1), None]


def test_write_xlsx_keeps_types_and_never_writes_formulas():
    output = io.BytesIO()
    moment = timezone.make_aware(datetime(2026, 3, 1, 9, 30))
    write_xlsx(
        output,
        [
            Table("a", "Sheet/with:odd*chars", ["Name", "Formula"], [["@SUM(A1)", "-2+3"]]),
            Table(
                "b",
                "Data",
                ["n", "d", "date", "when"],
                [[3, Decimal("1.25"), date(2026, 1, 2), moment]],
            ),
        ],
    )
    workbook = openpyxl.load_workbook(io.BytesIO(output.getvalue()))
    first, second = workbook.worksheets
    assert first.title == "Sheet with odd chars"
    assert [c.value for c in first[2]] == ["@SUM(A1)", "-2+3"]
    assert {c.data_type for c in first[2]} == {"s"}
    assert [c.value for c in second[2]] == [
        3,
        1.25,
        datetime(2026, 1, 2),
        datetime(2026, 3, 1, 9, 30),
    ]


def test_csv_neutralises_formula_prefixes():
    text = "".join(csv_lines(["h"], [["=1"], ["+1"], ["-1"], ["@x"], ["ok"], [-1]]))
    assert text.splitlines()[1:] == ["'=1", "'+1", "'-1", "'@x", "ok", "-1"]


def _peak_kib(rows: int) -> float:
    tracemalloc.start()
    write_xlsx(io.BytesIO(), [Table("t", "T", ["a", "b", "c", "d", "e", "f"], _rows(rows))])
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024


@pytest.mark.timeout(120)
def test_write_xlsx_memory_stays_flat_as_rows_grow():
    # The compressed file itself grows (it is written to BytesIO here), so allow for it;
    # without constant_memory, 20,000 rows hold every cell object and use many MiB more.
    small, large = _peak_kib(2_000), _peak_kib(20_000)
    assert large < small + 2_048, (small, large)


def test_csv_cells_stay_whole_in_a_spreadsheet_that_splits_at_semicolons():
    """Excel configured for French, Spanish, Portuguese or Italian reads CSV files with ";" as
    the separator: "Semi;=1+1" once became a cell "=1+1" there."""
    import csv

    text = "".join(csv_lines(["Name", "Note"], [["Semi;=1+1", "a; @SUM(A1)"], ["x;-2", 3]]))
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    cells = [cell.strip() for row in rows for cell in row]
    assert "Semi" in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))], cells
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[1] == ["Semi;'=1+1", "a;' @SUM(A1)"]
