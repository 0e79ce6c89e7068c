"""Demo data: member organisations, the demo logins, staff with varied progress, the
charter and the ambassador programme (see programme.py).

Also two assignments of the course with due dates (Dianova Canada, due in three weeks;
Dianova Portugal, already overdue, so the reports show it) and a demo ``learner`` who has
completed the course and so holds a certificate.

Idempotent: people are matched by username and only newly created staff get generated
progress, so running it again changes nothing (the assignments' due dates are set again
relative to today; only staff who never joined get a programme history).
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from ambassadors.demo.contacts import load_contacts
from ambassadors.demo.learning import complete_course, take_quiz
from ambassadors.demo.programme import load_programme
from ambassadors.models import Organisation, StaffProfile
from ambassadors.people import services as people_services
from ambassadors.programme.charter import load_charters
from ambassadors.programme.texts import load_programme as load_programme_texts
from courses import content, services
from courses.models import Certificate, Course, Lesson, Quiz

ORGANISATIONS = [
    # name, slug, country, language
    ("Dianova Portugal", "dianova-portugal", "PT", "pt"),
    ("Dianova Spain", "dianova-spain", "ES", "es"),
    ("Dianova Italy", "dianova-italy", "IT", "it"),
    ("Dianova Canada", "dianova-canada", "CA", "fr"),
    ("Dianova USA", "dianova-usa", "US", "en"),
    ("Dianova Chile", "dianova-chile", "CL", "es"),
    ("Dianova Uruguay", "dianova-uruguay", "UY", "es"),
]

STAFF_NAMES = {
    "dianova-portugal": [
        "Ana Silva",
        "João Costa",
        "Marta Ferreira",
        "Pedro Santos",
        "Rita Lopes",
        "Tiago Almeida",
        "Inês Martins",
    ],
    "dianova-spain": [
        "Lucía García",
        "Javier Martín",
        "Carmen López",
        "Pablo Sánchez",
        "Elena Romero",
        "Sergio Navarro",
    ],
    "dianova-italy": [
        "Giulia Rossi",
        "Marco Bianchi",
        "Francesca Greco",
        "Luca Romano",
        "Chiara Ricci",
    ],
    "dianova-canada": [
        "Émilie Tremblay",
        "Olivier Gagnon",
        "Camille Roy",
        "Mathieu Côté",
        "Sophie Bouchard",
    ],
    "dianova-usa": [
        "Emily Johnson",
        "Michael Brown",
        "Sarah Davis",
        "David Miller",
        "Jessica Wilson",
    ],
    "dianova-chile": ["Valentina Muñoz", "Matías Rojas", "Catalina Díaz", "Benjamín Soto"],
    "dianova-uruguay": ["Sofía Rodríguez", "Mateo Fernández", "Martina Pereira"],
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organisation: str | None
    language: str


DEMO_LOGINS = [
    DemoLogin("learner", "staff", "dianova-canada", "fr"),
    DemoLogin("trainer", "trainer", "dianova-spain", "en"),
    DemoLogin("manager", "manager", "dianova-usa", "en"),
    DemoLogin("manager-pt", "manager", "dianova-portugal", "pt"),
    DemoLogin("admin", "admin", None, "en"),
]


def _username(full_name: str) -> str:
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode()
    return ascii_name.lower().replace(" ", ".")


def _ensure_user(username: str, password: str, **fields):
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username, defaults=fields)
    if created:
        user.set_password(password)
        user.save()
    return user, created


def _simulate_progress(user, course: Course, rng: random.Random) -> None:
    """Give a new demo learner a plausible amount of progress in ``course``."""
    lessons = list(
        Lesson.objects.published().filter(module__course=course).order_by("module__order", "order")
    )
    quizzes = {q.module_id: q for q in Quiz.objects.published().filter(course=course)}
    share = rng.choice([0, 0, 0.15, 0.35, 0.6, 0.85, 1, 1])
    for lesson in lessons[: round(share * len(lessons))]:
        services.lesson_complete(user=user, lesson=lesson)
        last_of_module = lesson == [x for x in lessons if x.module_id == lesson.module_id][-1]
        quiz = quizzes.get(lesson.module_id)
        if last_of_module and quiz:
            take_quiz(user, quiz, good=rng.random() < 0.85)
    if share == 1 and None in quizzes:
        take_quiz(user, quizzes[None], good=True)


@transaction.atomic
def load_demo(*, password: str, seed: int = 2026) -> list[DemoLogin]:
    """Create (or keep) the demo organisations, logins, staff and course content."""
    content.load_all()
    load_charters()
    organisations = {}
    for name, slug, country, language in ORGANISATIONS:
        organisations[slug], _created = Organisation.objects.update_or_create(
            slug=slug, defaults={"name": name, "country": country, "language": language}
        )
    load_contacts(organisations)
    groups = {g.name: g for g in Group.objects.filter(name__in=["Staff", "Trainers", "Managers"])}

    for login in DEMO_LOGINS:
        first, last = login.username.replace("-", " ").title(), "Demo"
        user, _created = _ensure_user(
            login.username,
            password,
            first_name=first,
            last_name=last,
            email=f"{login.username}@demo.dianova.invalid",
            is_staff=login.role in {"trainer", "admin"},
            is_superuser=login.role == "admin",
        )
        profile = people_services.profile_change(
            user=user, organisation=organisations.get(login.organisation), language=login.language
        )
        # The demo trainer verifies ambassador actions of the whole network.
        profile.manages_whole_network = login.username in {"manager", "trainer"}
        profile.save(update_fields=["manages_whole_network"])
        user.groups.add(groups["Staff"])
        if login.role == "trainer":
            trainer = user
            user.groups.add(groups["Trainers"])
        if login.role == "manager":
            user.groups.add(groups["Managers"])
            if login.username == "manager-pt":
                profile.managed_organisations.set([organisations["dianova-portugal"]])

    rng = random.Random(seed)
    staff = []
    newcomers = []
    originals = list(Course.objects.published().filter(translation_of__isnull=True))
    for slug, names in STAFF_NAMES.items():
        organisation = organisations[slug]
        for full_name in names:
            first, last = full_name.split(" ", 1)
            username = _username(full_name)
            user, created = _ensure_user(
                username,
                password,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.dianova.invalid",
            )
            if not StaffProfile.objects.filter(user=user).exists():
                newcomers.append(
                    people_services.ProfileChange(
                        user=user, organisation=organisation, language=organisation.language
                    )
                )
            user.groups.add(groups["Staff"])
            staff.append(user)
            if created:
                for original in originals:
                    version = (
                        Course.objects.published()
                        .filter(translation_of=original, language=organisation.language)
                        .first()
                        or original
                    )
                    _simulate_progress(user, version, rng)
    # New staff join their organisation: they get the courses assigned to it.
    people_services.profiles_change(changes=newcomers)
    _assign_and_certify(organisations)
    load_programme(staff=staff, trainer=trainer, seed=seed)
    # Every text of the programme (campaigns and organisations included) in five languages.
    load_programme_texts()
    return DEMO_LOGINS


def _assign_and_certify(organisations: dict[str, Organisation]) -> None:
    """Assign the course to two organisations and let the demo learner finish it."""
    original = Course.objects.published().filter(translation_of__isnull=True).first()
    if original is None:
        return
    admin = get_user_model().objects.get(username="admin")
    today = timezone.localdate()
    for slug, due_date in [
        ("dianova-canada", today + timedelta(days=21)),
        ("dianova-portugal", today - timedelta(days=5)),
        ("dianova-spain", today + timedelta(days=3)),  # due soon: weekly reminders
    ]:
        people_services.assignment_create(
            course=original,
            organisations=[organisations[slug]],
            due_date=due_date,
            assigned_by=admin,
        )
    learner = get_user_model().objects.get(username="learner")
    version = (
        Course.objects.published()
        .filter(translation_of=original, language=learner.profile.language)
        .first()
        or original
    )
    if not Certificate.objects.filter(user=learner, course=version).exists():
        complete_course(learner, version, required_only=True)
