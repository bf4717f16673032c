"""Filters of the read API (django-filter): each parameter is parsed by ``params`` and a bad value is a 400
that names it (``q``, the query-string language, is answered by the search layer through
``course_metadata.selectors.query_strings``). Ordering always ends with the primary key, so paging
never repeats or skips a row."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.views import APIView

from course_metadata.api.errors import ServiceUnavailable
from course_metadata.api.v1 import params
from course_metadata.models import CourseEditor, CourseRunStatus, Person, Program, ProgramStatus
from course_metadata.models.partners import TaggedOrganization
from course_metadata.selectors.course_runs import course_runs
from course_metadata.selectors.people import people_of_organization
from course_metadata.selectors.programs import programs
from course_metadata.selectors.query_strings import (
    COURSE,
    COURSE_RUN,
    PROGRAM,
    QueryRejected,
    QueryUnavailable,
    matching_uuids,
)


def _parsed_field(parse: Callable[[str], Any]) -> type[forms.Field]:
    class ParsedField(forms.CharField):
        def to_python(self, value: Any) -> Any:
            text = super().to_python(value)
            if not text:
                return None
            if "\x00" in text:  # checked here: the CharField's own check only sees the parsed value
                raise forms.ValidationError(gettext_lazy("Null characters are not allowed."))
            try:
                return parse(text)
            except params.BadParameter as error:
                # The message quotes client input, which may hold "%": pass it as a parameter, not a format.
                raise forms.ValidationError("%(message)s", params={"message": str(error)}) from None

    return ParsedField


class StrictBooleanFilter(django_filters.BooleanFilter):
    """1/0 (or true/false, yes/no, on/off); anything else is a 400 rather than being ignored."""

    field_class = _parsed_field(params.parse_bool)


class TimestampFilter(django_filters.IsoDateTimeFilter):
    field_class = _parsed_field(params.parse_timestamp)

    def __init__(self, field_name: str = "data_modified_timestamp", **kwargs: Any) -> None:
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault(
            "help_text",
            f"Only objects whose data changed at or after this instant: {params.TIMESTAMP_FORMATS}.",
        )
        super().__init__(field_name=field_name, **kwargs)


class RepeatedValuesInput(forms.TextInput):
    """Reads a repeated parameter (``status=active&status=retired``) as the comma-separated list it means.

    Django's widgets read only the last value, so course-discovery's clients that repeat a parameter (the
    LMS's program-cache refresh does) got the last value alone.
    """

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        values = data.getlist(name) if hasattr(data, "getlist") else []
        if len(values) > 1:
            return ",".join(values)
        return super().value_from_datadict(data, files, name)


class ListFilter(django_filters.CharFilter):
    """A list, comma-separated or repeated; matches rows whose field is any of the values (none: no filter)."""

    parse: Callable[[str], list[Any]] = staticmethod(params.split_list)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("lookup_expr", "in")
        kwargs.setdefault("widget", RepeatedValuesInput)
        super().__init__(*args, **kwargs)
        self.field_class = _parsed_field(self.parse)

    def filter(self, qs: QuerySet, value: list[Any] | None) -> QuerySet:
        if not value:
            return qs
        return super().filter(qs, value)


class UUIDListFilter(ListFilter):
    parse = staticmethod(params.parse_uuid_list)

    def __init__(self, field_name: str = "uuid", **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "Comma-separated UUIDs.")
        super().__init__(field_name=field_name, **kwargs)


class IdListFilter(ListFilter):
    parse = staticmethod(params.parse_id_list)


class CourseKeyListFilter(ListFilter):
    parse = staticmethod(params.parse_course_key_list)


class CourseRunKeyListFilter(ListFilter):
    parse = staticmethod(params.parse_course_run_key_list)


def choice_list_parser(choices: Sequence[str]) -> Callable[[str], list[str]]:
    def parse(value: str) -> list[str]:
        values = params.split_list(value)
        for item in values:
            if item not in choices:
                raise params.BadParameter(
                    gettext_lazy("'%(item)s' is not one of: %(value3)s.") % {"item": item, "value3": ", ".join(choices)}
                )
        return values

    return parse


def partner_filter(field_name: str = "partner__short_code") -> ListFilter:
    """``partner``: the incumbent serves the partner of the site asked; here a client may name it (short codes)."""
    return ListFilter(field_name=field_name, help_text=gettext_lazy("Comma-separated partner short codes (edx)."))


class ChoiceListFilter(ListFilter):
    def __init__(self, *args: Any, choices: Sequence[str], **kwargs: Any) -> None:
        self.parse = choice_list_parser(choices)
        kwargs.setdefault("help_text", f"Comma-separated, any of: {', '.join(choices)}.")
        super().__init__(*args, **kwargs)


QUERY_STRING_HELP = (
    'A query string in course-discovery\'s language (Lucene syntax: words, "phrases", field:value, '
    "id:course*, ranges such as start:[2024-01-01 TO *], AND/OR/NOT, + and -; juxtaposed clauses are OR-ed). "
    "A malformed query or an unknown field is a 400 saying where."
)


class QueryStringFilter(django_filters.CharFilter):
    """``q``: the objects of one content type the query string selects, as the search layer answers it."""

    def __init__(self, *args: Any, content_type: str, has_drafts: bool = True, **kwargs: Any) -> None:
        self.content_type = content_type
        self.has_drafts = has_drafts
        kwargs.setdefault("help_text", QUERY_STRING_HELP)
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: str | None) -> QuerySet:
        if not value:
            return qs
        request = getattr(self.parent, "request", None)
        if self.has_drafts and request is not None and params.flag(request, "editable"):
            # As in course-discovery: the search index holds no drafts to search.
            raise ValidationError({self.field_name: [_("q cannot be combined with editable=1.")]})
        uuids = query_string_uuids(self.field_name, value, self.content_type)
        return qs if uuids is None else qs.filter(uuid__in=uuids)


def query_string_uuids(parameter: str, text: str, content_type: str, **kwargs: Any) -> frozenset[Any] | None:
    """``matching_uuids`` with its refusals as API errors: a 400 naming ``parameter``, or a 503."""
    try:
        return matching_uuids(text, content_type, **kwargs)
    except QueryRejected as error:
        raise ValidationError({parameter: [str(error)]}) from None
    except QueryUnavailable as error:
        raise ServiceUnavailable(str(error)) from None


# --- per resource --------------------------------------------------------------------------------------

COURSE_RUN_STATUS_VALUES = (*CourseRunStatus.values, "in_review", "unsubmitted", "archived")
# ``course_type=open-courses``: every course but those of these types (the incumbent's meaning).
OPEN_COURSES = "open-courses"
CLOSED_COURSE_TYPES = ("executive-education-2u", "bootcamp-2u")


class CourseFilter(django_filters.FilterSet):
    keys = CourseKeyListFilter(field_name="key", help_text=gettext_lazy("Comma-separated course keys (edX+CS101)."))
    uuids = UUIDListFilter()
    partner = partner_filter()
    timestamp = TimestampFilter()
    course_run_statuses = ChoiceListFilter(
        choices=COURSE_RUN_STATUS_VALUES,
        method="filter_course_run_statuses",
        help_text=gettext_lazy(
            "Courses with a visible run in any of these statuses (comma-separated): %(value1)s. in_review = legal or internal review; unsubmitted = unpublished and not over; archived = unpublished and over."
        )
        % {"value1": ", ".join(COURSE_RUN_STATUS_VALUES)},
    )
    course_type = ListFilter(
        method="filter_course_type",
        help_text="Comma-separated course type slugs; open-courses means every type but "
        f"{' and '.join(CLOSED_COURSE_TYPES)}.",
    )
    editors = IdListFilter(
        method="filter_editors", help_text="Comma-separated user ids: courses any of them may edit in Publisher."
    )
    q = QueryStringFilter(content_type=COURSE)
    pubq = django_filters.CharFilter(
        method="filter_pubq",
        help_text="Publisher's course search: courses whose key or title contains this text (any case).",
    )

    def filter_course_type(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        if not value:
            return queryset
        wanted = Q(type__slug__in=[slug for slug in value if slug != OPEN_COURSES])
        if OPEN_COURSES in value:
            wanted |= ~Q(type__slug__in=CLOSED_COURSE_TYPES)
        return queryset.filter(wanted)

    def filter_editors(self, queryset: QuerySet, name: str, value: list[int]) -> QuerySet:
        if not value:
            return queryset
        # Editors live on the official row; a draft carries the same UUID.
        return queryset.filter(Exists(CourseEditor.objects.filter(course__uuid=OuterRef("uuid"), user_id__in=value)))

    def filter_pubq(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(Q(key__icontains=value) | Q(title__icontains=value))

    def filter_course_run_statuses(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        runs = course_runs().filter(course=OuterRef("pk")).with_statuses(value)
        return queryset.filter(Exists(runs))


class CourseRunFilter(django_filters.FilterSet):
    keys = CourseRunKeyListFilter(field_name="key", help_text=gettext_lazy("Comma-separated course run keys."))
    uuids = UUIDListFilter()
    partner = partner_filter("course__partner__short_code")
    hidden = StrictBooleanFilter(
        field_name="hidden", help_text=gettext_lazy("1: only hidden runs; 0: only visible ones.")
    )
    active = StrictBooleanFilter(
        method="filter_active", help_text=gettext_lazy("1: only runs that are not over; 0: the others.")
    )
    marketable = StrictBooleanFilter(
        method="filter_marketable",
        help_text=gettext_lazy(
            "1: only marketable runs (published, with a marketing slug, a marketable run type and a seat)."
        ),
    )
    license = django_filters.CharFilter(
        field_name="license", lookup_expr="iexact", help_text="License, any case, e.g. cc-by-sa."
    )
    timestamp = TimestampFilter()
    q = QueryStringFilter(content_type=COURSE_RUN)

    def filter_active(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        active = course_runs().active().values("pk")
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)

    def filter_marketable(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        marketable = course_runs().marketable().values("pk")
        return queryset.filter(pk__in=marketable) if value else queryset.exclude(pk__in=marketable)


class ProgramFilter(django_filters.FilterSet):
    uuids = UUIDListFilter()
    partner = partner_filter()
    types = ListFilter(
        field_name="type__slug", help_text=gettext_lazy("Comma-separated program type slugs (micromasters, ...).")
    )
    status = ChoiceListFilter(field_name="status", choices=ProgramStatus.values)
    marketable = StrictBooleanFilter(
        method="filter_marketable",
        help_text=gettext_lazy("1: only active programs with a marketing slug; 0: the others."),
    )
    hidden = StrictBooleanFilter(
        field_name="hidden", help_text=gettext_lazy("1: only hidden programs; 0: only visible ones.")
    )
    marketing_slug = django_filters.CharFilter(
        field_name="marketing_slug", help_text=gettext_lazy("Exact marketing slug.")
    )
    type = django_filters.CharFilter(field_name="type__name", lookup_expr="iexact", help_text="Type name, any case.")
    timestamp = TimestampFilter()
    q = QueryStringFilter(content_type=PROGRAM, has_drafts=False)

    class Meta:
        model = Program
        fields: list[str] = []

    def filter_marketable(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        marketable = programs().marketable().values("pk")
        return queryset.filter(pk__in=marketable) if value else queryset.exclude(pk__in=marketable)


class OrganizationFilter(django_filters.FilterSet):
    uuids = UUIDListFilter()
    partner = partner_filter()
    tags = ListFilter(method="filter_tags", help_text="Comma-separated tags: organizations with any of them.")
    timestamp = TimestampFilter()

    def filter_tags(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        if not value:
            return queryset
        tagged = TaggedOrganization.objects.filter(content_object_id=OuterRef("pk"), tag__name__in=value)
        return queryset.filter(Exists(tagged))


class PersonFilter(django_filters.FilterSet):
    uuids = UUIDListFilter()
    partner = partner_filter()
    slug = django_filters.CharFilter(field_name="slug", help_text="Exact slug.")
    org = ListFilter(
        method="filter_org",
        help_text="Organization keys (repeated or comma-separated): people holding a position at one or staffing "
        "a run of a course it authors.",
    )

    class Meta:
        model = Person
        fields: list[str] = []

    def filter_org(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return people_of_organization(queryset, value) if value else queryset


class SlugFilter(django_filters.FilterSet):
    """Subjects and topics."""

    uuids = UUIDListFilter()
    partner = partner_filter()
    slug = django_filters.CharFilter(field_name="slug", help_text=gettext_lazy("Exact slug."))


class UUIDFilter(django_filters.FilterSet):
    """The type tables."""

    uuids = UUIDListFilter()


class PathwayFilter(django_filters.FilterSet):
    status = ChoiceListFilter(field_name="status", choices=("unpublished", "published", "retired"))
    uuids = UUIDListFilter()
    partner = partner_filter()


class LearnerPathwayFilter(django_filters.FilterSet):
    uuid = UUIDListFilter(help_text=gettext_lazy("Comma-separated learner pathway UUIDs."))


class StableOrderingFilter(OrderingFilter):
    """DRF's ``ordering`` parameter, always ending with the primary key.

    DRF drops the fields it does not know and orders by the rest; a client that misspells a field then
    gets another order than it asked for without noticing, so an unknown field is a 400 here.
    """

    def remove_invalid_fields(
        self, queryset: QuerySet, fields: Iterable[str], view: APIView, request: Request
    ) -> list[str]:
        valid = [name for name, _unused in self.get_valid_fields(queryset, view, {"request": request})]
        terms = [term for term in fields if term]
        unknown = [term for term in terms if term.removeprefix("-") not in valid]
        if unknown:
            choices = ", ".join(valid) if valid else "none"
            raise ValidationError(
                {
                    self.ordering_param: [
                        gettext_lazy("Cannot order by %(value1)s; fields: %(choices)s.")
                        % {"value1": ", ".join(map(repr, unknown)), "choices": choices}
                    ]
                }
            )
        return terms

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        # Without ordering fields no ``ordering`` can work, so the endpoint neither documents nor takes it.
        return super().get_schema_operation_parameters(view) if getattr(view, "ordering_fields", None) else []

    def get_ordering(self, request: Request, queryset: QuerySet, view: APIView) -> list[str]:
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if not any(field.lstrip("-") in {"pk", "id"} for field in ordering):
            ordering.append("pk")
        return ordering
