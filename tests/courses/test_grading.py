"""The scoring rules of courses/grading.py, documented to trainers in the admin help text."""

from decimal import Decimal

import pytest

from courses.grading import question_credit, score_percent

CORRECT = {1, 2}


@pytest.mark.parametrize(
    ("kind", "scoring", "picked", "credit"),
    [
        ("single", "all_or_nothing", {1}, "1"),
        ("single", "all_or_nothing", {3}, "0"),
        ("single", "all_or_nothing", set(), "0"),
        ("single", "partial", {1}, "1"),  # partial credit applies to multiple answer only
        ("true_false", "all_or_nothing", {1}, "1"),
        ("multiple", "all_or_nothing", {1, 2}, "1"),
        ("multiple", "all_or_nothing", {1}, "0"),
        ("multiple", "all_or_nothing", {1, 2, 3}, "0"),
        ("multiple", "partial", {1, 2}, "1"),
        ("multiple", "partial", {1}, "0.5"),
        ("multiple", "partial", {1, 2, 3}, "0.5"),
        ("multiple", "partial", {1, 3}, "0"),
        ("multiple", "partial", {3, 4}, "0"),  # never below zero
        ("multiple", "partial", set(), "0"),
    ],
)
def test_question_credit(kind, scoring, picked, credit):
    correct = {1} if kind != "multiple" else CORRECT
    assert question_credit(kind=kind, scoring=scoring, correct=correct, picked=picked) == Decimal(
        credit
    )


def test_question_credit_partial_thirds_are_rounded_to_four_places():
    credit = question_credit(kind="multiple", scoring="partial", correct={1, 2, 3}, picked={1})
    assert credit == Decimal("0.3333")


def test_question_credit_without_a_correct_choice_is_zero():
    credit = question_credit(kind="single", scoring="all_or_nothing", correct=set(), picked=set())
    assert credit == 0


def test_score_percent():
    assert score_percent([Decimal(1), Decimal(0), Decimal("0.5")]) == Decimal("50.00")
    assert score_percent([Decimal(1), Decimal(1), Decimal(0)]) == Decimal("66.67")
    assert score_percent([]) == Decimal("0.00")
