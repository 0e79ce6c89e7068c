"""The share kit for members and authors: the feed, sharing, the admin and its preview."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from ambassadors.models import Action, Share, ShareLink, SharePost
from ambassadors.programme.share import services
from tests.factories import make_trainer, make_user
from tests.share_factories import make_share_post

FEED = "/ambassador/share/"
TEXTS = {
    "fr": ("Semaine de la prévention", "Rejoignez-nous pour la prévention."),
    "pt": ("Semana da prevenção", "Junte-se a nós pela prevenção."),
}


@pytest.fixture
def member_client(client, member):
    client.force_login(member.user)
    return client


def test_feed_is_for_programme_members_only(client, portugal):
    client.force_login(make_user(organisation=portugal))
    response = client.get(FEED)  # what members get, and how to join
    assert response.status_code == 200
    assert "Join the programme to use this page" in response.content.decode()
    assert 'data-testid="share-post"' not in response.content.decode()
    post = make_share_post()
    assert client.post(f"{FEED}{post.pk}/", {"target": "x"}).status_code == 302
    assert not Share.objects.exists()
    client.logout()
    assert client.get(FEED).status_code == 302  # to the log-in page


def test_feed_speaks_the_members_language_with_fallback_to_the_original(member_client, member):
    make_share_post(texts=TEXTS, name="both")
    make_share_post(texts={"fr": TEXTS["fr"]}, name="french only")
    member.user.profile.language = "pt"
    member.user.profile.save()
    page = member_client.get(FEED).content.decode()
    assert "Semana da prevenção" in page
    assert "Semaine de la prévention" in page  # the post without Portuguese, in French
    assert page.count('data-testid="share-post"') == 2


def test_feed_shows_current_posts_for_the_members_organisation(member_client, spain, portugal):
    now = timezone.now()
    make_share_post(texts={"fr": ("Réseau", "x")})
    make_share_post(texts={"fr": ("Portugal", "x")}, organisations=[portugal])
    make_share_post(texts={"fr": ("Espagne", "x")}, organisations=[spain])
    make_share_post(texts={"fr": ("Brouillon", "x")}, status=SharePost.Status.DRAFT)
    make_share_post(texts={"fr": ("Retiré", "x")}, status=SharePost.Status.WITHDRAWN)
    make_share_post(texts={"fr": ("Demain", "x")}, publish_at=now + timedelta(days=1))
    make_share_post(
        texts={"fr": ("Fini", "x")}, publish_at=now - timedelta(days=3), ends_at=now - timedelta(1)
    )
    page = member_client.get(FEED).content.decode()
    assert "Réseau" in page and "Portugal" in page
    for hidden in ["Espagne", "Brouillon", "Retiré", "Demain", "Fini"]:
        assert hidden not in page


def test_feed_puts_campaign_posts_first_then_the_newest(member_client, campaign):
    now = timezone.now()
    make_share_post(texts={"fr": ("Ancien", "x")}, publish_at=now - timedelta(days=5))
    make_share_post(
        texts={"fr": ("Campagne", "x")}, publish_at=now - timedelta(days=4), campaign=campaign
    )
    make_share_post(texts={"fr": ("Récent", "x")}, publish_at=now - timedelta(hours=2))
    page = member_client.get(FEED).content.decode()
    assert page.index("Campagne") < page.index("Récent") < page.index("Ancien")


def test_feed_suggested_platforms_come_first(member_client):
    make_share_post(platforms=["whatsapp"])
    page = member_client.get(FEED).content.decode()
    assert page.index('value="whatsapp"') < page.index('value="linkedin"')
    for target in ["linkedin", "facebook", "x", "whatsapp", "email", "link"]:
        assert f'value="{target}"' in page


def test_share_records_a_relay_action_and_opens_the_share_page(member_client, member, campaign):
    post = make_share_post(campaign=campaign)
    response = member_client.post(f"{FEED}{post.pk}/", {"target": "linkedin"})
    assert response.status_code == 302
    page = member_client.get(response["Location"])
    link = ShareLink.objects.get(user=member.user, post=post)
    share_url = page.context["share_url"]
    assert share_url.startswith("https://www.linkedin.com/sharing/share-offsite/?url=")
    assert f"%2Fs%2F{link.code}%3Fvia%3Dlinkedin" in share_url
    assert f'http-equiv="refresh" content="0; url={share_url.replace("&", "&amp;")}"' in (
        page.content.decode()
    )
    action = Share.objects.get(link=link, target="linkedin").action
    assert action.status == Action.Status.SUBMITTED
    assert action.campaign == campaign
    assert action.platform.slug == "linkedin"
    # A second click on the same button records nothing more.
    member_client.post(f"{FEED}{post.pk}/", {"target": "linkedin"})
    assert Action.objects.filter(user=member.user, source_key__startswith="share:").count() == 1


def test_share_refuses_bad_targets_and_posts_out_of_reach(member_client, spain):
    post = make_share_post()
    response = member_client.post(f"{FEED}{post.pk}/", {"target": "myspace"}, follow=True)
    assert "Choose where to share the post." in response.content.decode()
    other = make_share_post(organisations=[spain])
    assert member_client.post(f"{FEED}{other.pk}/", {"target": "x"}).status_code == 404
    draft = make_share_post(status=SharePost.Status.DRAFT)
    assert member_client.post(f"{FEED}{draft.pk}/", {"target": "x"}).status_code == 404
    assert member_client.get(f"{FEED}{post.pk}/open/myspace/").status_code == 404
    assert not Share.objects.exists()


def test_copy_link_without_javascript_shows_the_link(member_client, member):
    post = make_share_post()
    response = member_client.post(f"{FEED}{post.pk}/", {"target": "link"}, follow=True)
    link = ShareLink.objects.get(user=member.user)
    assert f"/s/{link.code}?via=link" in response.content.decode()
    assert "http-equiv" not in response.content.decode()


def test_copy_link_with_javascript_records_without_a_page(member_client):
    post = make_share_post()
    response = member_client.post(
        f"{FEED}{post.pk}/", {"target": "link"}, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert response.status_code == 204
    assert Share.objects.get().target == "link"


def test_members_who_left_cannot_share(client, member):
    post = make_share_post()
    services.share_links_ensure(user=member.user, posts=[post])
    from ambassadors.programme import services as programme

    programme.programme_leave(profile=member)
    client.force_login(member.user)
    response = client.post(f"{FEED}{post.pk}/", {"target": "x"})
    assert response.status_code == 302
    assert not Share.objects.exists()


@pytest.mark.parametrize("posts", [1, 6])
def test_feed_query_count(member_client, member, posts, django_assert_num_queries):
    for _ in range(posts):
        make_share_post(texts=TEXTS, platforms=["linkedin"])
    member_client.get(FEED)  # creates the tracked links
    # session, user with profile (and whether any permission reaches them: none, so the
    # menu loads none), member, posts, texts, platforms, links, shares, clicks
    with django_assert_num_queries(9):
        response = member_client.get(FEED)
    assert response.content.decode().count('data-testid="share-post"') == posts


# --- Authors -----------------------------------------------------------------------------


def _png(name="post.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "orange").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _admin_form(**overrides):
    data = {
        "name": "Prevention week",
        "status": "published",
        "original_language": "fr",
        "link": "https://www.dianova.org/news/",
        "publish_at_0": timezone.localdate().isoformat(),
        "publish_at_1": "00:00:00",
        "ends_at_0": "",
        "ends_at_1": "",
        "texts-TOTAL_FORMS": "1",
        "texts-INITIAL_FORMS": "0",
        "texts-MIN_NUM_FORMS": "0",
        "texts-MAX_NUM_FORMS": "5",
        "texts-0-language": "fr",
        "texts-0-title": "Semaine de la prévention",
        "texts-0-text": "Rejoignez-nous.",
        "texts-0-image_alt": "Une affiche orange",
    }
    data.update(overrides)
    return data


def test_trainers_author_posts_in_the_admin(client, portugal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    trainer = make_trainer("comms", organisation=portugal, is_staff=True)
    client.force_login(trainer)
    response = client.post(
        "/admin/ambassadors/sharepost/add/", _admin_form(image=_png()), follow=True
    )
    assert response.status_code == 200
    post = SharePost.objects.get()
    assert post.created_by == trainer
    assert post.image.name.endswith(".png")
    assert post.text_for("pt").title == "Semaine de la prévention"


def test_admin_refuses_a_fake_image_and_a_missing_original_text(client, portugal, settings):
    trainer = make_trainer("comms", organisation=portugal, is_staff=True)
    client.force_login(trainer)
    fake = SimpleUploadedFile("post.png", b"not an image", content_type="image/png")
    response = client.post("/admin/ambassadors/sharepost/add/", _admin_form(image=fake))
    assert "Upload a valid image" in response.content.decode()
    renamed = SimpleUploadedFile("post.gif", _png().read(), content_type="image/gif")
    response = client.post("/admin/ambassadors/sharepost/add/", _admin_form(image=renamed))
    assert "but the file is a PNG image" in response.content.decode()
    response = client.post(
        "/admin/ambassadors/sharepost/add/", _admin_form(**{"texts-0-language": "pt"})
    )
    assert "Write the text in the original language (French) first." in (response.content.decode())
    response = client.post(
        "/admin/ambassadors/sharepost/add/", _admin_form(link="javascript:alert(1)")
    )
    assert response.status_code == 200
    assert not SharePost.objects.exists()


def test_admin_refuses_a_link_with_bidi_controls(client, portugal, settings, tmp_path):
    """Every member who shares the post would see a link showing another address."""
    settings.MEDIA_ROOT = tmp_path
    client.force_login(make_trainer("comms", organisation=portugal, is_staff=True))
    response = client.post(
        "/admin/ambassadors/sharepost/add/",
        _admin_form(image=_png(), link="https://www.dianova.org/news/abc\u202egnp.exe"),
    )
    assert "change the direction of the text" in response.content.decode()
    assert not SharePost.objects.exists()


def test_preview_shows_drafts_to_authors_only(client, member, portugal):
    post = make_share_post(texts=TEXTS, status=SharePost.Status.DRAFT)
    url = reverse("ambassadors:share-preview", kwargs={"post": post.pk})
    client.force_login(member.user)
    assert client.get(url).status_code == 403
    client.force_login(make_trainer("comms", organisation=portugal))
    page = client.get(url + "?language=pt").content.decode()
    assert "Semana da prevenção" in page
    assert "Preview of a post to share (Draft)" in page


def test_withdraw_action_in_the_admin(client, portugal):
    post = make_share_post()
    client.force_login(make_trainer("comms", organisation=portugal, is_staff=True))
    client.post(
        "/admin/ambassadors/sharepost/",
        {"action": "withdraw", "_selected_action": [post.pk]},
    )
    post.refresh_from_db()
    assert post.status == SharePost.Status.WITHDRAWN
