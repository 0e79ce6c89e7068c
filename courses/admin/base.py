"""What several course admin pages share: preview as a learner, translation flags."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from courses.translations import (
    MATCH_PARENT,
    content_changed,
    item_counterparts,
    translations_flag_stale,
)


class PreviewAsLearnerMixin:
    """A "Preview as learner" button on the change page: the learner's page of the object,
    which trainers (courses.change_course) may open even while it is a draft."""

    change_form_template = "admin/courses/preview_change_form.html"
    view_on_site = False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and request.user.has_perm("courses.change_course"):
            extra_context["preview_url"] = obj.get_absolute_url()
        return super().change_view(request, object_id, form_url, extra_context)


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


class NeedsUpdateFilter(admin.SimpleListFilter):
    """Translation items whose original changed since a trainer last reviewed them."""

    title = _("translation status")
    parameter_name = "needs_update"

    def lookups(self, request, model_admin):
        return [("yes", _("Needs update")), ("no", _("Up to date"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(needs_update_since__isnull=False)
        if self.value() == "no":
            return queryset.filter(needs_update_since__isnull=True)
        return queryset


class TranslationFlagsMixin:
    """Flags the translations when a trainer changes an original's lesson or question here,
    and lets trainers mark translation items as reviewed."""

    def _flag(self, request, *, lessons=(), questions=()) -> None:
        count = translations_flag_stale(lessons=lessons, questions=questions)
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d matching item in a translation is now marked “needs update”.",
                    "%(count)d matching items in translations are now marked “needs update”.",
                    count,
                )
                % {"count": count},
                messages.WARNING,
            )

    @staticmethod
    def _reworded(formset, *, matched_by_order: bool = False) -> list:
        """Rows a saved inline formset created, or changed the words of (a change of typography
        only does not count, see ``content_changed``, nor one of order unless the rows are
        matched across translations by their order, as a question's choices are)."""
        changed = {obj.pk for obj, _fields in formset.changed_objects}
        return [*formset.new_objects] + [
            form.instance
            for form in formset.initial_forms
            if form.instance.pk in changed
            and (
                content_changed(form.changed_data, before=form.initial, after=form.cleaned_data)
                or (
                    matched_by_order and form.initial.get("order") != form.cleaned_data.get("order")
                )
            )
        ]

    @classmethod
    def _changed_in_formsets(cls, formsets, model) -> list:
        """Rows of ``model`` that inline formsets created or changed the text of."""
        return [
            item
            for formset in formsets
            if formset.model is model
            for item in cls._reworded(formset)
        ]

    def _mark_reviewed(self, request, count: int) -> None:
        self.message_user(
            request,
            ngettext(
                "%(count)d item marked as reviewed.", "%(count)d items marked as reviewed.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.display(description=_("needs update since"), ordering="needs_update_since")
    def needs_update(self, obj) -> str:
        return _when(obj.needs_update_since) if obj.needs_update_since else "—"

    @admin.display(description=_("translations"))
    def translations(self, obj) -> str:
        """The same lesson or question in the other language versions (see
        ``translations.item_counterparts``)."""
        if not obj.pk:
            return "—"
        original, matches = item_counterparts(obj)
        course = getattr(obj, MATCH_PARENT[type(obj)]).course
        return self._translation_panel(
            obj, is_translation=course.is_translation, original=original, matches=matches
        )

    def _translation_panel(self, obj, *, is_translation: bool, original, matches) -> str:
        """The "translations" box of a lesson or question change page.

        On a translation's item: its state and a link to the original's item. On an
        original's item: each translation's matching item with its state.
        """
        opts = obj._meta

        def change_url(pk: int) -> str:
            return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])

        def state(item) -> str:
            if item.needs_update_since:
                return _("needs update since %(date)s") % {"date": _when(item.needs_update_since)}
            return _("up to date")

        if is_translation:
            if original is None:
                return format_html("{}", state(obj))
            return format_html(
                '{} · {} <a href="{}">{}</a>',
                state(obj),
                _("original:"),
                change_url(original.pk),
                str(original),
            )
        if not matches:
            return _("No translation has this item yet.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{} · {}</a> — {}</li>',
                (
                    (change_url(m.pk), course.get_language_display(), str(m), state(m))
                    for m, course in matches
                ),
            ),
        )
