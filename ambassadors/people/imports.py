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

import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from ambassadors.models import AuditEvent, Organisation
from ambassadors.people.audit import audit_record
from ambassadors.people.services import ProfileChange, profiles_change
from ambassadors.people.staff_files import ImportRow, _language_code, _split_name, excerpt
from ambassadors.people.tasks import send_invitations


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
            errors.append(
                _("“%(email)s” is not a valid e-mail address.") % {"email": excerpt(row.email)}
            )
    organisation = organisations.get(row.organisation.lower()) if row.organisation else None
    if not row.organisation:
        errors.append(_("The organisation is missing."))
    elif organisation is None:
        errors.append(_("Unknown organisation “%(name)s”.") % {"name": excerpt(row.organisation)})
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
            % {"language": excerpt(row.language)}
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


@transaction.atomic
def staff_import_apply(*, rows: list[ImportRow], importer, filename: str = "") -> ImportOutcome:
    """Create and update the people of ``rows`` in one transaction, then (once committed)
    send invitations to the new ones. Raises ImportRejected, saving nothing, when any row
    fails the checks now (the database may have changed since the preview).

    Organisations and languages are set by ``profiles_change``, so the people imported get
    their organisation's assignments (with due dates) in the same transaction, which also
    holds the audit record of the import."""
    preview = preview_import(rows=rows, importer=importer)
    if preview.has_errors:
        raise ImportRejected(preview)
    user_model = get_user_model()
    staff_group = Group.objects.filter(name="Staff").first()
    created = []
    updated = 0
    profiles = []
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
            if staff_group:
                user.groups.add(staff_group)
            created.append(user.pk)
        elif result.action == "update":
            user = result.user
            user.first_name, user.last_name = result.first_name, result.last_name
            user.save(update_fields=["first_name", "last_name"])
            updated += 1
        else:
            continue
        profiles.append(
            ProfileChange(user=user, organisation=result.organisation, language=result.language)
        )
    profiles_change(changes=profiles)
    audit_record(
        actor=importer,
        verb=AuditEvent.Verb.STAFF_IMPORTED,
        target=filename,
        details={"rows": len(rows), "created": len(created), "updated": updated},
    )
    if created:
        transaction.on_commit(lambda: send_invitations.enqueue(user_ids=created))
    return ImportOutcome(created=created, updated=updated, unchanged=preview.count("unchanged"))
