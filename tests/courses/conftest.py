"""Fixtures of the course tests: a trainer signed in to the admin, and the first module's quiz."""

import pytest

from tests.factories import make_user


@pytest.fixture
def trainer(db):
    return make_user("trainer", groups=("Trainers",), is_staff=True)


@pytest.fixture
def trainer_client(client, trainer):
    client.force_login(trainer)
    return client


@pytest.fixture
def quiz(course):
    return course.quizzes.order_by("module__order").first()
