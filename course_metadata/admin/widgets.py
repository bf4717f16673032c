"""Form fields and widgets of the course metadata admin: lists of values and sanitized rich text.

Both widgets work without JavaScript (a textarea, one value per line; the HTML source) and are enhanced by
small scripts served from this app's static files (``course_metadata/admin/*.js``), never from a CDN.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from course_metadata.rules.rich_text import rich_text_fields, sanitize_html

MEDIA_CSS = {"all": ["course_metadata/admin/widgets.css"]}
# Language codes as the LMS writes them: en, en-us, zh-Hans, es-419.
LANGUAGE_CODE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# Deliberately loose: an address someone can be told at, not RFC 5322.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# Defaults of the list widgets' texts, translated when a page is rendered.
ADD_A_VALUE = _("Add a value")
A_VALUE = _("value")


class ListWidget(forms.Textarea):
    """A list edited as removable items plus an "add" box; without JavaScript, one value per line."""

    template_name = "course_metadata/admin/list_widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, placeholder: str | Promise = ADD_A_VALUE) -> None:
        super().__init__(attrs={"rows": 3, "cols": 40, **(attrs or {})})
        self.placeholder = placeholder

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return super().format_value(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["placeholder"] = self.placeholder
        return context

    class Media:
        css = MEDIA_CSS
        js = ["course_metadata/admin/list_widget.js"]


class ListField(forms.Field):
    """A JSON list of strings, typed one per line (or as items); blanks and repeats are dropped."""

    widget = ListWidget

    def __init__(
        self,
        *,
        item_pattern: re.Pattern[str] | None = None,
        item_description: str | Promise = A_VALUE,
        normalize: Callable[[str], str] = str.strip,
        placeholder: str | Promise = ADD_A_VALUE,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("widget", ListWidget(placeholder=placeholder))
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)
        self.item_pattern = item_pattern
        self.item_description = item_description
        self.normalize = normalize

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        return "\n".join(str(item) for item in value or [])

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list | tuple):
            lines: Sequence[Any] = value
        elif (value or "").strip().startswith("["):
            lines = self._json_list(value)
        else:
            lines = re.split(r"[\r\n,]+", value or "")
        items: list[str] = []
        for line in lines:
            item = self.normalize(str(line).strip())
            if item and item not in items:
                items.append(item)
        return items

    @staticmethod
    def _json_list(value: str) -> list[Any]:
        """A pasted JSON list (``["en", "fr"]``) is read as the list it is."""
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            raise ValidationError(
                _("This looks like a JSON list but does not parse; put one value per line.")
            ) from None
        if not isinstance(parsed, list):
            raise ValidationError(_("Put one value per line."))
        return parsed

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        if self.item_pattern is not None:
            wrong = [item for item in value if not self.item_pattern.match(item)]
            if wrong:
                raise ValidationError(
                    _("Not a %(item_description)s: %(wrong)s.")
                    % {"item_description": self.item_description, "wrong": ", ".join(wrong)},
                    code="invalid_list_item",
                )

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self.to_python(initial or []) != self.to_python(data)


def language_list_field(**kwargs: Any) -> ListField:
    return ListField(
        item_pattern=LANGUAGE_CODE_RE,
        item_description=_("language code (en, en-us, zh-Hans)"),
        placeholder=_("Add a language code, e.g. en-us"),
        **kwargs,
    )


def email_list_field(**kwargs: Any) -> ListField:
    return ListField(
        item_pattern=EMAIL_RE,
        item_description=_("email address"),
        normalize=lambda item: item.strip().lower(),
        placeholder=_("Add an email address"),
        **kwargs,
    )


class AiLanguagesWidget(forms.MultiWidget):
    template_name = "course_metadata/admin/ai_languages_widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        placeholder = _("Add a language code, e.g. en-us")
        super().__init__([ListWidget(placeholder=placeholder), ListWidget(placeholder=placeholder)], attrs)

    def decompress(self, value: Any) -> list[Any]:
        value = value or {}
        return [value.get("transcription_languages") or [], value.get("translation_languages") or []]


class AiLanguagesField(forms.MultiValueField):
    """The languages a run's AI transcripts and translations exist in; both empty means none (null)."""

    widget = AiLanguagesWidget

    def __init__(self, **kwargs: Any) -> None:
        for unused in ("encoder", "decoder", "max_length"):
            kwargs.pop(unused, None)
        kwargs.setdefault("required", False)
        fields = (language_list_field(required=False), language_list_field(required=False))
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> dict[str, list[str]] | None:
        parts = [*(data_list or []), [], []]
        transcription, translation = parts[0] or [], parts[1] or []
        if not transcription and not translation:
            return None
        return {"transcription_languages": transcription, "translation_languages": translation}

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            cleaned = self.clean(data)
        except ValidationError:
            return True
        return (initial or None) != cleaned


class RichTextWidget(forms.Textarea):
    """A small WYSIWYG editor (bold, italic, lists, links, headings) over the HTML source textarea."""

    template_name = "course_metadata/admin/richtext_widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"rows": 8, "cols": 80, **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # The editor shows stored HTML as HTML: only ever sanitized HTML (older rows may hold anything).
        context["widget"]["safe_html"] = sanitize_html(str(value or ""))
        return context

    class Media:
        css = MEDIA_CSS
        js = ["course_metadata/admin/richtext.js"]


class RichTextField(forms.CharField):
    """HTML cleaned by :func:`course_metadata.rules.rich_text.sanitize_html` before it reaches the model."""

    widget = RichTextWidget

    def clean(self, value: Any) -> str:
        return sanitize_html(super().clean(value) or "")


class CatalogEditingFormMixin:
    """Gives a ModelAdmin the widgets above for the fields named in ``list_fields``, ``email_list_fields`` and
    ``ai_language_fields``, and the rich-text editor for the model's own ``RICH_TEXT_FIELDS``."""

    language_list_fields: Sequence[str] = ()
    email_list_fields: Sequence[str] = ()
    ai_language_fields: Sequence[str] = ()

    def formfield_for_dbfield(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        options = {"required": not db_field.blank, "label": capfirst(db_field.verbose_name)}
        options["help_text"] = db_field.help_text
        if db_field.name in self.language_list_fields:
            return language_list_field(**options)
        if db_field.name in self.email_list_fields:
            return email_list_field(**options)
        if db_field.name in self.ai_language_fields:
            return AiLanguagesField(
                label=options["label"], help_text=_("Transcription languages, then translation languages.")
            )
        if db_field.name in rich_text_fields(db_field.model):
            return RichTextField(**options)
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
