"""The admin's list widgets and rich-text editor: what they accept, what they store, what they render."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse

from course_metadata.admin.widgets import (
    AiLanguagesField,
    AiLanguagesWidget,
    RichTextField,
    RichTextWidget,
    email_list_field,
    language_list_field,
)
from course_metadata.models import Course, CourseRun
from course_metadata.rules.rich_text import sanitize_html


def test_a_list_is_typed_one_value_per_line() -> None:
    field = language_list_field(required=False)
    assert field.clean("en-us\r\n\r\nfr\nen-us\n zh-Hans ") == ["en-us", "fr", "zh-Hans"]
    assert field.clean('["en", "es-419"]') == ["en", "es-419"]
    assert field.clean("") == []
    assert field.prepare_value(["en", "fr"]) == "en\nfr"


def test_a_list_names_the_values_it_refuses() -> None:
    with pytest.raises(ValidationError) as caught:
        language_list_field(required=False).clean("en\nnot a language\n12")
    assert caught.value.messages == ["Not a language code (en, en-us, zh-Hans): not a language, 12."]
    with pytest.raises(ValidationError):
        language_list_field(required=False).clean('["en"')


def test_watchers_are_email_addresses() -> None:
    field = email_list_field(required=False)
    assert field.clean("Ada@Example.org\nada@example.org, bob@example.org") == ["ada@example.org", "bob@example.org"]
    with pytest.raises(ValidationError):
        field.clean("not-an-address")


def test_ai_languages_are_two_lists_or_none() -> None:
    field = AiLanguagesField()
    assert field.clean(["en\nfr", "es"]) == {"transcription_languages": ["en", "fr"], "translation_languages": ["es"]}
    assert field.clean(["", ""]) is None
    assert AiLanguagesWidget().decompress({"transcription_languages": ["en"]}) == [["en"], []]
    assert AiLanguagesWidget().decompress(None) == [[], []]


def test_rich_text_is_sanitized_on_the_server() -> None:
    dirty = (
        '<p onclick="steal()">Hi <script>alert(1)</script><a href="javascript:alert(1)">x</a><img src=x onerror=y></p>'
    )
    assert RichTextField(required=False).clean(dirty) == '<p>Hi <a rel="noopener noreferrer">x</a></p>'
    assert sanitize_html('<h3>Syllabus</h3><ul><li><a href="https://e.org" title="t">w</a></li></ul>') == (
        '<h3>Syllabus</h3><ul><li><a href="https://e.org" title="t" rel="noopener noreferrer">w</a></li></ul>'
    )


def test_the_editor_never_shows_unsanitized_html() -> None:
    html = RichTextWidget().render("full_description", "<p>ok</p><img src=x onerror=alert(1)>")
    editor = html[html.index("lyceum-richtext-editor") : html.index("<textarea")]
    assert "<p>ok</p>" in editor and "onerror" not in editor


@pytest.mark.django_db
def test_the_run_page_stores_lists_and_clean_html(course_run: CourseRun, admin_user: User) -> None:
    model_admin = admin.site._registry[CourseRun]
    request = RequestFactory().get("/")
    request.user = admin_user
    form_class = model_admin.get_form(request, course_run)
    unbound = form_class(instance=course_run)
    data: dict[str, Any] = {}
    for name, field in unbound.fields.items():
        value = unbound[name].value()
        if isinstance(value, list) and name != "staff":
            for index, part in enumerate(value):
                data[f"{name}_{index}"] = field.prepare_value(part) if hasattr(field, "fields") else part
        elif value is not None:
            data[name] = field.prepare_value(value) if name in {"transcript_languages"} else value
    data.update(
        {
            "transcript_languages": "en-us\nfr",
            "ai_languages_0": "en",
            "ai_languages_1": "de\nes",
            "full_description_override": "<p>New</p><script>x()</script>",
        }
    )

    form = form_class(data=data, instance=CourseRun.objects.get(pk=course_run.pk))

    assert form.is_valid(), form.errors
    saved = form.save()
    saved.refresh_from_db()
    assert saved.transcript_languages == ["en-us", "fr"]
    assert saved.ai_languages == {"transcription_languages": ["en"], "translation_languages": ["de", "es"]}
    assert saved.full_description_override == "<p>New</p>"


@pytest.mark.django_db
def test_the_course_page_renders_the_widgets(admin_client: Client, course: Course) -> None:
    Course.objects.filter(pk=course.pk).update(watchers=["ada@example.org"], full_description="<p>Body</p>")

    response = admin_client.get(reverse("admin:course_metadata_course_change", args=[course.pk]))

    html = response.content.decode()
    assert 'class="lyceum-list-widget' in html and "ada@example.org</textarea>" in html
    assert 'class="lyceum-richtext-editor"' in html
    assert (
        "/static/course_metadata/admin/richtext.js" in html and "/static/course_metadata/admin/list_widget.js" in html
    )
