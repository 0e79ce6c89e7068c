import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", "/courses/anything/", "/reports/", "/reports/courses/anything/"]
)
def test_pages_require_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_login_and_logout(client, learner):
    response = client.post(
        reverse("login"), {"username": "learner", "password": PASSWORD}, follow=True
    )
    assert response.context["user"] == learner
    assert "My training" in response.content.decode()
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_login_with_wrong_password_fails(client, learner):
    response = client.post(reverse("login"), {"username": "learner", "password": "wrong"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated


@pytest.mark.django_db
def test_password_reset_by_email(client, learner):
    response = client.post(reverse("password_reset"), {"email": learner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    new = "a-brand-new-passphrase-42"
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password(new)


@pytest.mark.django_db
def test_password_change(client, learner):
    client.force_login(learner)
    new = "another-long-passphrase-7"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password(new)


@pytest.mark.django_db
def test_groups_have_exactly_their_permissions():
    perms = {
        group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for group in Group.objects.prefetch_related("permissions__content_type")
    }
    assert perms["Staff"] == set()
    assert perms["Managers"] == {
        "ambassadors.view_reports",
        "ambassadors.add_assignment",
        "ambassadors.view_assignment",
        "ambassadors.delete_assignment",
    }
    assert "courses.add_lessonimage" in perms["Trainers"]
    assert "courses.change_lesson" in perms["Trainers"]
    assert "courses.add_question" in perms["Trainers"]
    # Besides course content: verify ambassador actions, run campaigns (issue 5) and author
    # the share kit's posts (issue 17).
    share_kit = {
        f"ambassadors.{action}_{model}"
        for model in ("sharepost", "shareposttext")
        for action in ("add", "change", "delete", "view")
    }
    assert {p for p in perms["Trainers"] if not p.startswith("courses.")} == {
        "ambassadors.verify_action",
        "ambassadors.add_campaign",
        "ambassadors.change_campaign",
        "ambassadors.view_campaign",
        *share_kit,
    }
    assert "courses.change_quizattempt" not in perms["Trainers"]


@pytest.mark.django_db
def test_trainer_reaches_course_admin_but_not_users(client, organisation):
    from tests.factories import make_user

    trainer = make_user("trainer", organisation=organisation, groups=("Trainers",), is_staff=True)
    client.force_login(trainer)
    assert client.get("/admin/courses/lesson/").status_code == 200
    assert client.get("/admin/courses/course/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403


@pytest.mark.django_db
def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_unknown_user_and_wrong_password_get_the_same_message(client, learner):
    wrong = client.post(reverse("login"), {"username": "learner", "password": "nope"})
    unknown = client.post(reverse("login"), {"username": "nobody", "password": "nope"})
    assert wrong.context["form"].errors == unknown.context["form"].errors


@pytest.mark.django_db
def test_login_is_locked_after_repeated_failures(client, learner):
    for _ in range(5):
        client.post(reverse("login"), {"username": "learner", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "learner", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert not client.session.get("_auth_user_id")
