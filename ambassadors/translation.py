"""Which programme fields are stored in every language (django-modeltranslation).

Each registered field gets one column per language (``name_en``, ``name_fr``…) on the same
row: reading ``level.name`` gives the active language's text, or the English source when that
translation is empty, with no join. The admin shows them as language tabs; the programme's
shipped data fills them from ``content/programme.yaml`` (``manage.py load_programme``).
"""

from modeltranslation.translator import TranslationOptions, register

from .models import ActionType, BadgeClass, BadgeCriterion, Campaign, Level, Organisation


@register(Level)
class LevelTranslation(TranslationOptions):
    fields = ("name", "description")


@register(ActionType)
class ActionTypeTranslation(TranslationOptions):
    fields = ("name", "description")


@register(BadgeClass)
class BadgeClassTranslation(TranslationOptions):
    fields = ("name", "description")


@register(BadgeCriterion)
class BadgeCriterionTranslation(TranslationOptions):
    fields = ("narrative",)


@register(Campaign)
class CampaignTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("display_name",)
