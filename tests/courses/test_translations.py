"""Language versions of a course: which one learners see, "needs update" flags on
translations, and duplicating a course as a new translation."""

import copy

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from courses import content, translations
from courses.models import Choice, Course, Lesson, Module, Question, Quiz, Status
from tests.admin_forms import change_form_data
from tests.factories import make_course, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def family():
    """A French original with an English and a Spanish translation, all published."""
    original = make_course(language="fr")
    english = make_course(language="en", translation_of=original)
    spanish = make_course(language="es", translation_of=original)
    return original, english, spanish


@pytest.fixture
def trainer_client(client, organisation):
    trainer = make_user("trainer", organisation=organisation, groups=("Trainers",), is_staff=True)
    client.force_login(trainer)
    return client


def lesson(course: Course, key: str = "m1-l1") -> Lesson:
    return Lesson.objects.get(module__course=course, key=key)


def question(course: Course, quiz_key: str = "quiz-m1", key: str = "q1") -> Question:
    return Question.objects.get(quiz__course=course, quiz__key=quiz_key, key=key)


def flagged(obj) -> bool:
    obj.refresh_from_db()
    return obj.needs_update_since is not None


# --- Which version learners see ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"), [("fr", "fr"), ("en", "en"), ("es", "es"), ("pt", "fr"), ("it", "fr")]
)
def test_for_language_gives_own_version_else_the_original(family, language, expected):
    shown = list(Course.objects.for_language(language))
    assert [course.language for course in shown] == [expected]


def test_for_language_falls_back_to_original_while_translation_is_a_draft(family):
    original, english, _spanish = family
    english.status = Status.DRAFT
    english.save()
    assert list(Course.objects.for_language("en")) == [original]


def test_for_language_shows_nothing_of_a_draft_family(family):
    original, english, spanish = family
    Course.objects.filter(pk__in=[original.pk, english.pk, spanish.pk]).update(status=Status.DRAFT)
    assert list(Course.objects.for_language("en")) == []


def test_for_language_keeps_courses_without_translations(family):
    standalone = make_course(language="en")
    assert set(Course.objects.for_language("pt")) == {family[0], standalone}


def test_dashboard_never_shows_two_versions_of_one_course(client, family):
    original, english, spanish = family
    user = make_user(language="en")
    client.force_login(user)
    page = client.get(reverse("ambassadors:dashboard")).content.decode()
    assert english.get_absolute_url() in page
    assert original.get_absolute_url() not in page
    assert spanish.get_absolute_url() not in page


def test_translation_must_point_at_an_original_in_another_language(family):
    original, english, _spanish = family
    chained = Course(title="T", slug="t", language="pt", translation_of=english)
    with pytest.raises(ValidationError, match="itself a translation"):
        chained.full_clean()
    same_language = Course(title="T", slug="t", language="fr", translation_of=original)
    with pytest.raises(ValidationError, match="another language"):
        same_language.full_clean()
    second_english = Course(title="T", slug="t", language="en", translation_of=original)
    with pytest.raises(ValidationError, match="already has a version in this language"):
        second_english.full_clean()


# --- "Needs update" flags ---------------------------------------------------------------------


def test_flag_service_marks_matching_items_of_every_translation_only(family):
    original, english, spanish = family
    count = translations.translations_flag_stale(
        lessons=[lesson(original)], questions=[question(original)]
    )
    assert count == 4
    assert flagged(lesson(english)) and flagged(lesson(spanish))
    assert flagged(question(english)) and flagged(question(spanish))
    assert not flagged(lesson(english, "m1-l2"))
    assert not flagged(question(english, key="q2"))
    assert not flagged(lesson(original))


def test_changes_to_a_translation_flag_nothing(family):
    _original, english, spanish = family
    assert translations.translations_flag_stale(lessons=[lesson(english)]) == 0
    assert not flagged(lesson(spanish))


def test_flag_keeps_the_first_date(family):
    original, english, _spanish = family
    translations.translations_flag_stale(lessons=[lesson(original)])
    first = Lesson.objects.get(pk=lesson(english).pk).needs_update_since
    translations.translations_flag_stale(lessons=[lesson(original)])
    assert Lesson.objects.get(pk=lesson(english).pk).needs_update_since == first


def test_admin_lesson_edit_of_original_flags_translations(trainer_client, family):
    original, english, spanish = family
    url = reverse("admin:courses_lesson_change", args=[lesson(original).pk])
    data = change_form_data(trainer_client.get(url))
    data["body"] = "### New\n\nThe original says something else now."
    response = trainer_client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "matching items in translations are now marked" in response.content.decode()
    assert flagged(lesson(english)) and flagged(lesson(spanish))


def test_admin_reordering_the_original_flags_nothing(trainer_client, family):
    original, english, _spanish = family
    url = reverse("admin:courses_lesson_change", args=[lesson(original).pk])
    data = change_form_data(trainer_client.get(url))
    data["order"] = "9"
    assert trainer_client.post(url, data).status_code == 302
    assert lesson(original).order == 9
    assert not flagged(lesson(english))


def _typography_fixed(trainer_client, item, field: str, plain: str) -> tuple[str, dict]:
    """Give ``item``'s ``field`` a text in plain typography; return its admin page and that
    page's form with the text in French typography (U+202F before : ; ?, ’ for ')."""
    setattr(item, field, plain)
    item.save()
    url = reverse(f"admin:courses_{type(item).__name__.lower()}_change", args=[item.pk])
    data = change_form_data(trainer_client.get(url))
    for mark in ":;?":
        plain = plain.replace(f" {mark}", f"\u202f{mark}")
    data[field] = plain.replace("'", "’")
    return url, data


def test_admin_typography_fix_of_the_original_flags_nothing(trainer_client, family):
    """No-break spaces and ’ for ' in the original: what it says is the same, so translators
    have nothing to follow; a changed word in the same edit still flags."""
    original, english, spanish = family
    url, data = _typography_fixed(
        trainer_client, lesson(original), "body", "Les ONG : l'outil ; vraiment ?"
    )
    assert trainer_client.post(url, data).status_code == 302
    assert lesson(original).body == "Les ONG\u202f: l’outil\u202f; vraiment\u202f?"
    assert not flagged(lesson(english)) and not flagged(lesson(spanish))

    data["body"] = data["body"].replace("ONG", "associations")
    assert trainer_client.post(url, data).status_code == 302
    assert flagged(lesson(english)) and flagged(lesson(spanish))


def test_admin_typography_fix_of_a_question_and_choice_flags_nothing(trainer_client, family):
    original, english, _spanish = family
    url, data = _typography_fixed(trainer_client, question(original), "text", "Qu'en dit-on ?")
    data["choices-0-explanation"] = data["choices-0-explanation"].replace(" ", "\u00a0")
    assert trainer_client.post(url, data).status_code == 302
    assert question(original).text == "Qu’en dit-on\u202f?"
    assert Choice.objects.filter(explanation__contains="\u00a0").count() == 1
    assert not flagged(question(english))


def test_admin_edit_of_a_translation_flags_nothing(trainer_client, family):
    _original, english, _spanish = family
    url = reverse("admin:courses_lesson_change", args=[lesson(english).pk])
    data = change_form_data(trainer_client.get(url))
    data["body"] = "Better English."
    assert trainer_client.post(url, data).status_code == 302
    assert lesson(english).body == "Better English."
    assert not any(flagged(lesson(c)) for c in family)


def test_admin_choice_edit_flags_the_translated_question(trainer_client, family):
    original, english, _spanish = family
    url = reverse("admin:courses_question_change", args=[question(original).pk])
    data = change_form_data(trainer_client.get(url))
    data["choices-1-text"] = "A clearer wrong answer"
    assert trainer_client.post(url, data).status_code == 302
    assert Choice.objects.filter(text="A clearer wrong answer").count() == 1
    assert flagged(question(english))
    assert not flagged(question(english, key="q2"))


def test_admin_choice_reorder_flags_the_translated_question(trainer_client, family):
    """Choices are matched across translations by their order: reordering them is a change
    the translation must follow, though no word changed."""
    original, english, _spanish = family
    url = reverse("admin:courses_question_change", args=[question(original).pk])
    data = change_form_data(trainer_client.get(url))
    data["choices-0-order"], data["choices-1-order"] = (
        data["choices-1-order"],
        data["choices-0-order"],
    )
    assert data["choices-0-order"] != data["choices-1-order"]
    assert trainer_client.post(url, data).status_code == 302
    assert flagged(question(english))


def test_admin_module_inline_lesson_edit_flags_translations(trainer_client, family):
    original, english, _spanish = family
    module = Module.objects.get(course=original, key="m1")
    url = reverse("admin:courses_module_change", args=[module.pk])
    data = change_form_data(trainer_client.get(url))
    index = next(i for i in range(5) if data.get(f"lessons-{i}-key") == "m1-l2")
    data[f"lessons-{index}-title"] = "A new title"
    assert trainer_client.post(url, data).status_code == 302
    assert flagged(lesson(english, "m1-l2"))
    assert not flagged(lesson(english, "m1-l1"))


def test_admin_quiz_inline_question_edit_flags_translations(trainer_client, family):
    original, english, _spanish = family
    quiz = Quiz.objects.get(course=original, key="quiz-m1")
    url = reverse("admin:courses_quiz_change", args=[quiz.pk])
    data = change_form_data(trainer_client.get(url))
    index = next(i for i in range(5) if data.get(f"questions-{i}-key") == "q2")
    data[f"questions-{index}-feedback"] = "Reworded feedback"
    assert trainer_client.post(url, data).status_code == 302
    assert flagged(question(english, key="q2"))
    assert not flagged(question(english, key="q1"))


def test_admin_filter_and_mark_reviewed(trainer_client, family):
    original, english, spanish = family
    translations.translations_flag_stale(lessons=[lesson(original)])
    changelist = reverse("admin:courses_lesson_changelist")
    listed = trainer_client.get(changelist, {"needs_update": "yes"}).context["cl"].result_list
    assert {item.pk for item in listed} == {lesson(english).pk, lesson(spanish).pk}

    response = trainer_client.post(
        changelist,
        {"action": "mark_reviewed", "_selected_action": [lesson(english).pk]},
        follow=True,
    )
    assert "1 item marked as reviewed." in response.content.decode()
    assert not flagged(lesson(english))
    assert flagged(lesson(spanish))


def test_admin_mark_reviewed_on_questions(trainer_client, family):
    original, english, _spanish = family
    translations.translations_flag_stale(questions=[question(original)])
    trainer_client.post(
        reverse("admin:courses_question_changelist"),
        {"action": "mark_reviewed", "_selected_action": [question(english).pk]},
    )
    assert not flagged(question(english))


def test_admin_original_pages_show_which_translations_are_stale(trainer_client, family):
    original, english, _spanish = family
    translations.translations_flag_stale(lessons=[lesson(original)], questions=[question(original)])
    course_page = trainer_client.get(
        reverse("admin:courses_course_change", args=[original.pk])
    ).content.decode()
    assert course_page.count("1 lesson needs an update") == 2  # English and Spanish
    assert course_page.count("1 question needs an update") == 2
    assert f"module__course__id__exact={english.pk}&amp;needs_update=yes" in course_page

    lesson_page = trainer_client.get(
        reverse("admin:courses_lesson_change", args=[lesson(original).pk])
    ).content.decode()
    assert "English · Lesson 1.1" in lesson_page and "needs update since" in lesson_page

    translated_page = trainer_client.get(
        reverse("admin:courses_lesson_change", args=[lesson(english).pk])
    ).content.decode()
    assert reverse("admin:courses_lesson_change", args=[lesson(original).pk]) in translated_page


# --- The content loader -----------------------------------------------------------------------


def _versions():
    return content.read_course_dir(content.CONTENT_ROOT / "social-media")


def _first_lesson(data: dict) -> dict:
    return data["modules"][0]["lessons"][0]


def test_loader_flags_translations_when_the_original_changes():
    versions = _versions()
    content.load_versions(versions)
    assert not Lesson.objects.filter(needs_update_since__isnull=False).exists()

    changed = copy.deepcopy(versions)
    _first_lesson(changed[0])["body"] += "\n\nUne phrase de plus."
    changed[0]["modules"][0]["quiz"]["questions"][0]["choices"][0]["explanation"] += " Voilà."
    content.load_versions(changed)
    key = _first_lesson(changed[0])["key"]
    stale = Lesson.objects.filter(needs_update_since__isnull=False)
    assert {(x.module.course.language, x.key) for x in stale} == {
        (data["language"], key) for data in versions[1:]
    }
    assert Question.objects.filter(needs_update_since__isnull=False).count() == len(versions) - 1


def test_loader_flags_nothing_for_a_typography_fix_of_the_original():
    """French typography (U+202F before : ; ? !, ’) applied to every text of the French file
    changes the French course and flags no translation; the words are the same."""
    versions = _versions()
    plain = copy.deepcopy(versions)

    def plain_typography(value):
        if isinstance(value, str):
            return value.replace("\u202f", " ").replace("’", "'")
        if isinstance(value, dict):
            return {key: plain_typography(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain_typography(item) for item in value]
        return value

    plain[0] = plain_typography(plain[0])
    assert plain[0] != versions[0]
    content.load_versions(plain)
    first = Lesson.objects.get(module__course__language="fr", key=_first_lesson(plain[0])["key"])
    assert "’" not in first.body and "\u202f" not in first.body

    content.load_versions(versions)  # the file as shipped, with French typography
    first.refresh_from_db()
    assert first.body == _first_lesson(versions[0])["body"] and "’" in first.body
    assert not Lesson.objects.filter(needs_update_since__isnull=False).exists()
    assert not Question.objects.filter(needs_update_since__isnull=False).exists()


def test_loader_does_not_flag_items_the_translation_file_updated_too():
    versions = _versions()
    content.load_versions(versions)
    changed = copy.deepcopy(versions)
    _first_lesson(changed[0])["body"] += "\n\nUne phrase de plus."
    english = next(data for data in changed if data["language"] == "en")
    _first_lesson(english)["body"] += "\n\nOne more sentence."
    content.load_versions(changed)
    stale = {
        x.module.course.language for x in Lesson.objects.filter(needs_update_since__isnull=False)
    }
    assert "en" not in stale
    assert stale == {data["language"] for data in versions[1:]} - {"en"}


def test_loader_flags_translations_made_in_the_admin():
    versions = _versions()
    (original, *_rest) = content.load_versions(versions[:1])
    made_in_admin = translations.course_duplicate(course=original, language="en")
    changed = copy.deepcopy(versions[:1])
    _first_lesson(changed[0])["title"] = "Un autre titre"
    content.load_versions(changed)
    assert (
        Lesson.objects.filter(
            module__course=made_in_admin, needs_update_since__isnull=False
        ).count()
        == 1
    )


# --- Duplicating a course as a new translation ------------------------------------------------


def _rows(course: Course) -> dict[str, list]:
    return {
        "modules": list(Module.objects.filter(course=course).order_by("order", "pk")),
        "lessons": list(Lesson.objects.filter(module__course=course).order_by("key")),
        "quizzes": list(Quiz.objects.filter(course=course).order_by("key")),
        "questions": list(
            Question.objects.filter(quiz__course=course).order_by("quiz__key", "key")
        ),
        "choices": list(
            Choice.objects.filter(question__quiz__course=course).order_by(
                "question__quiz__key", "question__key", "order"
            )
        ),
    }


def test_duplicate_copies_everything_and_shares_nothing():
    original = make_course(language="fr", final_quiz=True)
    copy_ = translations.course_duplicate(course=original, language="pt")
    assert copy_.pk != original.pk
    assert (copy_.language, copy_.status, copy_.translation_of) == ("pt", Status.DRAFT, original)
    assert copy_.slug != original.slug
    source, target = _rows(original), _rows(copy_)
    for kind in source:
        assert len(source[kind]) == len(target[kind]) > 0, kind
        assert not {x.pk for x in source[kind]} & {x.pk for x in target[kind]}, kind
    assert [x.key for x in source["lessons"]] == [x.key for x in target["lessons"]]
    assert [x.key for x in source["questions"]] == [x.key for x in target["questions"]]
    assert [(c.text, c.is_correct) for c in source["choices"]] == [
        (c.text, c.is_correct) for c in target["choices"]
    ]
    # Every row of the copy hangs from the copy, never from the original.
    assert {x.course_id for x in target["modules"]} == {copy_.pk}
    assert {x.module.course_id for x in target["lessons"]} == {copy_.pk}
    assert {x.course_id for x in target["quizzes"]} == {copy_.pk}
    assert {x.module.course_id for x in target["quizzes"] if x.module} == {copy_.pk}
    assert {x.quiz.course_id for x in target["questions"]} == {copy_.pk}
    assert {x.question.quiz.course_id for x in target["choices"]} == {copy_.pk}


def test_editing_the_copy_never_changes_the_original():
    original = make_course(language="fr")
    copy_ = translations.course_duplicate(course=original, language="it")
    Lesson.objects.filter(module__course=copy_).update(body="Testo italiano")
    Choice.objects.filter(question__quiz__course=copy_).update(text="Scelta")
    Question.objects.filter(quiz__course=copy_).delete()
    assert not Lesson.objects.filter(module__course=original, body="Testo italiano").exists()
    assert not Choice.objects.filter(question__quiz__course=original, text="Scelta").exists()
    assert Question.objects.filter(quiz__course=original).count() == 6


def test_duplicate_gives_keyless_items_a_key_so_they_stay_matched():
    original = make_course(language="fr", modules=1, lessons=1)
    Lesson.objects.filter(module__course=original).update(key="")
    copy_ = translations.course_duplicate(course=original, language="en")
    source = Lesson.objects.get(module__course=original)
    target = Lesson.objects.get(module__course=copy_)
    assert source.key and source.key == target.key
    assert translations.translations_flag_stale(lessons=[source]) == 1
    assert flagged(target)


def test_duplicate_of_a_translation_links_the_copy_to_the_original(family):
    original, english, _spanish = family
    copy_ = translations.course_duplicate(course=english, language="it")
    assert copy_.translation_of == original
    assert lesson(copy_).title == lesson(english).title


def test_duplicate_into_an_existing_language_is_refused_and_saves_nothing(family):
    original, _english, _spanish = family
    before = Course.objects.count(), Lesson.objects.count()
    with pytest.raises(ValidationError, match="already has a version in this language"):
        translations.course_duplicate(course=original, language="en")
    with pytest.raises(ValidationError, match="another language"):
        translations.course_duplicate(course=original, language="fr")
    assert (Course.objects.count(), Lesson.objects.count()) == before


def _action(client, course, **extra):
    return client.post(
        reverse("admin:courses_course_changelist"),
        {"action": "duplicate_as_translation", "_selected_action": [course.pk], **extra},
    )


def test_admin_duplicate_action_asks_for_the_language_then_copies(trainer_client, family):
    original, _english, _spanish = family
    page = _action(trainer_client, original)
    assert page.status_code == 200
    languages = dict(page.context["form"].fields["language"].choices)
    assert set(languages) == {"pt", "it"}  # fr, en and es exist

    response = _action(trainer_client, original, apply="1", language="pt")
    copy_ = Course.objects.get(translation_of=original, language="pt")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:courses_course_change", args=[copy_.pk])
    assert copy_.status == Status.DRAFT
    assert Lesson.objects.filter(module__course=copy_).count() == 4


def test_admin_duplicate_existing_language_gives_a_message_not_an_error(
    trainer_client, family, monkeypatch
):
    original, _english, _spanish = family
    before = Course.objects.count()
    # A language taken by someone else between showing the form and submitting it.
    monkeypatch.setattr(
        "courses.admin.content.translation_languages",
        lambda course: [("en", "English"), ("pt", "P")],
    )
    response = _action(trainer_client, original, apply="1", language="en")
    assert response.status_code == 200
    assert "already has a version in this language" in response.content.decode()
    assert Course.objects.count() == before


def test_admin_duplicate_needs_exactly_one_course(trainer_client, family):
    original, english, _spanish = family
    response = trainer_client.post(
        reverse("admin:courses_course_changelist"),
        {"action": "duplicate_as_translation", "_selected_action": [original.pk, english.pk]},
        follow=True,
    )
    assert "Select exactly one course to duplicate." in response.content.decode()
    assert Course.objects.count() == 3


def test_admin_course_form_explains_the_one_translation_per_language_rule(trainer_client, family):
    _original, _english, spanish = family
    url = reverse("admin:courses_course_change", args=[spanish.pk])
    data = change_form_data(trainer_client.get(url))
    data["language"] = "en"
    response = trainer_client.post(url, data)
    assert response.status_code == 200
    assert "already has a version in this language" in response.content.decode()
