"""The charter: loaded from the content files, versioned, shown in my language, accepted."""

from pathlib import Path

import pytest
import yaml
from django.urls import reverse

from ambassadors.models import CharterAcceptance, CharterText, CharterVersion
from ambassadors.programme import services
from ambassadors.programme.charter import load_charters
from courses.content import ContentError
from tests.ambassadors.conftest import reload

pytestmark = pytest.mark.django_db


def write(root: Path, language: str, charter: dict | None) -> None:
    folder = root / "social-media"
    folder.mkdir(parents=True, exist_ok=True)
    data = {"key": "social-media", "language": language}
    if charter is not None:
        data["charter"] = charter
    (folder / f"{language}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))


def test_load_charters_reads_the_real_course_content():
    load_charters()
    load_charters()  # idempotent
    charter = CharterVersion.objects.get()
    french = charter.texts.get(language="fr")
    assert french.title == "Charte des médias sociaux de Dianova"
    assert "Personnel ne veut pas dire privé" in french.body
    assert CharterText.objects.filter(language="fr").count() == 1


def test_load_charters_one_version_per_number_with_a_text_per_language(tmp_path):
    write(tmp_path, "fr", {"version": 1, "title": "Charte", "body": "Texte"})
    write(tmp_path, "en", {"version": 1, "title": "Charter", "body": "Text"})
    write(tmp_path, "es", None)  # translation without its charter yet
    assert len(load_charters(tmp_path)) == 1
    charter = CharterVersion.objects.get()
    assert sorted(charter.texts.values_list("language", flat=True)) == ["en", "fr"]
    write(tmp_path, "en", {"version": 1, "title": "Charter", "body": "Text, corrected"})
    assert load_charters(tmp_path) == []  # a correction is not a new version
    assert charter.texts.get(language="en").body == "Text, corrected"


def test_load_charters_new_version_asks_every_member_again(tmp_path, climber):
    profile = climber(2)  # accepted version 1 from the fixture
    write(tmp_path, "fr", {"version": 2, "title": "Charte v2", "body": "Nouveau"})
    assert [c.version for c in load_charters(tmp_path)] == [2]
    assert reload(profile).level == 1
    assert CharterVersion.objects.current().version == 2


@pytest.mark.parametrize(
    "block",
    [{"version": "one", "title": "x", "body": "y"}, {"version": 1, "body": "y"}, {"title": "x"}],
)
def test_load_charters_refuses_a_malformed_block(tmp_path, block):
    write(tmp_path, "fr", block)
    with pytest.raises(ContentError):
        load_charters(tmp_path)
    assert not CharterVersion.objects.exists()


def test_charter_page_in_my_language_with_french_fallback(client, member, charter):
    member.user.profile.language = "pt"
    member.user.profile.save()
    client.force_login(member.user)
    page = client.get(reverse("ambassadors:charter")).content.decode()
    assert "Charter v1 [fr]" in page  # no Portuguese text yet: the French original
    assert "Personal is not private" in page  # the safe-practice reminder
    member.user.profile.language = "en"
    member.user.profile.save()
    assert "Charter v1 [en]" in client.get(reverse("ambassadors:charter")).content.decode()


def test_charter_accept_records_version_and_time(client, member, charter):
    client.force_login(member.user)
    response = client.post(reverse("ambassadors:charter"), {"version": 1})
    assert response.status_code == 200  # the box was not ticked
    assert not CharterAcceptance.objects.exists()
    client.post(reverse("ambassadors:charter"), {"version": 1, "accept": "on"})
    acceptance = CharterAcceptance.objects.get(user=member.user)
    assert acceptance.charter == charter and acceptance.accepted_at is not None
    page = client.get(reverse("ambassadors:charter")).content.decode()
    assert "You accepted version 1" in page


def test_charter_accept_of_an_outdated_version_is_refused(client, member, charter):
    from tests.factories import make_charter

    make_charter(2)
    client.force_login(member.user)
    response = client.post(reverse("ambassadors:charter"), {"version": 1, "accept": "on"})
    assert response.status_code == 302
    assert not CharterAcceptance.objects.exists()


def test_charter_accept_needs_membership(client, portugal, charter):
    from tests.factories import make_user

    client.force_login(make_user(organisation=portugal))
    assert client.get(reverse("ambassadors:charter")).status_code == 200  # anyone may read it
    client.post(reverse("ambassadors:charter"), {"version": 1, "accept": "on"})
    assert not CharterAcceptance.objects.exists()


def test_checklist_profile_link_must_be_on_an_allowed_platform(client, member):
    client.force_login(member.user)
    url = reverse("ambassadors:checklist")
    response = client.post(
        url,
        {
            "affiliation_added": "on",
            "privacy_reviewed": "on",
            "profile_link": "https://evil.example/x",
        },
    )
    assert "not on the list of allowed platforms" in response.content.decode()
    assert reload(member).affiliation_added_at is None
    client.post(
        url,
        {
            "affiliation_added": "on",
            "privacy_reviewed": "on",
            "profile_link": "https://www.linkedin.com/in/ana-silva",
        },
    )
    profile = reload(member)
    assert profile.affiliation_added_at and profile.privacy_reviewed_at
    assert profile.profile_link.endswith("/ana-silva")
    services.level_recompute(profile=profile)
