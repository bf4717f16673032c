"""Template tags of Lyceum's admin pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BaseForm

register = template.Library()


def _form_items(form: BaseForm, prefix: str = "") -> list[dict[str, Any]]:
    items = []
    for name, errors in form.errors.items():
        if name == "__all__":
            items.append({"label": f"{prefix}the form".strip(), "messages": list(errors), "anchor": ""})
            continue
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else name.replace("_", " ")
        anchor = form[name].auto_id if field is not None else ""
        items.append({"label": f"{prefix}{label}", "messages": list(errors), "anchor": anchor})
    return items


@register.inclusion_tag("admin/lyceum_error_summary.html")
def error_summary(adminform: Any, inline_admin_formsets: list[Any]) -> dict[str, Any]:
    """The errors of the main form and of every inline row, as label, messages and the field's id."""
    items = _form_items(adminform.form)
    for inline in inline_admin_formsets:
        formset = inline.formset
        name = str(inline.opts.verbose_name).capitalize()
        for message in formset.non_form_errors():
            items.append(
                {"label": str(inline.opts.verbose_name_plural).capitalize(), "messages": [message], "anchor": ""}
            )
        for number, form in enumerate(formset.forms, start=1):
            if form.errors:
                items.extend(_form_items(form, prefix=f"{name} {number}, "))
    return {"items": items}
