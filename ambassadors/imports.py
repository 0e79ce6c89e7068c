"""Staff onboarding: read a CSV/XLSX file of staff, preview what it would change, apply it.

Three steps, none of which saves anything before the last one:
1. ``read_staff_file`` turns the upload into ``ImportRow`` objects, or raises
   ``ImportFileError`` with a message for a file it cannot read at all;
2. ``preview_import`` checks every row against the database and the importer's scope and
   says, row by row, what would be created or updated and what is wrong;
3. ``staff_import_apply`` checks again and applies every row in one transaction, or raises
   ``ImportRejected`` and saves nothing. New people then get an invitation e-mail with a
   set-password link.

Re-importing the same file finds every row unchanged and changes nothing.
"""

import csv
import hashlib
import io
import json
import zipfile
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import Organisation, StaffProfile

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
# An XLSX file is a zip: refuse one that would unpack to more than this (a "zip bomb").
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024


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


@dataclass
class RowResult:
    row: ImportRow
    action: str = ""  # "create", "update", "unchanged" or "error"
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    organisation: Organisation | None = None
    language: str = ""
    user: object = None  # the existing account, for updates
    first_name: str = ""
    last_name: str = ""


@dataclass
class ImportPreview:
    results: list[RowResult]

    def count(self, action: str) -> int:
        return sum(1 for r in self.results if r.action == action)

    @property
    def count_create(self) -> int:
        return self.count("create")

    @property
    def count_update(self) -> int:
        return self.count("update")

    @property
    def count_unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def count_error(self) -> int:
        return self.count("error")

    @property
    def errors(self) -> list[RowResult]:
        return [r for r in self.results if r.action == "error"]

    @property
    def has_errors(self) -> bool:
        return any(r.action == "error" for r in self.results)

    @property
    def has_changes(self) -> bool:
        return any(r.action in {"create", "update"} for r in self.results)


class ImportRejected(Exception):
    """The rows no longer pass the checks; nothing was saved."""

    def __init__(self, preview: ImportPreview):
        super().__init__("import rejected")
        self.preview = preview


@dataclass
class ImportOutcome:
    created: list[int]
    updated: int
    unchanged: int


# --- Reading the file --------------------------------------------------------------------


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
            table.append(row)
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
            table.append(["" if v is None else str(v) for v in values])
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
        return values[index].strip() if index is not None and index < len(values) else ""

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


# --- Preview -----------------------------------------------------------------------------


def _split_name(name: str) -> tuple[str, str]:
    first, _space, last = name.partition(" ")
    return first, last


def _language_code(value: str) -> str | None:
    value = value.strip().lower()
    codes = {code for code, _name in settings.LANGUAGES}
    if value in codes:
        return value
    return LANGUAGE_NAMES.get(value)


def preview_import(*, rows: list[ImportRow], importer) -> ImportPreview:
    """What importing ``rows`` would do, row by row. Saves nothing; four queries."""
    user_model = get_user_model()
    organisations = {}
    for organisation in Organisation.objects.all():
        organisations[organisation.name.lower()] = organisation
        organisations[organisation.slug.lower()] = organisation
    in_scope = set(Organisation.objects.visible_to(importer).values_list("pk", flat=True))
    emails = {row.email for row in rows}
    existing = defaultdict(list)
    for user in (
        user_model.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
        .select_related("profile__organisation")
    ):
        existing[user.email_lower].append(user)
    taken_usernames = set(
        user_model.objects.filter(username__in=emails).values_list("username", flat=True)
    )
    max_username = user_model._meta.get_field("username").max_length
    seen: dict[str, int] = {}
    results = []
    for row in rows:
        result = RowResult(row=row)
        _check_row(result, organisations, in_scope, existing, taken_usernames, importer)
        if row.email and row.email in seen:
            result.errors.append(
                _("This e-mail is also on line %(line)s.") % {"line": seen[row.email]}
            )
        seen.setdefault(row.email, row.line)
        if len(row.email) > max_username and not existing.get(row.email):
            result.errors.append(
                _("E-mail addresses longer than %(max)s characters cannot be used.")
                % {"max": max_username}
            )
        if result.errors:
            result.action = "error"
        results.append(result)
    return ImportPreview(results=results)


def _check_row(result, organisations, in_scope, existing, taken_usernames, importer) -> None:
    row = result.row
    errors = result.errors
    if not row.name:
        errors.append(_("The name is missing."))
    elif len(row.name) > 150:
        errors.append(_("The name is longer than 150 characters."))
    result.first_name, result.last_name = _split_name(row.name)
    if len(result.first_name) > 150 or len(result.last_name) > 150:
        errors.append(_("The name is too long."))
    if not row.email:
        errors.append(_("The e-mail address is missing."))
    else:
        try:
            validate_email(row.email)
        except ValidationError:
            errors.append(_("“%(email)s” is not a valid e-mail address.") % {"email": row.email})
    organisation = organisations.get(row.organisation.lower()) if row.organisation else None
    if not row.organisation:
        errors.append(_("The organisation is missing."))
    elif organisation is None:
        errors.append(_("Unknown organisation “%(name)s”.") % {"name": row.organisation})
    elif organisation.pk not in in_scope:
        errors.append(
            _("“%(name)s” is not one of the organisations you manage.")
            % {"name": organisation.name}
        )
        organisation = None
    result.organisation = organisation
    language = _language_code(row.language) if row.language else None
    if row.language and language is None:
        errors.append(
            _("Unknown language “%(language)s”; use en, fr, es, pt or it.")
            % {"language": row.language}
        )

    accounts = existing.get(row.email, [])
    if len(accounts) > 1:
        errors.append(_("Several accounts use this e-mail; an administrator must merge them."))
        return
    if not accounts:
        if row.email in taken_usernames:
            errors.append(_("Another account already uses this e-mail as its username."))
        elif row.email and not errors:
            try:
                get_user_model().username_validator(row.email)
            except ValidationError:
                errors.append(_("This e-mail address cannot be used as a username."))
        result.action = "create"
        result.language = language or (organisation.language if organisation else "en")
        return

    user = accounts[0]
    result.user = user
    profile = getattr(user, "profile", None)
    current = profile.organisation if profile else None
    if user.is_superuser and not importer.is_superuser:
        errors.append(_("This account belongs to an administrator and cannot be imported."))
        return
    if current is not None and current.pk not in in_scope:
        errors.append(_("This e-mail belongs to someone outside the organisations you manage."))
        return
    changes = []
    if row.name and user.get_full_name() != row.name:
        changes.append(_("name"))
    if organisation is not None and (current is None or current.pk != organisation.pk):
        changes.append(_("organisation"))
    result.language = language or (profile.language if profile else "") or "en"
    if profile is None or (language and profile.language != language):
        changes.append(_("language"))
    result.changes = changes
    result.action = "update" if changes else "unchanged"


# --- Keeping the rows between the preview and the confirmation ---------------------------

SESSION_KEY = "staff_import"


def rows_digest(rows: list[ImportRow], *, importer_id: int) -> str:
    """A fingerprint of the rows (and who imports them), posted back by the confirm form."""
    payload = json.dumps([asdict(r) for r in rows], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{importer_id}:{payload}".encode()).hexdigest()


def session_store(session, *, rows: list[ImportRow], filename: str, importer_id: int) -> str:
    digest = rows_digest(rows, importer_id=importer_id)
    session[SESSION_KEY] = {
        "digest": digest,
        "filename": filename[:200],
        "rows": [asdict(r) for r in rows],
    }
    return digest


def session_load(session, *, importer_id: int, digest: str | None = None):
    """(rows, filename, digest) kept by ``session_store``, or None when there are none, they
    were tampered with, or ``digest`` names another preview (an older tab)."""
    state = session.get(SESSION_KEY)
    if not isinstance(state, dict):
        return None
    try:
        rows = [ImportRow(**r) for r in state["rows"]]
    except (KeyError, TypeError):
        return None
    stored = rows_digest(rows, importer_id=importer_id)
    if stored != state.get("digest") or (digest is not None and digest != stored):
        return None
    return rows, state.get("filename", ""), stored


# --- Applying ----------------------------------------------------------------------------


@transaction.atomic
def staff_import_apply(*, rows: list[ImportRow], importer) -> ImportOutcome:
    """Create and update the people of ``rows`` in one transaction, then (once committed)
    send invitations to the new ones. Raises ImportRejected, saving nothing, when any row
    fails the checks now (the database may have changed since the preview)."""
    preview = preview_import(rows=rows, importer=importer)
    if preview.has_errors:
        raise ImportRejected(preview)
    user_model = get_user_model()
    staff_group = Group.objects.filter(name="Staff").first()
    created = []
    updated = 0
    for result in preview.results:
        if result.action == "create":
            user = user_model(
                username=result.row.email,
                email=result.row.email,
                first_name=result.first_name,
                last_name=result.last_name,
            )
            user.set_unusable_password()
            user.full_clean(exclude=["password"])
            user.save()
            StaffProfile.objects.create(
                user=user, organisation=result.organisation, language=result.language
            )
            if staff_group:
                user.groups.add(staff_group)
            created.append(user.pk)
        elif result.action == "update":
            user = result.user
            user.first_name, user.last_name = result.first_name, result.last_name
            user.save(update_fields=["first_name", "last_name"])
            StaffProfile.objects.update_or_create(
                user=user,
                defaults={"organisation": result.organisation, "language": result.language},
            )
            updated += 1
    if created:
        from .tasks import send_invitations

        transaction.on_commit(lambda: send_invitations.enqueue(user_ids=created))
    return ImportOutcome(created=created, updated=updated, unchanged=preview.count("unchanged"))


def invitation_send(user) -> None:
    """E-mail ``user`` an invitation with a link to choose a password, in their language.

    The link is Django's password-reset link: it works once, until the password is set or
    PASSWORD_RESET_TIMEOUT runs out (after which "Forgotten your password?" sends a new one).
    """
    profile = getattr(user, "profile", None)
    language = profile.language if profile else settings.LANGUAGE_CODE
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    with translation.override(language):
        context = {
            "user": user,
            "organisation": profile.organisation if profile else None,
            "link": f"{settings.SITE_URL}{path}",
            "login_url": f"{settings.SITE_URL}{reverse('login')}",
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        }
        subject = _("You are invited to Dianova Training")
        body = render_to_string("ambassadors/email/invitation.txt", context)
    EmailMessage(
        subject=subject, body=body, to=[user.email], headers={"Content-Language": language}
    ).send()
