"""The page's navigation is rendered once per state in each process
(dianova_training/templatetags/interface_tags.py: page_nav): every request must still get its
own name, its own CSRF token, its own way back from the language switcher and only the links
its roles open, in its language."""

import html
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from ambassadors.models import StaffProfile
from tests.factories import make_manager, make_trainer, make_user

LOGOUT_FORM = re.compile(
    r'<form method="post" action="/accounts/logout/">'
    r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">'
)
NEXT = re.compile(r'<input type="hidden" name="next" value="([^"]*)">')
PROFILE_LINK = re.compile(r'<a class="nav-link" href="/preferences/">([^<]*)</a>')


def _nav(page: str) -> str:
    return page[page.index('<nav class="navbar') : page.index("</nav>")]


def _signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_each_person_sees_their_own_name_and_their_own_working_token():
    ana = make_user(first_name="Ana", last_name="Sousa")
    bea = make_user(first_name="Bea", last_name="Martín")
    clients = {ana.pk: _signed_in(ana), bea.pk: _signed_in(bea)}
    tokens = {}
    for user, name, other in (
        (ana, "Ana Sousa", "Bea"),
        (bea, "Bea Martín", "Ana"),
        (ana, "Ana Sousa", "Bea"),
    ):
        nav = _nav(clients[user.pk].get("/").content.decode())
        assert PROFILE_LINK.findall(nav) == [name]
        assert other not in nav
        tokens[user.pk] = LOGOUT_FORM.search(nav).group(1)
    # Each token is the person's own: it signs them out, and the other's would be refused.
    assert (
        clients[bea.pk].post("/accounts/logout/", {"csrfmiddlewaretoken": "x" * 64}).status_code
        == 403
    )
    response = clients[ana.pk].post("/accounts/logout/", {"csrfmiddlewaretoken": tokens[ana.pk]})
    assert response.status_code == 302
    assert clients[ana.pk].get("/").status_code == 302  # signed out: back to the log-in page
    response = clients[bea.pk].post("/accounts/logout/", {"csrfmiddlewaretoken": tokens[bea.pk]})
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_switcher_returns_to_the_page_it_was_on_escaped():
    client = _signed_in(make_user())
    for path in ("/", "/ambassador/", "/preferences/"):
        assert NEXT.findall(client.get(path).content.decode()) == [path]
    page = client.get("/", {"q": '"><script>x</script>', "a": "1"}).content.decode()
    (next_path,) = NEXT.findall(page)
    assert "<script>" not in next_path
    assert html.unescape(next_path) == "/?q=%22%3E%3Cscript%3Ex%3C%2Fscript%3E&a=1"


@pytest.mark.django_db
def test_a_name_that_looks_like_a_slot_is_shown_as_typed_and_leaks_no_token():
    user = make_user(first_name="<csrf-input>", last_name="<next-path>")
    nav = _nav(_signed_in(user).get("/").content.decode())
    assert PROFILE_LINK.findall(nav) == ["&lt;csrf-input&gt; &lt;next-path&gt;"]
    assert nav.count('name="csrfmiddlewaretoken"') == 2  # the switcher's and log-out's


@pytest.mark.django_db
def test_the_links_follow_each_persons_roles_on_the_next_request(organisation):
    learner = make_user(organisation=organisation)
    manager = make_manager(manages=[organisation])
    trainer = make_trainer(is_staff=True)
    links = {}
    for user in (learner, manager, trainer, learner):
        nav = _nav(_signed_in(user).get("/").content.decode())
        links[user.pk] = ("/reports/" in nav, "/admin/" in nav)
    assert links == {
        learner.pk: (False, False),
        manager.pk: (True, False),
        trainer.pk: (False, True),
    }

    client = _signed_in(learner)
    group = Group.objects.create(name="Reporters")
    group.permissions.add(Permission.objects.get(codename="view_reports"))
    learner.groups.add(group)
    assert "/reports/" in _nav(client.get("/").content.decode())
    learner.groups.remove(group)
    type(learner).objects.filter(pk=learner.pk).update(is_staff=True)
    nav = _nav(client.get("/").content.decode())
    assert "/reports/" not in nav
    assert "/admin/" in nav


@pytest.mark.django_db
def test_a_new_name_shows_on_the_next_page():
    user = make_user(first_name="Rui", last_name="")
    client = _signed_in(user)
    assert PROFILE_LINK.findall(client.get("/").content.decode()) == ["Rui"]
    type(user).objects.filter(pk=user.pk).update(first_name="", last_name="")
    assert PROFILE_LINK.findall(client.get("/").content.decode()) == [user.username]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "my_training"),
    [
        ("en", "My training"),
        ("fr", "Ma formation"),
        ("es", "Mi formación"),
        ("pt", "A minha formação"),
        ("it", "La mia formazione"),
    ],
)
def test_the_navigation_is_in_each_persons_language(language, my_training):
    user = make_user(language=language)
    other = make_user(language="fr" if language != "fr" else "en")
    for person in (other, user):
        page = _signed_in(person).get("/").content.decode()
    assert f">{my_training}</a>" in _nav(page)
    assert StaffProfile.objects.get(user=user).language == language


@pytest.mark.django_db
def test_signed_out_pages_have_a_switcher_whose_token_works():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/").content.decode()
    nav = _nav(page)
    assert "/accounts/logout/" not in nav
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', nav).group(1)
    assert NEXT.findall(nav) == ["/accounts/login/"]
    response = client.post(
        "/language/", {"csrfmiddlewaretoken": token, "language": "fr", "next": "/accounts/login/"}
    )
    assert response.status_code == 302
    assert "Se connecter" in client.get("/accounts/login/").content.decode()
