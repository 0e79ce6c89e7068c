"""The course content is passable by readers, not by guessers, and readable by all staff.

- Guessing: for every quiz and language, the exact chance that someone answering every question
  uniformly at random passes one attempt stays below 2 %.
- Accessibility: every Markdown image has alternative text; a video needs a transcript.
- Reading level: no sentence of the teaching text or the charter runs past 40 words.
- The charter carries every safe-practice rule of module 6.
How these were checked by hand (the reader check) is in content/REVIEW.md.
"""

import itertools
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from courses import content

COURSE_DIR = content.CONTENT_ROOT / "social-media"
VERSIONS = {data["language"]: data for data in content.read_course_dir(COURSE_DIR)}
LANGUAGES = sorted(VERSIONS)
GUESS_LIMIT = Fraction(2, 100)
MAX_WORDS = 40


# --- Guessing ---------------------------------------------------------------------------------


def guess_probability(question: dict) -> Fraction:
    """The chance that a uniformly random answer earns the question's full credit.

    single with k choices: 1/k; true/false: 1/2; multiple (all or nothing) with k choices: one
    right subset among the 2**k - 1 non-empty ones.
    """
    k = len(question["choices"])
    if question["type"] == "multiple":
        return Fraction(1, 2**k - 1)
    return Fraction(1, k)


def passes(correct: int, drawn: int, pass_mark: int) -> bool:
    """The grading rule of courses.services.attempt_submit: score rounded to 0.01, then >=."""
    score = (Decimal(correct) * 100 / Decimal(drawn)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return score >= pass_mark


def pass_by_guessing(quiz: dict) -> Fraction:
    """Exact chance of passing one attempt by guessing: average over every draw of N from the pool.

    Dynamic programming over the pool: ways[j][c] sums, over the subsets of j questions seen so
    far, the probability of exactly c right answers. Dividing by C(pool, N) averages the draws.
    """
    probabilities = [guess_probability(q) for q in quiz["questions"]]
    drawn = quiz.get("draw") or len(probabilities)
    ways = [[Fraction(0)] * (drawn + 1) for _ in range(drawn + 1)]
    ways[0][0] = Fraction(1)
    for p in probabilities:
        for j in range(drawn - 1, -1, -1):
            for c in range(j, -1, -1):
                if ways[j][c]:
                    ways[j + 1][c + 1] += ways[j][c] * p
                    ways[j + 1][c] += ways[j][c] * (1 - p)
    passing = sum(
        (ways[drawn][c] for c in range(drawn + 1) if passes(c, drawn, quiz["pass_mark"])),
        Fraction(0),
    )
    return passing / math.comb(len(probabilities), drawn)


def pass_by_guessing_brute_force(quiz: dict) -> Fraction:
    """The same number by listing every draw and every right/wrong pattern (small pools only)."""
    probabilities = [guess_probability(q) for q in quiz["questions"]]
    drawn = quiz.get("draw") or len(probabilities)
    total, draws = Fraction(0), 0
    for draw in itertools.combinations(probabilities, drawn):
        draws += 1
        for pattern in itertools.product((True, False), repeat=drawn):
            if passes(sum(pattern), drawn, quiz["pass_mark"]):
                chance = Fraction(1)
                for p, right in zip(draw, pattern, strict=True):
                    chance *= p if right else 1 - p
                total += chance
    return total / draws


def quizzes(language: str) -> list[dict]:
    data = VERSIONS[language]
    return [module["quiz"] for module in data["modules"]] + [data["final_quiz"]]


def test_guess_probability_per_question_type():
    four = [{"text": str(i)} for i in range(4)]
    assert guess_probability({"type": "single", "choices": four}) == Fraction(1, 4)
    assert guess_probability({"type": "true_false", "choices": four[:2]}) == Fraction(1, 2)
    assert guess_probability({"type": "multiple", "choices": [*four, {}]}) == Fraction(1, 31)


def test_dynamic_programme_matches_brute_force_and_rises_with_easy_pools():
    for quiz in (m["quiz"] for m in VERSIONS["fr"]["modules"]):
        assert pass_by_guessing(quiz) == pass_by_guessing_brute_force(quiz), quiz["key"]
    coin_flips = {
        "pass_mark": 80,
        "draw": 5,
        "questions": [{"type": "true_false", "choices": [{}, {}]}] * 9,
    }
    # 5 true/false questions, 4 or 5 right: (5 + 1) / 32.
    assert pass_by_guessing(coin_flips) == Fraction(6, 32)
    assert pass_by_guessing(coin_flips) > GUESS_LIMIT


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_quiz_can_be_passed_by_guessing(language):
    chances = {quiz["key"]: pass_by_guessing(quiz) for quiz in quizzes(language)}
    too_easy = {key: f"{float(p):.2%}" for key, p in chances.items() if p >= GUESS_LIMIT}
    assert not too_easy
    assert len(chances) == 8


def test_guessing_chances_are_the_same_in_every_language():
    french = [pass_by_guessing(quiz) for quiz in quizzes("fr")]
    for language in LANGUAGES:
        assert [pass_by_guessing(quiz) for quiz in quizzes(language)] == french, language


# --- Accessibility ----------------------------------------------------------------------------

IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]*)\)")
HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
HTML_ALT = re.compile(r"\balt\s*=\s*(\"[^\"]*\S[^\"]*\"|'[^']*\S[^']*')", re.IGNORECASE)


def markdown_fields(data: dict):
    """Every piece of text a learner may see, with where it comes from."""
    yield "description", data.get("description", "")
    yield "charter", data["charter"]["body"]
    for module in data["modules"]:
        yield f"{module['key']} introduction", module.get("introduction", "")
        for lesson in module["lessons"]:
            yield lesson["key"], lesson["body"]
    for quiz in quizzes(data["language"]):
        for question in quiz["questions"]:
            yield question["key"], question["text"] + "\n" + question.get("feedback", "")
            for choice in question["choices"]:
                yield question["key"], choice["text"] + "\n" + choice.get("explanation", "")


def images_without_alt(text: str) -> list[str]:
    markdown = [m.group(0) for m in IMAGE.finditer(text) if not m.group(1).strip()]
    html = [tag for tag in HTML_IMAGE.findall(text) if not HTML_ALT.search(tag)]
    return markdown + html


def test_images_without_alt_text_are_found():
    assert images_without_alt("Text ![](photo.jpg) and ![  ](b.png)") == [
        "![](photo.jpg)",
        "![  ](b.png)",
    ]
    assert images_without_alt('<img src="a.png"> <img src="b.png" alt="">') == [
        '<img src="a.png">',
        '<img src="b.png" alt="">',
    ]
    assert images_without_alt("![Two hands kneading dough](a.jpg) <img alt='A ball' src=b>") == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_image_has_alt_text_and_every_video_a_transcript(language):
    data = VERSIONS[language]
    missing = [
        f"{where}: {image}"
        for where, text in markdown_fields(data)
        for image in images_without_alt(text)
    ]
    assert not missing
    for module in data["modules"]:
        for lesson in module["lessons"]:
            if lesson.get("video_url") or lesson.get("video"):
                assert str(lesson.get("transcript", "")).strip(), lesson["key"]
            if lesson.get("image"):
                assert str(lesson.get("image_alt", "")).strip(), lesson["key"]


# --- Reading level ----------------------------------------------------------------------------

SENTENCE_END = re.compile(r"(?<=[.!?…:;])\s+")
LIST_MARKER = re.compile(r"^\s*(?:[-+]|\d+\.)\s+")


def sentences(markdown: str) -> list[str]:
    """Sentences of a Markdown text: lines and list items, split at . ! ? … : ;"""
    plain = re.sub(r"[#>*_`|]", " ", markdown)
    found = []
    for line in plain.splitlines():
        line = LIST_MARKER.sub("", line)
        found.extend(part.strip() for part in SENTENCE_END.split(line) if part.split())
    return found


def teaching_texts(data: dict):
    yield "description", data["description"]
    yield "charter", data["charter"]["body"]
    for module in data["modules"]:
        yield f"{module['key']} introduction", module["introduction"]
        for lesson in module["lessons"]:
            yield lesson["key"], lesson["body"]


def test_sentence_splitting():
    assert sentences("### Title\n\nOne two. Three four!\n- an item; another: end") == [
        "Title",
        "One two.",
        "Three four!",
        "an item;",
        "another:",
        "end",
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_sentences_stay_short_enough_for_all_staff(language):
    too_long = []
    lengths = []
    for where, text in teaching_texts(VERSIONS[language]):
        for sentence in sentences(text):
            words = len(sentence.split())
            lengths.append(words)
            if words > MAX_WORDS:
                too_long.append(f"{where} ({words} words): {sentence[:80]}…")
    assert not too_long, "\n".join(too_long)
    assert sum(lengths) / len(lengths) < 15


# --- The charter carries module 6's safe practices --------------------------------------------

# Each rule of lesson m6-l2 (and the "no unofficial account" rule of m6-l3), with words that must
# appear both in module 6 and in the charter of the same language.
SAFE_PRACTICES = {
    "personal is not private": {
        "fr": ("personnel ne veut pas dire privé",),
        "en": ("personal doesn't mean private",),
        "es": ("personal no significa privado",),
        "pt": ("pessoal não quer dizer privado",),
        "it": ("personale non vuol dire privato",),
    },
    "disclose affiliation": {
        "fr": ("affiliation",),
        "en": ("affiliation",),
        "es": ("vinculación",),
        "pt": ("ligação à organização",),
        "it": ("per chi lavor",),
    },
    "privacy settings": {
        "fr": ("paramètres de confidentialité",),
        "en": ("privacy settings",),
        "es": ("configuración de privacidad",),
        "pt": ("definições de privacidade",),
        "it": ("impostazioni della privacy",),
    },
    "no non-public information": {
        "fr": ("non publique",),
        "en": ("non-public information",),
        "es": ("no pública",),
        "pt": ("que não seja",),
        "it": ("non pubblic",),
    },
    "no identifiable beneficiary without consent": {
        "fr": ("consentement explicite, éclairé et écrit",),
        "en": ("explicit, informed and written consent",),
        "es": ("consentimiento explícito, informado y por escrito",),
        "pt": ("consentimento explícito, informado e escrito",),
        "it": ("consenso esplicito, informato e scritto",),
    },
    "copyright": {
        "fr": ("droit d'auteur",),
        "en": ("copyright",),
        "es": ("derechos de autor",),
        "pt": ("direitos de autor",),
        "it": ("diritto d'autore",),
    },
    "criticism goes to the communications team": {
        "fr": ("équipe communication", "capture d'écran"),
        "en": ("communications team", "screenshot"),
        "es": ("equipo de comunicación", "captura de pantalla"),
        "pt": ("equipa de comunicação", "captura de ecrã"),
        "it": ("ufficio comunicazione", "screenshot"),
    },
    "no unofficial account": {
        "fr": ("non officiel",),
        "en": ("unofficial",),
        "es": ("no oficial",),
        "pt": ("não oficial",),
        "it": ("non ufficial",),
    },
}


def lower(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'").replace("*", "")).casefold()


@pytest.mark.parametrize("language", LANGUAGES)
def test_charter_carries_every_safe_practice_of_module_6(language):
    data = VERSIONS[language]
    module6 = next(m for m in data["modules"] if m["key"] == "m6")
    lessons = lower(" ".join(lesson["body"] for lesson in module6["lessons"]))
    charter = lower(data["charter"]["body"])
    gaps = [
        f"{rule}: {word!r} missing from {place}"
        for rule, words in SAFE_PRACTICES.items()
        for word in words[language]
        for place, text in (("module 6", lessons), ("the charter", charter))
        if word not in text
    ]
    assert not gaps, "\n".join(gaps)


# --- French typography ------------------------------------------------------------------------

# A plain space before : ; ? ! % or inside « » (a line may break there), a straight apostrophe, a
# plain space inside a number ("2 000"): French typesetting wants U+202F and ’, as the interface
# does (tests/test_i18n.py).
FRENCH_SLIP = re.compile(r"[ \u00a0][:;?!%»]|«[ \u00a0]|(?<=\w)'(?=\w)|(?<=\d) (?=\d{3}\b)")
# Not prose: the block markers of lessons, addresses, code, and the "!" that opens an image.
NOT_PROSE = re.compile(r"<!--.*?-->|https?://[^\s)\"]+|`[^`\n]*`|!(?=\[)", re.DOTALL)


def french_slips(text: str) -> list[str]:
    prose = NOT_PROSE.sub("", text)
    return [prose[max(0, m.start() - 20) : m.end() + 5] for m in FRENCH_SLIP.finditer(prose)]


def all_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from all_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from all_strings(item)


def test_french_slips_are_found():
    assert french_slips("Les ONG : un outil ; vraiment ? Oui ! À 80 %.") != []
    assert len(french_slips("« citation » et l'ONG, 2 000 vues")) == 4
    assert (
        french_slips("Les ONG\u202f: un outil\u202f; vraiment\u202f? Oui\u202f! À 80\u202f%.") == []
    )
    assert french_slips("«\u202fcitation\u202f» et l’ONG, 2\u202f000 vues, en 2010 ou 2026") == []
    assert french_slips("Voir ![Une image](media/a.png) <!-- block: consent-form -->") == []
    assert french_slips("https://example.org/?q=a ; `x ?`") == [" ; "]


def test_french_course_follows_french_typography():
    """Every text of the French version (the source), titles, lessons, questions, choices,
    explanations and the charter."""
    slips = [slip for text in all_strings(VERSIONS["fr"]) for slip in french_slips(text)]
    assert slips == []
