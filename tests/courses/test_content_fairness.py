"""The quizzes test knowledge, not test-taking, and the Spanish keeps the course's own distinction.

- Length: in every pool and language, the rank of the right answer's length among the choices of a
  single-answer question is spread out (no rank holds more than 40 % of the questions), so "pick
  the longest" or "pick the second longest" earns nothing.
- The ladder: no question states a threshold or a level name, which admins can change; the order
  of the ladder's steps, which m6-q2 and fq-q12 rely on, is today's order.
- Coverage: every fact of the seed (content/REVIEW.md) is asked by a question of its own pool
  (a lesson's module quiz; the course description's facts by the final quiz).
- Spanish: "redes sociales" (social networks) is never the umbrella term; it appears only where
  the French source says "réseaux sociaux".
"""

import re
from collections import Counter
from pathlib import Path

import pytest
from django.utils import translation

from courses import content

COURSE_DIR = content.CONTENT_ROOT / "social-media"
VERSIONS = {data["language"]: data for data in content.read_course_dir(COURSE_DIR)}
LANGUAGES = sorted(VERSIONS)
REVIEW = Path(content.CONTENT_ROOT) / "REVIEW.md"
MAX_SHARE = 0.4


def pools(data: dict) -> list[dict]:
    return [module["quiz"] for module in data["modules"]] + [data["final_quiz"]]


def length_rank(question: dict) -> int:
    """1 when the right answer is the longest choice, 2 when second longest, and so on."""
    lengths = [len(choice["text"]) for choice in question["choices"]]
    right = next(i for i, choice in enumerate(question["choices"]) if choice.get("correct"))
    return sorted(lengths, reverse=True).index(lengths[right]) + 1


def concentrated_ranks(pool: dict) -> dict[int, int]:
    """The length ranks held by more than 40 % of the pool's single-answer questions."""
    ranks = Counter(length_rank(q) for q in pool["questions"] if q["type"] == "single")
    total = sum(ranks.values())
    return {rank: n for rank, n in ranks.items() if n > MAX_SHARE * total}


def test_length_rank_counts_from_the_longest_choice():
    question = {"choices": [{"text": "aa"}, {"text": "aaaa", "correct": True}, {"text": "a"}]}
    assert length_rank(question) == 1
    padded = [{"text": "x" * 10, "correct": True}, {"text": "x" * 30}, {"text": "x" * 5}]
    pool = {"questions": [{"type": "single", "choices": padded}] * 3}
    assert concentrated_ranks(pool) == {2: 3}  # a pool where "second longest" always wins


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_right_answers_length_gives_nothing_away(language):
    found = {
        pool["key"]: ranks
        for pool in pools(VERSIONS[language])
        if (ranks := concentrated_ranks(pool))
    }
    assert not found


# --- The ladder ---------------------------------------------------------------------------------

LEVEL_WORD = {"fr": "niveau", "en": "level", "es": "nivel", "pt": "nível", "it": "livello"}
THRESHOLD = {
    "fr": r"\b(\d+|deux|trois|quatre|cinq|six|mille)\s+(mois|actions?|partages?|histoires?)\b"
    r"|\bpar mois\b",
    "en": r"\b(\d+|two|three|four|five|six|thousand)\s+(months?|verified|actions?|shares|stories)\b"
    r"|\ba month\b",
    "es": r"\b(\d+|dos|tres|cuatro|cinco|seis|mil)\s+(mes(es)?|acciones|historias)\b"
    r"|\bal mes\b",
    "pt": r"\b(\d+|duas|dois|três|quatro|cinco|seis|mil)\s+(meses|ações|histórias)\b"
    r"|\bpor mês\b",
    "it": r"\b(\d+|due|tre|quattro|cinque|sei|mille)\s+(mesi|azioni|storie)\b"
    r"|\bal mese\b",
}
LADDER_WORDS = {
    "fr": "échelle",
    "en": "ladder",
    "es": "escalera",
    "pt": "escada",
    "it": "scala",
}


def question_texts(question: dict) -> str:
    parts = [question["text"], question.get("feedback", "")]
    for choice in question["choices"]:
        parts += [choice["text"], choice.get("explanation", "")]
    return " ".join(parts)


def ladder_names_taught(data: dict) -> list[str]:
    """The level names lesson m6-l4 teaches: the bold words of its numbered list."""
    lesson = next(x for m in data["modules"] for x in m["lessons"] if x["key"] == "m6-l4")
    return re.findall(r"^\s*\d\. \*\*([^*]+)\*\*", lesson["body"], re.MULTILINE)


def level_names_in(text: str, language: str, names: list[str]) -> list[str]:
    word = LEVEL_WORD[language]
    return [
        name
        for name in names
        if re.search(rf"\b{word}\s+{re.escape(name)}\b|\b{re.escape(name)}\s+{word}\b", text, re.I)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_question_depends_on_the_ladders_admin_settings(language):
    from ambassadors.models import Level

    levels = list(Level.objects.order_by("rank"))
    with translation.override(language):
        names = [str(level.label) for level in levels]
    taught = ladder_names_taught(VERSIONS[language])
    assert len(names) == len(taught) == 6
    names += taught
    ladder_questions, named, thresholds = [], [], []
    for pool in pools(VERSIONS[language]):
        for question in pool["questions"]:
            text = question_texts(question)
            named += [f"{question['key']}: {n}" for n in level_names_in(text, language, names)]
            if LADDER_WORDS[language] in text.casefold():
                ladder_questions.append(question["key"])
                thresholds += [
                    f"{question['key']}: {m.group(0)}"
                    for m in re.finditer(THRESHOLD[language], text, re.I)
                ]
    assert not named and not thresholds
    assert {"m6-q2", "m6-q3", "m6-q9", "fq-q12"} <= set(ladder_questions)


@pytest.mark.django_db
def test_the_ladder_checks_find_a_level_name_and_a_threshold():
    text = (
        "Pour atteindre le niveau Conteur, il faut une action vérifiée par mois pendant trois mois."
    )
    assert level_names_in(text, "fr", ["Relais", "Conteur"]) == ["Conteur"]
    assert [m.group(0) for m in re.finditer(THRESHOLD["fr"], text)] == ["par mois", "trois mois"]


@pytest.mark.django_db
def test_todays_ladder_has_the_order_the_quizzes_teach():
    """m6-q2 (charter, then profile checklist) and fq-q12 (checklist, then verified shares)."""
    from ambassadors.models import Level

    assert list(Level.objects.order_by("rank").values_list("rule", flat=True)) == [
        "trained",
        "committed",
        "connected",
        "relay",
        "storyteller",
        "ambassador",
    ]


# --- Every fact of the seed is asked -----------------------------------------------------------


def asked_by() -> dict[str, set[str]]:
    """The "asked by" table of content/REVIEW.md: question key -> fact ids."""
    found: dict[str, set[str]] = {}
    for line in REVIEW.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `((?:m\d|fq)-q\d+)` \| (.+?) \|", line)
        if match:
            found[match.group(1)] = set(re.findall(r"S\d\d-[a-z0-9-]+", match.group(2)))
    return found


def fact_places() -> dict[str, str]:
    """Fact id -> where it is taught (the seed table of content/REVIEW.md)."""
    places = {}
    for line in REVIEW.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `S"):
            cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split(" | ")]
            places[cells[0]] = cells[2]
    return places


def test_every_seed_fact_is_asked_by_a_question_of_its_pool():
    places = fact_places()
    table = asked_by()
    assert len(places) == 38
    asked = set().union(*table.values())
    assert sorted(set(places) - asked) == []
    assert asked <= set(places)
    for language in LANGUAGES:
        keys = {
            pool["key"]: {q["key"] for q in pool["questions"]} for pool in pools(VERSIONS[language])
        }
        for question, facts in table.items():
            for fact in facts:
                where = places[fact]
                pool = "final-quiz" if where == "description" else f"{where.split('-')[0]}-quiz"
                assert question in keys[pool], f"{language}: {fact} ({where}) asked by {question}"


# --- Spanish: social media (umbrella) and social networks ------------------------------------

ES_NETWORKS = re.compile(r"\bredes? sociales?\b", re.I)
FR_NETWORKS = re.compile(r"\bréseaux? sociaux?\b|\bréseau social\b", re.I)


def places_of(data: dict):
    yield "title", data["title"]
    yield "summary", data["summary"]
    yield "description", data["description"]
    for module in data["modules"]:
        yield module["key"], module["title"] + "\n" + module.get("introduction", "")
        for lesson in module["lessons"]:
            yield lesson["key"], lesson["title"] + "\n" + lesson["body"]
    for pool in pools(data):
        yield pool["key"], pool["title"]
        for question in pool["questions"]:
            yield question["key"], question_texts(question)
    yield "charter", data["charter"]["title"] + "\n" + data["charter"]["body"]


def test_spanish_says_redes_sociales_only_where_french_says_reseaux_sociaux():
    french = dict(places_of(VERSIONS["fr"]))
    spanish = dict(places_of(VERSIONS["es"]))
    assert spanish.keys() == french.keys()
    extra = {
        place: len(ES_NETWORKS.findall(text))
        for place, text in spanish.items()
        if len(ES_NETWORKS.findall(text)) > len(FR_NETWORKS.findall(french[place]))
    }
    assert not extra
    for place in ("title", "summary", "m2", "m3", "final-quiz", "charter"):
        assert "medios sociales" in spanish[place].casefold(), place
