"""Reading a staff file (CSV or XLSX) into ``ImportRow`` objects; step 1 of the staff import
(see ambassadors.people.imports). Nothing here touches the database."""

import csv
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from dianova_training.bidi import without_bidi_controls

# Column names accepted in the first row (compared lower-case, without spaces around).
HEADERS = {
    "name": {"name", "full name", "nom", "nombre", "nome", "nom complet", "nome completo"},
    "email": {"email", "e-mail", "mail", "courriel", "correo", "correo electrónico"},
    "organisation": {
        "organisation",
        "organization",
        "org",
        "organização",
        "organización",
        "organizzazione",
    },
    "language": {"language", "langue", "idioma", "lingua", "língua"},
}


REQUIRED = ("name", "email", "organisation")


# Language names accepted besides the codes (English and native names).
LANGUAGE_NAMES = {
    "english": "en",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
    "portuguese": "pt",
    "português": "pt",
    "portugues": "pt",
    "italian": "it",
    "italiano": "it",
}


# An XLSX file is a zip: refuse one that would unpack to more than this (a "zip bomb"). A file
# of STAFF_IMPORT_MAX_ROWS people unpacks to about 2 MB.
MAX_XLSX_UNPACKED_BYTES = 10 * 1024 * 1024
# Longer than any real name, address or organisation (an e-mail has at most 254 characters).
# Longer cells are cut as they are read, so that neither memory, the session nor the preview
# ever holds more; the mark left at the cut makes the row fail its checks ("too long").
MAX_CELL_CHARS = 300
CUT_MARK = "…"


def cap(value: str) -> str:
    """``value`` cut to MAX_CELL_CHARS, with CUT_MARK where it was cut."""
    return value if len(value) <= MAX_CELL_CHARS else value[:MAX_CELL_CHARS] + CUT_MARK


def excerpt(value: str, limit: int = 40) -> str:
    """The start of a value quoted in an error message: never the whole of a long one."""
    return value if len(value) <= limit else value[:limit] + CUT_MARK


class ImportFileError(Exception):
    """The file cannot be read at all; ``str(error)`` is the message for the user."""


@dataclass(frozen=True)
class ImportRow:
    line: int  # as a spreadsheet numbers it: the header is line 1
    name: str
    email: str
    organisation: str
    language: str


@dataclass
class StaffFile:
    rows: list[ImportRow]
    notices: list[str] = field(default_factory=list)  # e.g. "read as Windows-1252"


def read_staff_file(*, name: str, content: bytes) -> StaffFile:
    """The rows of an uploaded CSV or XLSX file. Raises ImportFileError with a message."""
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    lower = name.lower()
    if content.startswith(b"PK\x03\x04") or lower.endswith((".xlsx", ".xlsm")):
        return StaffFile(rows=_rows_from_table(_xlsx_table(content)))
    if lower.endswith(".xls") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("Old Excel files (.xls) cannot be read; save the file as XLSX or CSV.")
        )
    text, notices = _decode(content)
    return StaffFile(rows=_rows_from_table(_csv_table(text)), notices=notices)


def _decode(content: bytes) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; otherwise Windows-1252, then Latin-1."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), []
        except UnicodeDecodeError:
            raise ImportFileError(_("The file could not be read as UTF-16 text.")) from None
    if b"\x00" in content:
        raise ImportFileError(
            _("This does not look like a CSV file. Save it as “CSV UTF-8” or as XLSX.")
        )
    try:
        return content.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    for encoding, label in (("cp1252", "Windows-1252"), ("latin-1", "ISO-8859-1")):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        notice = _(
            "The file is not in UTF-8; it was read as %(encoding)s. Check that accented "
            "names look right below, or save the file as “CSV UTF-8”."
        ) % {"encoding": label}
        return text, [notice]
    raise ImportFileError(
        _("The file's text encoding could not be recognised.")
    )  # pragma: no cover


def _csv_table(text: str) -> list[list[str]]:
    first_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    table = []
    try:
        for row in reader:
            table.append([cap(value) for value in row])
            if len(table) > settings.STAFF_IMPORT_MAX_ROWS + 1:
                raise _too_many_rows()
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file is malformed near line %(line)s (%(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from None
    return table


def _xlsx_table(content: bytes) -> list[list[str]]:
    import openpyxl  # only imports need it
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = _("The file could not be read as an XLSX spreadsheet.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNPACKED_BYTES:
                raise ImportFileError(_("The spreadsheet is too large once unpacked."))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError):
        raise ImportFileError(unreadable) from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise ImportFileError(unreadable) from None
    except Exception:  # defusedxml refuses entity tricks; malformed XML raises parser errors
        raise ImportFileError(unreadable) from None
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The spreadsheet has no sheet."))
        table = []
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            table.append(["" if v is None else cap(str(v)) for v in values])
            if len(table) > settings.STAFF_IMPORT_MAX_ROWS + 1:
                raise _too_many_rows()
        return table
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(unreadable) from None
    finally:
        workbook.close()


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(max)s people; split it into smaller files.")
        % {"max": settings.STAFF_IMPORT_MAX_ROWS}
    )


def _rows_from_table(table: list[list[str]]) -> list[ImportRow]:
    if not table:
        raise ImportFileError(_("The file is empty."))
    header = [cell.strip().lstrip("\ufeff").lower() for cell in table[0]]
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        for key, names in HEADERS.items():
            if title in names and key not in columns:
                columns[key] = index
    missing = [key for key in REQUIRED if key not in columns]
    if missing:
        raise ImportFileError(
            _(
                "The first row must name the columns; missing: %(missing)s. Expected: name, "
                "email, organisation and, optionally, language."
            )
            % {"missing": ", ".join(missing)}
        )

    def cell(values: list[str], key: str) -> str:
        index = columns.get(key)
        if index is None or index >= len(values):
            return ""
        return without_bidi_controls(values[index]).strip()

    rows = []
    for line, values in enumerate(table[1:], start=2):
        if not any(v.strip() for v in values):
            continue  # blank lines are common at the end of exported files
        rows.append(
            ImportRow(
                line=line,
                name=" ".join(cell(values, "name").split()),
                email=cell(values, "email").lower(),
                organisation=cell(values, "organisation"),
                language=cell(values, "language"),
            )
        )
    if not rows:
        raise ImportFileError(_("The file has column names but no people."))
    return rows


def _split_name(name: str) -> tuple[str, str]:
    first, _space, last = name.partition(" ")
    return first, last


def _language_code(value: str) -> str | None:
    value = value.strip().lower()
    codes = {code for code, _name in settings.LANGUAGES}
    if value in codes:
        return value
    return LANGUAGE_NAMES.get(value)
