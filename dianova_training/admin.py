"""The admin site: each app's models listed under headings that say what they hold.

An app label cannot be split, so ``ambassadors`` (people and programme) and ``courses`` (content
and learning records) would each be one long list. This site groups every model by the package
that defines it (see HEADINGS); a model of a package not listed stays under its app's name.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

# Package of the models → heading, in the order they are shown within their app.
HEADINGS = {
    "ambassadors.people": _("People of the network"),
    "ambassadors.programme": _("Ambassador programme"),
    "courses.models.content": _("Course content"),
    "courses.models.quizzes": _("Course content"),
    "courses.models.attempts": _("Learning records"),
    "courses.models.records": _("Learning records"),
    "courses.models.certificates": _("Learning records"),
}


def heading_for(model) -> str | None:
    module = model.__module__
    for package, heading in HEADINGS.items():
        if module == package or module.startswith(package + "."):
            return heading
    return None


class TrainingAdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        grouped = []
        for app in super().get_app_list(request, app_label):
            sections: dict[str, dict] = {}
            for model in app["models"]:
                heading = heading_for(model["model"]) or app["name"]
                section = sections.setdefault(
                    str(heading), {**app, "name": str(heading), "models": []}
                )
                section["models"].append(model)
            order = [str(heading) for heading in HEADINGS.values()]
            grouped.extend(
                sorted(
                    sections.values(),
                    key=lambda s: order.index(s["name"]) if s["name"] in order else -1,
                )
            )
        return grouped


class TrainingAdminConfig(AdminConfig):
    default_site = "dianova_training.admin.TrainingAdminSite"
