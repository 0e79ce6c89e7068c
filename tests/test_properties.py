"""Property-based tests (hypothesis) of the code that takes what users type or click.

Grading: any quiz, any answers → a score from 0 to 100, all right → 100, grading once only.
Markdown: any text → HTML without script, event handlers, inline styles or dangerous URLs.
Exports: any text → a cell a spreadsheet never reads as a formula.
"""

import csv
import io
import re
import string
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ambassadors.reports.exports import FORMULA_PREFIXES, csv_lines, neutralise, plain
from courses.grading import question_credit, score_percent
from courses.markdown import render
from courses.models import Choice, Question, Quiz, Status
from courses.services import attempt_start, attempt_submit
from tests.factories import make_course, make_user

KINDS = [Question.Kind.SINGLE, Question.Kind.TRUE_FALSE, Question.Kind.MULTIPLE]
SCORINGS = [Question.Scoring.ALL_OR_NOTHING, Question.Scoring.PARTIAL]
DB_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def question_shapes(draw):
    """(kind, scoring, [is_correct per choice]) as an author could save it."""
    kind = draw(st.sampled_from(KINDS))
    scoring = draw(st.sampled_from(SCORINGS))
    if kind == Question.Kind.MULTIPLE:
        correct = draw(st.lists(st.booleans(), min_size=2, max_size=6).filter(any))
    else:
        size = 2 if kind == Question.Kind.TRUE_FALSE else draw(st.integers(2, 6))
        right = draw(st.integers(0, size - 1))
        correct = [index == right for index in range(size)]
    return kind, scoring, correct


# --- grading -------------------------------------------------------------------------------


@given(shape=question_shapes(), picks=st.lists(st.booleans(), min_size=6, max_size=6))
def test_question_credit_is_between_zero_and_one(shape, picks):
    kind, scoring, correct_flags = shape
    correct = {i for i, is_correct in enumerate(correct_flags) if is_correct}
    picked = {i for i in range(len(correct_flags)) if picks[i]}
    credit = question_credit(kind=kind, scoring=scoring, correct=correct, picked=picked)
    assert Decimal(0) <= credit <= Decimal(1)
    assert question_credit(kind=kind, scoring=scoring, correct=correct, picked=correct) == 1
    assert question_credit(kind=kind, scoring=scoring, correct=correct, picked=set()) == 0


@given(
    credits=st.lists(st.decimals(min_value=0, max_value=1, places=4, allow_nan=False), max_size=40)
)
def test_score_percent_is_between_0_and_100(credits):
    score = score_percent(credits)
    assert Decimal(0) <= score <= Decimal(100)
    assert score == score.quantize(Decimal("0.01"))
    assert score_percent([Decimal(1)] * len(credits)) == (100 if credits else 0)


@pytest.fixture
def course(db):
    return make_course(modules=0)


def make_quiz(course, shapes) -> Quiz:
    quiz = Quiz.objects.create(
        course=course, title="Property quiz", pass_mark=80, status=Status.PUBLISHED
    )
    for order, (kind, scoring, correct) in enumerate(shapes, start=1):
        question = Question.objects.create(
            quiz=quiz, kind=kind, scoring=scoring, text=f"Q{order}?", order=order
        )
        Choice.objects.bulk_create(
            Choice(question=question, text=f"C{i}", is_correct=c, order=i)
            for i, c in enumerate(correct, start=1)
        )
    return quiz


@pytest.mark.django_db
@DB_SETTINGS
@given(shapes=st.lists(question_shapes(), min_size=1, max_size=6), data=st.data())
def test_attempt_submit_scores_any_answers_from_0_to_100_once(course, shapes, data):
    quiz = make_quiz(course, shapes)
    attempt = attempt_start(user=make_user(), quiz=quiz)
    questions = list(attempt.questions.prefetch_related("choices"))
    answers = {}
    for question in questions:
        ids = [c.pk for c in question.choices.all()]
        picked = data.draw(st.sets(st.sampled_from(ids)), label=f"picks for {question.text}")
        if picked:
            answers[question.pk] = picked

    graded = attempt_submit(attempt=attempt, answers=answers)

    assert Decimal(0) <= graded.score <= Decimal(100)
    assert graded.score == graded.score.quantize(Decimal("0.01"))
    assert graded.passed == (graded.score >= graded.pass_mark)
    # Grading is done once: a second submission (double click, other tab) changes nothing.
    everything = {q.pk: {c.pk for c in q.choices.all()} for q in questions}
    again = attempt_submit(attempt=attempt, answers=everything)
    assert (again.score, again.submitted_at, again.passed) == (
        graded.score,
        graded.submitted_at,
        graded.passed,
    )
    assert (
        not attempt.questions.filter(choices__selected=True).exclude(pk__in=answers.keys()).exists()
    )


@pytest.mark.django_db
@DB_SETTINGS
@given(shapes=st.lists(question_shapes(), min_size=1, max_size=6))
def test_attempt_submit_all_right_scores_100(course, shapes):
    quiz = make_quiz(course, shapes)
    attempt = attempt_start(user=make_user(), quiz=quiz)
    answers = {
        q.pk: {c.pk for c in q.choices.all() if c.is_correct}
        for q in attempt.questions.prefetch_related("choices")
    }
    graded = attempt_submit(attempt=attempt, answers=answers)
    assert graded.score == Decimal(100)
    assert graded.passed


# --- Markdown ------------------------------------------------------------------------------

ATTACKS = [
    "<script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</script>",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "<object data=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<style>body{background:red}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](java\tscript:alert(1))",
    '<a href="java&#9;script:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="\x01javascript:alert(1)">x</a>',
    "![x](javascript:alert(1))",
    "[x]: javascript:alert(1)\n\n[y][x]",
    "<javascript:alert(1)>",
    '<a href="&#106;avascript:alert(1)">x</a>',
    "<a href='vbscript:msgbox(1)'>x</a>",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "<a href=x onclick=alert(1) onmouseover=alert(1)>x</a>",
    "<img src=x:alert(1) title=`x`onerror=alert(1)>",
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
]
PIECES = ["\n", "\n\n", "*", "_", "[", "](", ")", "<", ">", '"', "'", "`", "=", " on", "href=", ":"]
markdown_text = st.lists(
    st.one_of(st.text(max_size=20), st.sampled_from(ATTACKS), st.sampled_from(PIECES)),
    max_size=15,
).map("".join)
SAFE_SCHEMES = {"http", "https", "mailto"}
FORBIDDEN_TAGS = {"script", "style", "iframe", "object", "embed", "form", "svg", "math", "base"}


class Elements(HTMLParser):
    """Every start tag with its attributes (character references decoded, as a browser does)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))

    handle_startendtag = handle_starttag


C0_CONTROLS_AND_SPACE = "".join(chr(code) for code in range(0x21))


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see (WHATWG URL parsing): C0 controls and spaces around the
    URL are stripped, and tabs and newlines anywhere in it are removed."""
    squeezed = re.sub(r"[\t\n\r]", "", value.strip(C0_CONTROLS_AND_SPACE)).lower()
    match = re.match(r"([a-z][a-z0-9+.-]*):", squeezed)
    return match.group(1) if match else None


@settings(max_examples=300)
@given(text=markdown_text)
def test_markdown_never_outputs_script_handlers_or_dangerous_urls(text):
    html = render(text)
    assert "<script" not in html.lower()
    parser = Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.found:
        assert tag not in FORBIDDEN_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            assert name != "style", html
            if name in {"href", "src", "action", "formaction", "xlink:href", "data"}:
                scheme = url_scheme(value or "")
                assert scheme is None or scheme in SAFE_SCHEMES, html


def test_markdown_attacks_are_each_neutralised():
    for attack in ATTACKS:
        test_markdown_never_outputs_script_handlers_or_dangerous_urls.hypothesis.inner_test(
            text=attack
        )


# --- exports -------------------------------------------------------------------------------

cell_text = st.one_of(
    st.text(),
    st.builds(
        lambda prefix, rest: prefix + rest,
        st.sampled_from([*FORMULA_PREFIXES, "==", "=-", "-=", "'=", " =", "@SUM", "+cmd"]),
        st.text(alphabet=string.printable),
    ),
)


@given(value=cell_text)
def test_neutralise_never_returns_a_formula(value):
    cell = neutralise(value)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    # Only formula-looking text changes, and only by quotes added (at the start, after a ";"
    # or a line break).
    assert cell.replace("'", "") == value.replace("'", "")
    if not value.startswith(FORMULA_PREFIXES) and not {";", "\r", "\n"} & set(value):
        assert cell == value
    assert not plain(value).startswith(("=", "+", "-", "@"))


@given(cells=st.lists(st.lists(cell_text, min_size=1, max_size=4), min_size=1, max_size=5))
def test_csv_export_never_starts_a_formula_whichever_separator_a_spreadsheet_uses(cells):
    """Excel in French, Spanish, Portuguese or Italian splits CSV files at ";"."""
    text = "".join(csv_lines(["h"], cells)).removeprefix("\ufeff")
    for delimiter in (",", ";"):
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            for field in row:
                assert not field.startswith(("=", "+", "-", "@")), (delimiter, row)


@given(value=st.one_of(st.integers(), st.decimals(allow_nan=False), st.none(), st.booleans()))
def test_neutralise_leaves_numbers_alone(value):
    assert neutralise(value) is value
