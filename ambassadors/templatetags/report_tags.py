"""Template helpers of the managers' report pages."""

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()

_ROW = (
    '<tr>\n      <th scope="row" class="fw-normal"><a href="{}">{}</a>'
    '<div class="small text-body-secondary">{}</div></th>\n'
    '      <td>{}<div class="small text-body-secondary">{}</div></td>\n'
    '      <td><span class="badge status-{}">{}</span>{}</td>\n'
    "      <td>{}%</td>\n"
    "      <td>{}</td>\n"
    "      <td>{}{}</td>\n"
    '      <td>\n        <details class="quiz-scores">\n          <summary>{}</summary>\n'
    '          <dl class="small mb-0">{}</dl>\n        </details>\n      </td>\n    </tr>\n'
)
_NOTE = '<div class="small text-body-secondary">{}</div>'


def _short(value, format_name: str) -> str:
    """A date or datetime as the ``date`` filter shows it (datetimes in local time)."""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return formats.date_format(value, format_name)


@register.simple_tag
def course_report_rows(rows: list, quiz_titles: list[str]) -> SafeString:
    """The course report's table rows. One table row per person, written in Python rather
    than through the template engine: a page holds up to 200 rows of a dozen cells and a
    list of quizzes each, which the engine took most of the page's time to render. Every
    value is escaped by ``format_html``."""
    person_url = reverse("ambassadors:person-report", kwargs={"person": 0})[:-2]  # ".../0/"
    html = []
    for row in rows:
        scores = row.best_scores
        completed = (
            format_html(_NOTE, _short(row.completed_at, "SHORT_DATE_FORMAT"))
            if row.completed_at
            else ""
        )
        summary = _("%(taken)s of %(total)s taken") % {
            "taken": taken_count(scores),
            "total": len(scores),
        }
        quizzes = format_html_join(
            "",
            '<dt class="fw-normal">{}</dt><dd class="mb-1">{}</dd>',
            (
                (title, f"{floatformat(score, 0)}%" if score is not None else "—")
                for title, score in quiz_results(scores, quiz_titles)
            ),
        )
        html.append(
            format_html(
                _ROW,
                f"{person_url}{row.user_id}/",
                row.name,
                row.username,
                row.organisation,
                row.country,
                row.status,
                row.status_label,
                completed,
                row.progress,
                _short(row.last_activity_at, "SHORT_DATETIME_FORMAT")
                if row.last_activity_at
                else "—",
                _short(row.due_date, "SHORT_DATE_FORMAT") if row.due_date else "—",
                format_html(_NOTE, _("Assigned")) if row.assigned else "",
                summary,
                quizzes,
            )
        )
    # Every part is format_html's (its values escaped).
    return SafeString("".join(html))  # nosec B703


@register.filter
def quiz_results(scores: list, quizzes: list) -> list[tuple]:
    """Each quiz of the report with the person's best score in it (None: not taken), in the
    report's column order, for the page's compact "Quizzes" cell."""
    return list(zip(quizzes, scores, strict=True))


@register.filter
def taken_count(scores: list) -> int:
    """How many of the report's quizzes the person has a score in."""
    return sum(score is not None for score in scores)


@register.filter
def cell(value):
    """One report cell as the page shows it; the exports write the same value (see
    ``reports/exports.py``): dates in the reader's format, two decimals, "—" for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return formats.number_format(value, 2)
    return value
