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
from .snapshots import snapshot_values


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


def _insert(model, rows: list[dict], *, returning: bool) -> list[int]:
    """One multi-row INSERT of ``rows`` (attribute name → value; the model's default for the
    others), values passed as parameters after the fields' own conversion; the new ids in
    the rows' order with ``returning`` (as ``bulk_create`` relies on too)."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    params = []
    for row in rows:
        for field in fields:
            value = row[field.attname] if field.attname in row else field.get_default()
            params.append(field.get_db_prep_save(value, connection))
    marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    columns = ", ".join(quote(field.column) for field in fields)
    target = f"{quote(model._meta.db_table)} ({columns})"
    values = ", ".join([marks] * len(rows))
    if returning:
        values += f" RETURNING {quote(model._meta.pk.column)}"
    # Only the model's names and placeholders are written into the SQL; values are parameters.
    sql = f"INSERT INTO {target} VALUES {values}"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()] if returning else []


def write_snapshot(attempt: QuizAttempt, questions: list, *, shuffle_choices: bool) -> None:
    """The attempt's snapshot of the drawn ``questions`` (pool questions with their choices
    prefetched), as ``snapshots.snapshot_values`` defines it, in two INSERTs and without
    building a model instance per row (cProfile: half of a quiz start went to the ~100
    snapshot instances and ``bulk_create``'s work on them)."""
    snapshot = list(snapshot_values(questions, shuffle_choices=shuffle_choices))
    ids = _insert(
        AttemptQuestion, [{**row, "attempt_id": attempt.pk} for row, _ in snapshot], returning=True
    )
    choice_rows = [
        {**choice, "attempt_question_id": attempt_question_id}
        for attempt_question_id, (_, choices) in zip(ids, snapshot, strict=True)
        for choice in choices
    ]
    if choice_rows:
        _insert(AttemptChoice, choice_rows, returning=False)
