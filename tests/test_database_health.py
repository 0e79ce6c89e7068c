"""The database connection's health check (dianova_training/postgresql/base.py): a connection
the server ended is replaced before a request's first query, so the request succeeds; a quiet
connection is reused without the ``SELECT 1`` round trip Django's own check sends."""

import select

import pytest
from django.core.signals import request_started
from django.db import connection
from django.test import Client

from tests.factories import make_course, make_user

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
    pytest.mark.django_db(transaction=True),
]


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _from_another_connection(sql: str, params: list):
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    finally:
        other.close()


def test_a_connection_the_server_ended_is_replaced_before_the_next_request():
    course = make_course(modules=1, lessons=1)
    client = Client()
    client.force_login(make_user())
    assert client.get(course.get_absolute_url()).status_code == 200
    pid = _backend_pid()
    # What a database restart does to every idle connection.
    assert _from_another_connection("SELECT pg_terminate_backend(%s)", [pid]) == (True,)
    select.select([connection.connection.fileno()], [], [], 5)  # its goodbye has arrived
    request_started.send(sender=None)  # as the WSGI handler does: the check is due
    response = client.get(course.get_absolute_url())
    assert response.status_code == 200
    assert course.title in response.content.decode()
    assert _backend_pid() != pid


def test_a_quiet_connection_is_reused_without_a_round_trip():
    pid = _backend_pid()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last query before the check'")
    request_started.send(sender=None)
    connection.close_if_health_check_failed()  # what a request's first query does first
    assert connection.health_check_done
    # The server saw no "SELECT 1": the last statement of the connection is still ours.
    (last,) = _from_another_connection("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
    assert last == "SELECT 'the last query before the check'"
    assert _backend_pid() == pid


def test_a_closed_connection_is_replaced():
    pid = _backend_pid()
    connection.connection.close()  # closed under Django's feet
    request_started.send(sender=None)
    assert _backend_pid() != pid
