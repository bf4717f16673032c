"""course-discovery's search API (``/api/v1/search/…`` and ``/api/v2/search/all/``), answered by the configured
search backend. Views only parse (``search.api.params``), call ``backend.search`` and shape the answer."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from course_metadata.api.query_parameters import GENERIC_PARAMETERS
from search import schema
from search.api import params as p
from search.api.results import result_of
from search.backends import get_backend
from search.backends.base import SearchRequest, SearchResult, SearchUnavailable, TypeaheadRequest
from search.query.nodes import And, Or, Prefix, Term
from search.text import BadValue, words


class ServiceUnavailable(APIException):
    status_code = 503
    default_detail = "Search is unavailable right now; try again shortly."


COMMON_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Search text or a query string (field:value, AND, OR...)."),
    OpenApiParameter("partner", OpenApiTypes.STR, description="Partner short code."),
    OpenApiParameter("content_type", OpenApiTypes.STR, description="Content types, comma-separated."),
    OpenApiParameter("page", OpenApiTypes.INT, description="Page number (results up to 10,000)."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="Results per page (at most 500)."),
    OpenApiParameter("ordering", OpenApiTypes.STR, description="start, -start, aggregation_key..."),
    OpenApiParameter("selected_facets", OpenApiTypes.STR, many=True, description="facet_exact:value filters."),
]
PAGE_SCHEMA = inline_serializer(
    "SearchPage",
    {
        "count": serializers.IntegerField(),
        "next": serializers.CharField(allow_null=True),
        "previous": serializers.CharField(allow_null=True),
        "results": serializers.ListField(child=serializers.DictField()),
    },
)
FACETS_SCHEMA = inline_serializer(
    "SearchFacets",
    {
        "fields": serializers.DictField(child=serializers.ListField(child=serializers.DictField())),
        "queries": serializers.DictField(child=serializers.DictField()),
        "objects": PAGE_SCHEMA,
    },
)


def _link(request: Request, **changes: Any) -> str:
    query = request.query_params.copy()
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = str(value)
    return request.build_absolute_uri(request.path + ("?" + query.urlencode() if query else ""))


def run_search(
    parsed: p.Parsed, *, facets: Sequence[str] = (), with_query_facets: bool = False, size: int | None = None
) -> SearchResult:
    request = SearchRequest(
        query=parsed.query,
        content_types=parsed.content_types,
        partner=parsed.partner,
        text=parsed.text,
        facets=tuple(facets),
        facet_queries=parsed.query_facets if with_query_facets else {},
        ordering=parsed.ordering,
        offset=(parsed.page - 1) * parsed.page_size,
        size=size if size is not None else parsed.page_size,
        search_after=parsed.search_after,
    )
    try:
        return get_backend().search(request)
    except schema.UnknownField as error:
        raise ValidationError({"q": [_("Unknown field '%(name)s'.") % {"name": error.name}]}) from None
    except BadValue as error:
        raise ValidationError({"q": [str(error)]}) from None
    except SearchUnavailable as error:
        raise ServiceUnavailable(str(error)) from None


class SearchView(APIView):
    """A paginated search over some content types, with ``facets/`` beside it."""

    endpoint: ClassVar[p.Endpoint]
    fields: ClassVar[str | None] = None  # "limited": only the identifying fields
    # Declares the page parameters (``page``, ``page_size``) for the tests that walk every list; the
    # paging itself is the backend's (``search.api.params.page_values``).
    pagination_class = PageNumberPagination

    def page(self, request: Request) -> dict[str, Any]:
        parsed = p.parse(request, self.endpoint)
        result = run_search(parsed)
        return self.page_answer(request, parsed, result)

    def page_answer(self, request: Request, parsed: p.Parsed, result: SearchResult) -> dict[str, Any]:
        last = (result.total + parsed.page_size - 1) // parsed.page_size
        return {
            "count": result.total,
            "next": _link(request, page=parsed.page + 1) if parsed.page < last and request.method == "GET" else None,
            "previous": _link(request, page=parsed.page - 1) if parsed.page > 1 and request.method == "GET" else None,
            "results": [result_of(hit, parsed.params, limited=self.fields == "limited") for hit in result.hits],
        }

    @extend_schema(parameters=COMMON_PARAMETERS, responses=PAGE_SCHEMA)
    def get(self, request: Request) -> Response:
        return Response(self.page(request))


class PostableSearchView(SearchView):
    @extend_schema(
        parameters=COMMON_PARAMETERS,
        request=inline_serializer("SearchBody", {"q": serializers.CharField(required=False)}),
        responses=PAGE_SCHEMA,
        description="The same search with the parameters in a JSON body (edx-enterprise's discovery client).",
    )
    def post(self, request: Request) -> Response:
        return Response(self.page(request))


class FacetsView(APIView):
    endpoint: ClassVar[p.Endpoint]

    @extend_schema(
        parameters=[
            *COMMON_PARAMETERS,
            OpenApiParameter("selected_query_facets", OpenApiTypes.STR, many=True, description="availability_…"),
        ],
        responses=FACETS_SCHEMA,
    )
    def get(self, request: Request) -> Response:
        parsed = p.parse(request, self.endpoint, published_only=True)
        result = run_search(parsed, facets=self.endpoint.facets, with_query_facets=True)

        def narrow(extra: Mapping[str, str]) -> str:
            query = request.query_params.copy()
            query.pop("page", None)
            for name, value in extra.items():
                values = sorted({*query.getlist(name), value})
                query.setlist(name, values)
            return request.build_absolute_uri(request.path + "?" + query.urlencode())

        fields = {
            name: [
                {
                    "text": value,
                    "count": count,
                    "narrow_url": narrow({"selected_facets": f"{name}_exact:{_text(value)}"}),
                }
                for value, count in values
            ]
            for name, values in result.facets.items()
        }
        queries = {
            name: {"count": count, "narrow_url": narrow({"selected_query_facets": name})}
            for name, count in result.facet_queries.items()
        }
        last = (result.total + parsed.page_size - 1) // parsed.page_size
        objects = {
            "count": result.total,
            "next": _link(request, page=parsed.page + 1) if parsed.page < last else None,
            "previous": _link(request, page=parsed.page - 1) if parsed.page > 1 else None,
            "results": [result_of(hit, parsed.params) for hit in result.hits],
        }
        return Response({"fields": fields, "queries": queries, "objects": objects})


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


AGGREGATE_FACETS = (
    "content_type",
    "course_type",
    "enterprise_subscription_inclusion",
    "external_course_marketing_type",
    "product_source",
    "first_enrollable_paid_seat_price",
    "is_active",
    "language",
    "level_type",
    "mobile_available",
    "organizations",
    "pacing_type",
    "seat_types",
    "subjects",
    "status",
    "transcript_languages",
    "type",
)
ALL = p.Endpoint(
    content_types=schema.CONTENT_TYPES,
    facets=AGGREGATE_FACETS,
    query_facets=True,
)
LIMITED = p.Endpoint(content_types=(schema.COURSE_RUN, schema.PROGRAM, schema.COURSE), facets=AGGREGATE_FACETS)
COURSES = p.Endpoint(
    content_types=(schema.COURSE,), facets=("level_type", "organizations", "subjects", "prerequisites")
)
COURSE_RUNS = p.Endpoint(
    content_types=(schema.COURSE_RUN,),
    facets=(
        "language",
        "level_type",
        "mobile_available",
        "organizations",
        "pacing_type",
        "first_enrollable_paid_seat_price",
        "seat_types",
        "subjects",
        "transcript_languages",
        "content_type",
        "is_active",
    ),
    query_facets=True,
)
PROGRAMS = p.Endpoint(content_types=(schema.PROGRAM,), facets=("type", "status", "seat_types"))
PEOPLE = p.Endpoint(content_types=(schema.PERSON,), facets=("organizations",), ordering=("aggregation_key",))


class AllSearch(PostableSearchView):
    """Everything: courses, runs, programs, people (and learner pathways with include_learner_pathways=true)."""

    endpoint = ALL


class AllFacets(FacetsView):
    endpoint = ALL


class LimitedSearch(SearchView):
    """Courses, runs and programs, with only their identifying fields."""

    endpoint = LIMITED
    fields = "limited"


class CourseSearch(SearchView):
    endpoint = COURSES


class CourseFacets(FacetsView):
    endpoint = COURSES


class CourseRunSearch(SearchView):
    endpoint = COURSE_RUNS


class CourseRunFacets(FacetsView):
    endpoint = COURSE_RUNS


class ProgramSearch(SearchView):
    endpoint = PROGRAMS


class ProgramFacets(FacetsView):
    endpoint = PROGRAMS


class PersonSearch(SearchView):
    endpoint = PEOPLE


class PersonFacets(FacetsView):
    endpoint = PEOPLE


V2_ALL = p.Endpoint(
    content_types=schema.CONTENT_TYPES,
    facets=AGGREGATE_FACETS,
    query_facets=True,
    ordering=("start", "aggregation_key", "aggregation_uuid"),
    default_ordering=("-start",),
    search_after=True,
)


class AllSearchV2(SearchView):
    """Everything, paged with ``search_after`` (no result window): pass the ``next`` link, or the last result's
    ``sort`` as JSON."""

    endpoint = V2_ALL

    @extend_schema(
        parameters=[
            *COMMON_PARAMETERS,
            OpenApiParameter("search_after", OpenApiTypes.STR, description="The last result's sort, as JSON."),
        ],
        responses=PAGE_SCHEMA,
    )
    def get(self, request: Request) -> Response:
        parsed = p.parse(request, self.endpoint)
        result = run_search(parsed)
        results = []
        for hit in result.hits:
            item = result_of(hit, parsed.params)
            item["aggregation_uuid"] = hit.body.get("aggregation_uuid")
            item["sort"] = list(hit.sort)
            results.append(item)
        more = len(result.hits) == parsed.page_size and (
            parsed.search_after is not None or (parsed.page * parsed.page_size) < result.total
        )
        next_link = (
            _link(request, search_after=json.dumps(list(result.hits[-1].sort)), page=None)
            if more and result.hits
            else None
        )
        return Response({"count": result.total, "next": next_link, "previous": None, "results": results})


TYPEAHEAD_COUNT = 3
TYPEAHEAD_RUNS = 30  # runs fetched to find three of different courses


class TypeaheadSearch(APIView):
    """Up to three course runs (one per course) and three programs whose title has words starting with every
    typed word; published and not hidden."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True, description="What was typed."),
            OpenApiParameter("partner", OpenApiTypes.STR, description="Partner short code."),
        ],
        responses=inline_serializer(
            "Typeahead",
            {
                "course_runs": serializers.ListField(child=serializers.DictField()),
                "programs": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        unknown = sorted(set(request.query_params) - {"q", "partner", *GENERIC_PARAMETERS})
        if unknown:
            raise ValidationError({name: [_("Unknown parameter.")] for name in unknown})
        text = request.query_params.get("q", "")
        if not words(text):
            raise ValidationError({"q": [_("The 'q' querystring parameter is required for searching.")]})
        partner = request.query_params.get("partner") or None
        backend = get_backend()
        try:
            runs = backend.typeahead(TypeaheadRequest(text, schema.COURSE_RUN, partner, TYPEAHEAD_RUNS))
            programs = backend.typeahead(TypeaheadRequest(text, schema.PROGRAM, partner, TYPEAHEAD_COUNT))
        except SearchUnavailable as error:
            raise ServiceUnavailable(str(error)) from None
        seen: set[str] = set()
        course_runs = []
        for hit in runs:
            course_key = str(hit.body.get("course_key"))
            if course_key in seen:
                continue
            seen.add(course_key)
            course_runs.append(_typeahead_item(hit.body, ("key", "title", "marketing_url")))
            if len(course_runs) == TYPEAHEAD_COUNT:
                break
        return Response(
            {
                "course_runs": course_runs,
                "programs": [_typeahead_item(hit.body, ("uuid", "title", "type", "marketing_url")) for hit in programs],
            }
        )


def _typeahead_item(body: Mapping[str, Any], names: Sequence[str]) -> dict[str, Any]:
    item = {name: body.get(name) for name in names}
    item["orgs"] = [label.split(":", 1)[0] for label in body.get("authoring_organizations", [])]
    return item


class PersonTypeahead(APIView):
    """People whose name has every typed word as a word prefix (or whose UUID was typed); ``org`` keeps those
    who staff runs of courses of these organizations."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True, description="What was typed."),
            OpenApiParameter("org", OpenApiTypes.STR, many=True, description="Organization keys."),
        ],
        responses=inline_serializer(
            "PersonTypeaheadResult",
            {"uuid": serializers.CharField(), "full_name": serializers.CharField()},
            many=True,
        ),
    )
    def get(self, request: Request) -> Response:
        unknown = sorted(set(request.query_params) - {"q", "org", *GENERIC_PARAMETERS})
        if unknown:
            raise ValidationError({name: [_("Unknown parameter.")] for name in unknown})
        text = request.query_params.get("q", "")
        tokens = words(text)
        if not tokens:
            raise ValidationError({"q": [_("The 'q' querystring parameter is required for searching.")]})
        conditions: list[Any] = [Prefix("full_name", token) for token in tokens]
        orgs = [org for org in request.query_params.getlist("org") if org]
        if orgs:
            conditions.append(Or(tuple(Term("organizations.raw", org) for org in orgs)))
        node = Or((And(tuple(conditions)), Term("uuid", text.strip())))
        result = get_backend().search(
            SearchRequest(
                query=node, content_types=(schema.PERSON,), ordering=("aggregation_key",), size=p.MAX_PAGE_SIZE
            )
        )
        return Response([result_of(hit, {}) for hit in result.hits])
