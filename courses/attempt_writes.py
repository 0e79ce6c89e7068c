"""The two statements of every autosave and submit, without the ORM's compilation on each
request (cProfile: compiling the picks' UPDATE, a join through the snapshot's questions, and
the row lock took more Python time than the rest of an autosave).

``lock_attempt`` is compiled once (dianova_training/prepared.py, checked against its QuerySet
in tests/test_prepared.py); ``write_answers`` writes one UPDATE from the table and column
names of the models, its values all passed as parameters.
"""

from uuid import UUID

from django.db import connections, router

from dianova_training.prepared import PreparedQuery

from .models import AttemptChoice, AttemptQuestion, QuizAttempt


def _locked_attempt(attempt_id: UUID):
    return QuizAttempt.objects.select_for_update().filter(pk=attempt_id)


LOCKED_ATTEMPT = PreparedQuery(
    _locked_attempt, attempt_id=UUID("0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b")
)


def lock_attempt(attempt_id: UUID) -> QuizAttempt:
    """The attempt's row, locked until the transaction ends (callers are atomic; SQLite
    serialises write transactions instead)."""
    locked = LOCKED_ATTEMPT.first(attempt_id=attempt_id)
    if locked is None:
        raise QuizAttempt.DoesNotExist
    return locked


def write_answers(attempt: QuizAttempt, answers: dict[int, set[int]]) -> None:
    """One UPDATE: of the answered questions of ``attempt``'s snapshot, the picked choices
    selected and the others not. ``answers``: snapshot question id → snapshot choice ids."""
    if not answers:
        return
    connection = connections[router.db_for_write(AttemptChoice)]
    quote = connection.ops.quote_name
    choices, questions = AttemptChoice._meta, AttemptQuestion._meta

    def column(meta, name: str) -> str:
        return quote(meta.get_field(name).column)

    picked = sorted(set().union(*answers.values()))
    answered = sorted(answers)
    if picked:
        marks = ", ".join(["%s"] * len(picked))
        selected = f"CASE WHEN {column(choices, 'id')} IN ({marks}) THEN %s ELSE %s END"
        params = [*picked, True, False]
    else:
        selected, params = "%s", [False]
    attempt_id = QuizAttempt._meta.pk.get_db_prep_value(attempt.pk, connection)
    # Only names from the models and placeholders are written into the SQL; values are all
    # parameters.
    target = f"{quote(choices.db_table)} SET {column(choices, 'selected')} = {selected}"
    snapshot = (
        f"{column(questions, 'id')} FROM {quote(questions.db_table)} "
        f"WHERE {column(questions, 'attempt')} = %s "
        f"AND {column(questions, 'id')} IN ({', '.join(['%s'] * len(answered))})"
    )
    where = f"{column(choices, 'attempt_question')} IN (SELECT {snapshot})"
    sql = f"UPDATE {target} WHERE {where}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, attempt_id, *answered])
