"""Submit Django admin change forms from tests as a browser would: every field as shown."""

from django.forms import BaseForm


def _add_form(data: dict, form: BaseForm) -> None:
    for name in form.fields:
        bound = form[name]
        value = bound.value()
        if value is None or value is False:
            continue
        if value is True:
            data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = str(value)


def change_form_data(response) -> dict:
    """The POST data of the admin page in ``response``, unchanged: the main form, every
    inline formset's management form and forms. Robust to fields and inlines added later."""
    data: dict = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        _add_formset(data, inline.formset)
    return data


def _add_formset(data: dict, formset) -> None:
    """A formset with its forms, and the formsets nested in each form (nested inlines)."""
    _add_form(data, formset.management_form)
    for form in formset.forms:
        _add_form(data, form)
        for nested in getattr(form, "nested_formsets", None) or []:
            _add_formset(data, nested)
