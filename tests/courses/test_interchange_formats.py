"""GIFT and Aiken: Moodle's own documentation examples, line-numbered refusals, and property
tests (what we export reads back as the same questions)."""

import string

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from courses.interchange import ParsedChoice, ParsedQuestion, aiken, gift


@pytest.fixture(autouse=True)
def _english():
    """The messages are read in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


# Examples from Moodle's GIFT documentation (question/format/gift/examples.txt), quoted for
# interoperability: each supported one must read as Moodle reads it, each other one must be
# refused with its line number.
MOODLE_GIFT = """\
// ===Multiple Choice===

Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}

Grant is {~buried =entombed ~living} in Grant's tomb.

The American holiday of Thanksgiving is celebrated on the {
    ~second
    ~third
    =fourth
} Thursday of November.

Japanese characters originally came from what country? {
    ~India
    =China
    ~Korea
    ~Egypt}

// ===Short Answer===

Two plus two equals {=four =4}.

// ===True-False===

Grant is buried in Grant's tomb.{F}

The sun rises in the east.{T}

// ===Matching===

Match the following countries with their corresponding capitals. {
    =Canada -> Ottawa
    =Italy  -> Rome
    }

// ===Numerical===

When was Ulysses S. Grant born? {#1822}

// ===Question Name===

::Kanji Origins::Japanese characters originally
came from what country? {~India =China}

// ===Feedback===

What's the answer to this multiple-choice question?{
~wrong answer#feedback comment on the wrong answer
~another wrong answer#feedback comment on this wrong answer
=right answer#Very good!}

// ===Percentage Answer Weights===
Grant is buried in Grant's tomb.{FALSE#No one is buried in Grant's tomb.}

Difficult question.{~wrong answer ~%50%half credit answer =full credit answer}

// ===Multiple Answers===

What two people are entombed in Grant's tomb? {
    ~No one
    ~%50%Grant
    ~%50%Grant's wife
    ~Grant's father }

What two people are entombed in Grant's tomb? {
    ~%-50%No one
    ~%50%Grant
    ~%50%Grant's wife
    ~%-50%Grant's father }

// ===Special Characters===
Which answer equals 5? {
     ~ \\= 2 + 2
     = \\= 2 + 3
     ~ \\= 2 + 4  }
"""

MOODLE_AIKEN = """\
What is the correct answer to this question?
A. Is it this one?
B. Maybe this answer?
C. Possibly this one?
D. Must be this one!
ANSWER: D

Which LMS has the most quiz import formats?
A) Moodle
B) ATutor
C) Claroline
D) Blackboard
E) WebCT
F) Ilias
ANSWER: A
"""


def _shape(question: ParsedQuestion) -> tuple:
    return (
        question.kind,
        question.text,
        [(c.text, c.correct) for c in question.choices],
    )


def test_moodle_gift_examples_read_as_moodle_reads_them():
    result = gift.parse(MOODLE_GIFT)
    by_line = {q.line: q for q in result.questions}

    assert _shape(by_line[3]) == (
        "single",
        "Who's buried in Grant's tomb?",
        [("Grant", False), ("Jefferson", False), ("no one", True)],
    )
    assert by_line[5].text == "Grant is _____ in Grant's tomb."  # missing word
    assert by_line[7].text.endswith("the _____ Thursday of November.")
    assert [c.text for c in by_line[13].choices] == ["India", "China", "Korea", "Egypt"]
    assert _shape(by_line[25]) == (
        "true_false",
        "Grant is buried in Grant's tomb.",
        [("True", False), ("False", True)],
    )
    assert [c.correct for c in by_line[27].choices] == [True, False]
    assert by_line[42].key == "kanji-origins"
    assert by_line[42].text == "Japanese characters originally\ncame from what country?"
    assert [c.explanation for c in by_line[47].choices] == [
        "feedback comment on the wrong answer",
        "feedback comment on this wrong answer",
        "Very good!",
    ]
    # {FALSE#feedback}: the feedback is for a learner who answers "True" (the wrong one).
    assert by_line[53].choices[0].explanation == "No one is buried in Grant's tomb."
    weighted, penalised = by_line[59], by_line[65]
    assert (weighted.kind, weighted.scoring) == ("multiple", "all_or_nothing")
    assert [c.correct for c in weighted.choices] == [False, True, True, False]
    assert (penalised.kind, penalised.scoring) == ("multiple", "partial")
    assert [c.text for c in by_line[72].choices] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    assert len(result.questions) == 12

    errors = {e.line: e.message for e in result.errors}
    assert set(errors) == {21, 31, 38, 55}
    assert "short-answer" in errors[21]
    assert "matching" in errors[31]
    assert "numerical" in errors[38]
    assert "partial credit on a single-choice question" in errors[55]
    assert str(result.errors[0]).startswith("Line 21: ")


def test_moodle_aiken_examples():
    result = aiken.parse(MOODLE_AIKEN)
    assert not result.errors
    first, second = result.questions
    assert _shape(first) == (
        "single",
        "What is the correct answer to this question?",
        [
            ("Is it this one?", False),
            ("Maybe this answer?", False),
            ("Possibly this one?", False),
            ("Must be this one!", True),
        ],
    )
    assert (second.line, len(second.choices), second.choices[0].correct) == (8, 6, True)


def test_gift_refusals_name_their_line():
    source = (
        "Fine question {=yes ~no}\n\n"
        "// a comment\n"
        "No right answer {~a ~b}\n\n"
        "Only one choice {=a}\n\n"
        "Never closed {=a ~b\n\n"
        "Two right answers {=a =b ~c}\n\n"
        "Just a description\n\n"
        "Essay {}\n\n"
        "Bad weight {~%half%a =b}\n\n"
        "Multiple without a right one {~%0%a ~%-50%b ~c}\n"
    )
    result = gift.parse(source)
    assert [q.text for q in result.questions] == ["Fine question"]
    lines = [e.line for e in result.errors]
    assert lines == [4, 6, 8, 10, 12, 14, 16, 18]
    messages = [e.message for e in result.errors]
    assert "no right answer" in messages[0]
    assert "short-answer" in messages[1]  # {=a}: Moodle reads a short answer
    assert "never closed" in messages[2]
    assert "one right answer" in messages[3]
    assert "no answers" in messages[4]
    assert "essay" in messages[5]
    assert "weight" in messages[6]
    assert "no right answer" in messages[7]


def test_gift_error_line_is_the_line_of_the_problem_inside_a_question():
    result = gift.parse("Question\non three\nlines {\n~a\n=b\n~%x%c\n}\n")
    assert [(e.line, "weight" in e.message) for e in result.errors] == [(6, True)]


def test_empty_or_comment_only_text_is_refused():
    assert [str(e) for e in gift.parse("// nothing\n\n").errors] == ["Line 1: No question found."]
    assert not aiken.parse("  \n").ok


def test_aiken_refusals_name_their_line():
    source = (
        "Question one\nA. a\nB. b\nANSWER: C\n\n"  # 4: C is not a choice
        "A. choice before any text\nANSWER: A\n\n"  # 6
        "Question three\nA. a\nB. b\n\n"  # 9: no ANSWER line
        "Question four\nA. a\nB. b\nsomething else\nANSWER: A\n\n"  # 16
        "Question five\nA. a\nA. again\nANSWER: A\n\n"  # 21: twice
        "Question six\nA. only one\nANSWER: A\n\n"  # 24: one choice
        "Good one\nA) yes\nB) no\nANSWER: A\n\n"
        "Last one\nA. a\nB. b\n"  # 33: no ANSWER line
    )
    result = aiken.parse(source)
    assert [q.text for q in result.questions] == ["Good one"]
    assert [e.line for e in result.errors] == [4, 6, 9, 16, 21, 24, 33]
    assert "not one of the choices" in result.errors[0].message
    assert "at least two choices" in result.errors[5].message
    assert "no “ANSWER: …” line" in result.errors[2].message


# --- property tests: what we write reads back the same -----------------------------------

TEXT = (
    st.text(
        alphabet=st.sampled_from(string.ascii_letters + string.digits + " ~=#{}:\\%-/[]>_éà\n"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
LINE = TEXT.map(lambda t: " ".join(t.split()))
EXPLANATION = st.one_of(st.just(""), TEXT)


@st.composite
def questions(draw):
    kind = draw(st.sampled_from(["single", "multiple", "true_false"]))
    if kind == "true_false":
        right = draw(st.booleans())
        choices = [
            ParsedChoice("True", right, draw(EXPLANATION)),
            ParsedChoice("False", not right, draw(EXPLANATION)),
        ]
    else:
        count = draw(st.integers(2, 6))
        texts = draw(st.lists(LINE, min_size=count, max_size=count))
        if kind == "single":
            correct = {draw(st.integers(0, count - 1))}
        else:
            correct = set(draw(st.lists(st.integers(0, count - 1), min_size=1, max_size=count)))
        choices = [
            ParsedChoice(text, i in correct, draw(EXPLANATION)) for i, text in enumerate(texts)
        ]
    scoring = None
    if kind == "multiple" and not all(c.correct for c in choices):
        # GIFT says "partial" by the wrong answers' negative weights: without a wrong answer
        # there is nothing to say it with, and the import reads all or nothing.
        scoring = draw(st.sampled_from(["all_or_nothing", "partial"]))
    return ParsedQuestion(
        line=0,
        kind=kind,
        text=draw(TEXT),
        choices=choices,
        feedback=draw(EXPLANATION),
        scoring=scoring or "all_or_nothing",
        key=draw(
            st.one_of(st.just(""), st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,5})?", fullmatch=True))
        ),
    )


def _full(question: ParsedQuestion) -> tuple:
    return (
        question.kind,
        question.scoring,
        question.key,
        question.text,
        question.feedback,
        [(c.text, c.correct, c.explanation) for c in question.choices],
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(questions(), min_size=1, max_size=4))
def test_gift_export_then_parse_gives_the_questions_back(items):
    text = gift.export(items)
    result = gift.parse(text)
    assert result.errors == []
    assert [_full(q) for q in result.questions] == [_full(q) for q in items]


@st.composite
def aiken_questions(draw):
    count = draw(st.integers(2, 8))
    right = draw(st.integers(0, count - 1))
    texts = draw(st.lists(LINE, min_size=count, max_size=count))
    question = draw(LINE.filter(lambda t: not aiken.CHOICE.match(t) and not aiken.ANSWER.match(t)))
    return ParsedQuestion(
        line=0,
        kind="single",
        text=question,
        choices=[ParsedChoice(t, i == right) for i, t in enumerate(texts)],
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(aiken_questions(), min_size=1, max_size=4))
def test_aiken_export_then_parse_gives_the_questions_back(items):
    result = aiken.parse(aiken.export(items))
    assert result.errors == []
    assert [_shape(q) for q in result.questions] == [_shape(q) for q in items]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.sampled_from([gift.parse, aiken.parse]))
def test_parsers_never_crash_and_always_say_something(source, parse):
    result = parse(source)
    assert result.questions or result.errors
