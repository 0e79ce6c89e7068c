import io
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ambassadors.models import StaffProfile
from tests.factories import make_manager, make_organisation, make_user

User = get_user_model()
UPLOAD = reverse("ambassadors:staff-import")
PREVIEW = reverse("ambassadors:staff-import-preview")

GOOD_CSV = (
    "name,email,organisation,language\n"
    "Ana Silva,Ana.Silva@example.org,Dianova Portugal,pt\n"
    "João Costa,joao.costa@example.org,dianova-portugal,\n"
    "Lucía García,lucia@example.org,Dianova Spain,Español\n"
)


@pytest.fixture
def orgs(db):
    portugal = make_organisation("Dianova Portugal", country="PT", language="pt")
    portugal.slug = "dianova-portugal"
    portugal.save()
    spain = make_organisation("Dianova Spain", country="ES", language="es")
    admin = make_user("admin", is_superuser=True, is_staff=True)
    manager_pt = make_manager(username="manager-pt", manages=[portugal], organisation=portugal)
    return locals()


def upload(client, content, name="staff.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)}, follow=True)


@pytest.fixture
def confirm(django_capture_on_commit_callbacks):
    """Post the preview's confirmation, running what waits for the commit (invitations)."""

    def post(client, response):
        digest = re.search(r'name="digest" value="([0-9a-f]+)"', response.content.decode())
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(PREVIEW, {"digest": digest.group(1) if digest else ""}, follow=True)

    return post


def results(response):
    return {r.row.email: r for r in response.context["preview"].results}


@pytest.mark.django_db
def test_import_previews_then_creates_and_invites(client, orgs, confirm):
    client.force_login(orgs["admin"])
    response = upload(client, GOOD_CSV)
    assert response.redirect_chain[-1][0] == PREVIEW
    preview = results(response)
    assert {r.action for r in preview.values()} == {"create"}
    assert preview["joao.costa@example.org"].language == "pt"  # the organisation's
    assert preview["lucia@example.org"].language == "es"
    assert not User.objects.filter(email__iendswith="example.org", username__contains="@").exists()
    assert mail.outbox == []

    response = confirm(client, response)
    assert "Import done: 3 created" in response.content.decode()
    ana = User.objects.get(username="ana.silva@example.org")
    assert (ana.first_name, ana.last_name, ana.email) == ("Ana", "Silva", "ana.silva@example.org")
    assert ana.profile.organisation == orgs["portugal"]
    assert ana.profile.language == "pt"
    assert ana.groups.filter(name="Staff").exists()
    assert not ana.has_usable_password()
    assert len(mail.outbox) == 3
    invitation = next(m for m in mail.outbox if m.to == ["ana.silva@example.org"])
    assert invitation.extra_headers["Content-Language"] == "pt"

    # The link lets Ana choose a password and log in.
    client.logout()
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", invitation.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_password = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password,
        {
            "new_password1": "A-long-enough-passphrase-1",
            "new_password2": "A-long-enough-passphrase-1",
        },
    )
    assert done.status_code == 302
    # Log in through the form, as a person would (django-axes checks every login request).
    client.post(
        reverse("login"),
        {"username": "ana.silva@example.org", "password": "A-long-enough-passphrase-1"},
    )
    assert client.session.get("_auth_user_id") == str(ana.pk)


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(
    client, orgs, confirm, django_capture_on_commit_callbacks
):
    client.force_login(orgs["admin"])
    confirm(client, upload(client, GOOD_CSV))
    mail.outbox.clear()
    before = list(User.objects.order_by("pk").values_list("pk", "first_name", "last_name", "email"))
    response = upload(client, GOOD_CSV)
    assert {r.action for r in results(response).values()} == {"unchanged"}
    assert "nothing to import" in response.content.decode()
    assert 'name="digest"' not in response.content.decode()
    # Confirming anyway (an old tab) changes nothing and invites no one.
    state = client.session["staff_import"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PREVIEW, {"digest": state["digest"]}, follow=True)
    assert "0 created" in response.content.decode()
    after = list(User.objects.order_by("pk").values_list("pk", "first_name", "last_name", "email"))
    assert after == before
    assert mail.outbox == []


@pytest.mark.django_db
def test_import_updates_existing_people(client, orgs, confirm):
    make_user("old", organisation=orgs["spain"], first_name="Ana", last_name="S.", language="es")
    User.objects.filter(username="old").update(email="ana.silva@example.org")
    client.force_login(orgs["admin"])
    response = upload(client, GOOD_CSV)
    ana = results(response)["ana.silva@example.org"]
    assert ana.action == "update"
    assert {str(c) for c in ana.changes} == {"name", "organisation", "language"}
    confirm(client, response)
    profile = StaffProfile.objects.get(user__username="old")
    assert (profile.organisation, profile.language) == (orgs["portugal"], "pt")
    assert profile.user.get_full_name() == "Ana Silva"
    assert [m.to for m in mail.outbox if m.to == ["ana.silva@example.org"]] == []  # no re-invite


@pytest.mark.django_db
def test_import_preview_shows_row_errors_and_saves_nothing(client, orgs):
    make_user("outsider", organisation=orgs["spain"])
    User.objects.filter(username="outsider").update(email="taken@example.org")
    content = (
        "Name;E-mail;Organisation;Language\n"
        "Ana Silva;ana@example.org;Dianova Portugal;pt\n"
        "Ana Again;ANA@example.org;Dianova Portugal;pt\n"
        ";nobody@example.org;Dianova Portugal;\n"
        "Bad Mail;not-an-email;Dianova Portugal;\n"
        "Lost;lost@example.org;Dianova Atlantis;\n"
        "Lucía;lucia@example.org;Dianova Spain;es\n"
        "Klingon;k@example.org;Dianova Portugal;tlh\n"
        "Moved;taken@example.org;Dianova Portugal;\n"
    )
    client.force_login(orgs["manager_pt"])
    response = upload(client, content)
    preview = response.context["preview"]
    errors = {r.row.line: " ".join(r.errors) for r in preview.results if r.errors}
    assert "also on line 2" in errors[3]
    assert "name is missing" in errors[4]
    assert "not a valid e-mail" in errors[5]
    assert "Unknown organisation “Dianova Atlantis”" in errors[6]
    assert "not one of the organisations you manage" in errors[7]
    assert "Unknown language “tlh”" in errors[8]
    assert "outside the organisations you manage" in errors[9]
    assert 2 not in errors
    html = response.content.decode()
    assert "Nothing can be imported until every error" in html
    assert 'name="digest"' not in html
    # Posting the confirmation anyway saves nothing.
    count = User.objects.count()
    response = client.post(PREVIEW, {"digest": client.session["staff_import"]["digest"]})
    assert "Nothing was imported" in response.content.decode()
    assert User.objects.count() == count
    assert mail.outbox == []


@pytest.mark.django_db
def test_import_rechecks_at_confirmation(client, orgs, confirm):
    client.force_login(orgs["manager_pt"])
    response = upload(
        client, "name,email,organisation\nAna Silva,ana@example.org,Dianova Portugal\n"
    )
    orgs["manager_pt"].profile.managed_organisations.clear()  # scope changed meanwhile
    count = User.objects.count()
    response = confirm(client, response)
    assert "Nothing was imported" in response.content.decode()
    assert User.objects.count() == count


@pytest.mark.django_db
def test_import_is_all_or_nothing(client, orgs, confirm, monkeypatch):
    client.force_login(orgs["admin"])
    response = upload(client, GOOD_CSV)
    real_save = StaffProfile.save
    calls = []

    def failing_save(profile, *args, **kwargs):
        calls.append(profile)
        if len(calls) == 3:
            raise RuntimeError("database went away")
        return real_save(profile, *args, **kwargs)

    monkeypatch.setattr(StaffProfile, "save", failing_save)
    count = User.objects.count()
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        confirm(client, response)
    assert User.objects.count() == count
    assert mail.outbox == []


@pytest.mark.django_db
def test_import_rejects_a_tampered_or_stale_confirmation(client, orgs):
    client.force_login(orgs["admin"])
    upload(client, GOOD_CSV)
    response = client.post(PREVIEW, {"digest": "0" * 64}, follow=True)
    assert "expired or another file was uploaded" in response.content.decode()
    session = client.session
    session["staff_import"]["rows"][0]["organisation"] = "Dianova Spain"
    session.save()
    response = client.post(PREVIEW, {"digest": session["staff_import"]["digest"]}, follow=True)
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="ana.silva@example.org").exists()


@pytest.mark.django_db
def test_import_reads_windows_1252_with_a_warning(client, orgs):
    client.force_login(orgs["admin"])
    content = "name,email,organisation\nLúcia Gonçalves,lucia@example.org,Dianova Portugal\n"
    response = upload(client, content.encode("cp1252"))
    assert "read as Windows-1252" in response.content.decode()
    [row] = response.context["preview"].results
    assert row.row.name == "Lúcia Gonçalves"
    response = upload(client, content.encode("utf-8-sig"))
    assert "Windows-1252" not in response.content.decode()
    assert response.context["preview"].results[0].row.name == "Lúcia Gonçalves"
    response = upload(client, content.encode("utf-16"))
    assert response.context["preview"].results[0].row.name == "Lúcia Gonçalves"


@pytest.mark.django_db
def test_import_reads_xlsx(client, orgs, confirm):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Email", "Organisation", "Language"])
    sheet.append(["Ana Silva", "ana@example.org", "Dianova Portugal", "pt"])
    sheet.append([None, None, None, None])
    sheet.append(["Rui Costa", "rui@example.org", "Dianova Portugal", None])
    output = io.BytesIO()
    workbook.save(output)
    client.force_login(orgs["manager_pt"])
    response = upload(client, output.getvalue(), name="staff.xlsx")
    assert [(r.row.line, r.action) for r in response.context["preview"].results] == [
        (2, "create"),
        (4, "create"),
    ]
    confirm(client, response)
    assert User.objects.filter(email__in=["ana@example.org", "rui@example.org"]).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "staff.csv", "empty"),
        (b"\n\n", "staff.csv", "The file is empty"),
        (b"name,email\nAna,ana@example.org\n", "staff.csv", "missing: organisation"),
        (b"name,email,organisation\n", "staff.csv", "no people"),
        (b'name,email,organisation\n"Ana,ana@x.org,P\n', "staff.csv", "malformed"),
        (b"PK\x03\x04this is no spreadsheet", "staff.xlsx", "could not be read as an XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "staff.xls", "Old Excel files"),
        (b"\x00\x01\x02binary", "staff.csv", "does not look like a CSV"),
    ],
)
def test_import_refuses_unreadable_files_with_a_message(client, orgs, content, name, message):
    client.force_login(orgs["admin"])
    response = upload(client, content, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "staff_import" not in client.session


@pytest.mark.django_db
def test_import_refuses_oversize_files_and_too_many_rows(client, orgs, settings):
    client.force_login(orgs["admin"])
    settings.STAFF_IMPORT_MAX_BYTES = 1024
    response = upload(client, GOOD_CSV + "x" * 2000)
    assert "The file is too large" in response.content.decode()
    settings.STAFF_IMPORT_MAX_BYTES = 10**6
    settings.STAFF_IMPORT_MAX_ROWS = 2
    response = upload(client, GOOD_CSV)
    assert "more than 2 people" in response.content.decode()
    assert "staff_import" not in client.session


@pytest.mark.django_db
def test_import_is_for_managers_and_admins_only(client, orgs):
    learner = make_user("learner", organisation=orgs["portugal"])
    client.force_login(learner)
    assert client.get(UPLOAD).status_code == 403
    assert client.post(PREVIEW, {"digest": "x"}).status_code == 403
    client.force_login(orgs["manager_pt"])
    assert client.get(UPLOAD).status_code == 200


@pytest.mark.django_db
def test_import_cuts_huge_cells_as_it_reads_and_echoes_only_an_excerpt(client, orgs):
    """A 47 KB XLSX file held one 45 MB cell: accepted, a 47 MB preview page, a worker near
    500 MB. Cells are cut as they are read; errors quote a short excerpt."""
    huge = "Dianova " * 250_000  # 2 MB of text in one cell, a few KB once zipped
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Email", "Organisation", "Language"])
    sheet.append([huge, "ana@example.org", "Dianova Portugal", "pt"])
    sheet.append(["Rui Costa", "rui@example.org", huge, huge])
    output = io.BytesIO()
    workbook.save(output)
    assert len(output.getvalue()) < 100_000
    client.force_login(orgs["admin"])
    response = upload(client, output.getvalue(), name="staff.xlsx")
    page = response.content.decode()
    assert len(page) < 60_000, len(page)
    by_line = {r.row.line: r for r in response.context["preview"].results}
    assert "The name is longer than 150 characters." in by_line[2].errors
    assert any(e.startswith("Unknown organisation “Dianova Dianova") for e in by_line[3].errors)
    assert all(len(error) < 200 for r in by_line.values() for error in r.errors)
    assert len(str(client.session.get("staff_import"))) < 10_000  # the session holds no more
    # The same in a CSV file.
    # (csv refuses fields over 128 KB as malformed already)
    csv_file = f"name,email,organisation\n{huge[:100_000]},ana@example.org,Dianova Portugal\n"
    response = upload(client, csv_file)
    assert len(response.content) < 60_000
    assert "The name is longer than 150 characters." in response.content.decode()


@pytest.mark.django_db
def test_import_removes_bidi_controls_from_names(client, orgs):
    client.force_login(orgs["admin"])
    csv_file = (
        "name,email,organisation\nAna \u202eavliS,ana@example.org,Dianova \u2066Portugal\u2069\n"
    )
    response = upload(client, csv_file)
    (result,) = response.context["preview"].results
    assert (result.row.name, result.row.organisation) == ("Ana avliS", "Dianova Portugal")
    assert result.action == "create"
