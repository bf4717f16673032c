"""Rich text stored before ADR 0073 is cleaned with the same sanitizer every write path uses now.

Rows written before sanitizing existed may hold scripts and event handlers. Each rich-text column (the
models' ``RICH_TEXT_FIELDS`` when this migration was written, frozen below; drafts included) is read in
batches by primary key and cleaned in Python; only rows whose text changes are written, so clean rows keep
their data_modified_timestamp and get no change-log entry. Cleaned rows are recorded through change
tracking like any other change: their owners' timestamps move and the change log gets an entry, so the
search index, catalog membership and event-bus consumers replace the copies they hold with the clean text
(ADR 0073).
"""

from django.db import migrations

# Each model's rich-text columns that live in its own table (Degree's overview is Program's column).
RICH_TEXT_COLUMNS = {
    "Course": (
        "short_description",
        "full_description",
        "outcome",
        "prerequisites_raw",
        "syllabus_raw",
        "additional_information",
        "faq",
        "learner_testimonials",
    ),
    "CourseRun": ("short_description_override", "full_description_override", "outcome_override"),
    "Program": ("overview",),
    "Degree": ("application_requirements", "prerequisite_coursework"),
    "Person": ("bio", "major_works"),
    "Organization": ("description", "description_es"),
    "Curriculum": ("marketing_text", "marketing_text_brief"),
    "AdditionalPromoArea": ("description",),
    "Fact": ("blurb",),
    "CertificateInfo": ("blurb",),
}
BATCH = 500


def cleaned_rows(model, columns, alias, batch=BATCH):
    """Yield ``(pk, {column: clean text})`` for the rows of ``model`` whose text the sanitizer changes."""
    from course_metadata.rules.rich_text import sanitize_html

    last = None
    while True:
        rows = model._base_manager.using(alias).order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        page = list(rows.values_list("pk", *columns)[:batch])
        if not page:
            return
        for pk, *values in page:
            changed = {
                name: clean
                for name, value in zip(columns, values, strict=True)
                if value and (clean := sanitize_html(value)) != value
            }
            if changed:
                yield pk, changed
        last = page[-1][0]


def sanitize_stored_rich_text(apps, schema_editor, batch=BATCH):
    """Clean every stored rich-text column; record the rows that changed in change tracking."""
    from django.apps import apps as current_apps

    from course_metadata.tracking.recorder import rows_changed

    alias = schema_editor.connection.alias
    for model_name, columns in RICH_TEXT_COLUMNS.items():
        model = apps.get_model("course_metadata", model_name)
        changed = {}
        for pk, values in cleaned_rows(model, columns, alias, batch):
            # The migration's model has a plain manager: this update records nothing by itself.
            model._base_manager.using(alias).filter(pk=pk).update(**values)
            changed.setdefault(frozenset(values), set()).add(pk)
        for fields, pks in changed.items():
            rows_changed(current_apps.get_model("course_metadata", model_name), pks, alias=alias, fields=fields)


class Migration(migrations.Migration):
    atomic = True

    dependencies = [
        ("course_metadata", "0008_learner_pathways_change_tracked"),
    ]

    operations = [
        migrations.RunPython(sanitize_stored_rich_text, migrations.RunPython.noop),
    ]
