"""Does content belong to a catalog? The same rule twice, side by side: in Python and as a SQL filter.

``accepts`` reads one content document (the change-log consumer asks it of a few candidate catalogs);
``matching_q`` filters ContentMetadata rows (the rebuild asks it of every document at once). Both apply a
query's clauses with the semantics documented on ``catalog.query.tree.Clause`` and its search options
(``OPTION_RULES``); tests/catalog/test_agreement.py checks they agree on generated queries and documents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from catalog.models import ContentFieldValue, ContentMetadata
from catalog.models.content import SCALAR_COLUMNS
from catalog.query import FIELDS, Clause, Lookup, Query, Value, clause_matches, document_values, values_match
from catalog.query.evaluate import node_matches
from search.query.parse import to_query_string

# Search options as membership rules. Learner pathways are offered only to catalogs that ask for them
# (stored enterprise filters opt in); ``exclude_expired_course_run`` drops runs that are over.
LEARNER_PATHWAY = "learnerpathway"
COURSE_RUN = "courserun"
ARCHIVED = "Archived"


def encode_value(value: Value) -> str:
    """A normalized value as text that is equal for equal values (index rows and lookups use it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return "0" if value == 0 else format(value.normalize(), "f")
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


# --- Python ---------------------------------------------------------------------------------------
# The clause semantics themselves live once, in ``catalog.query.values_match``; this side only reads a
# document's values once for many catalogs and adds the search options.


class PreparedDocument:
    """A document's normalized values per field, read once and then tested against many catalogs.

    The consumer evaluates each changed document against every candidate catalog; normalizing the same
    values again for each clause would cost more than the evaluation itself.
    """

    __slots__ = ("document", "values")

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.values: dict[str, frozenset[Value]] = {
            name: document_values(spec, document) for name, spec in FIELDS.items()
        }


def prepare(document: Mapping[str, Any] | PreparedDocument) -> PreparedDocument:
    return document if isinstance(document, PreparedDocument) else PreparedDocument(document)


def options_accept(query: Query, document: Mapping[str, Any] | PreparedDocument) -> bool:
    """Whether the query's search options let this document in (clauses aside)."""
    values = prepare(document).values
    if not query.options.include_learner_pathways and LEARNER_PATHWAY in values["content_type"]:
        return False
    return not (
        query.options.exclude_expired_course_run
        and COURSE_RUN in values["content_type"]
        and ARCHIVED in values["availability"]
    )


def accepts(query: Query, document: Mapping[str, Any] | PreparedDocument) -> bool:
    """Whether ``document`` belongs to a catalog with this query."""
    prepared = prepare(document)
    if query.node is not None:
        return options_accept(query, prepared) and node_matches(query.node, prepared.values)
    return options_accept(query, prepared) and all(
        values_match(clause, prepared.values[clause.field.name]) for clause in query.clauses
    )


# --- SQL ------------------------------------------------------------------------------------------


def _scalar_q(clause: Clause) -> Q:
    column = SCALAR_COLUMNS[clause.field.name]
    if clause.lookup.is_range:
        return Q(**{f"{column}__{clause.lookup.value}": clause.values[0]})
    missing = Q(**{f"{column}__isnull": True})
    present = Q(**{f"{column}__isnull": False})
    if clause.lookup is Lookup.EXACT:
        hit = Q(**{f"{column}__in": clause.values}) if clause.values else Q(pk__in=[])
        return hit | missing if clause.null else hit
    # NOT: a value outside the list, or (unless null is listed) no value at all.
    outside = present & ~Q(**{f"{column}__in": clause.values}) if clause.values else present
    return outside if clause.null else outside | missing


def _many_q(clause: Clause) -> Q:
    rows = ContentFieldValue.objects.filter(content_id=OuterRef("pk"), field=clause.field.name)
    parts = []
    if clause.values:
        parts.append(Q(Exists(rows.filter(value__in=clause.values))))
    if clause.null:
        parts.append(~Q(Exists(rows)))
    hit = parts[0] if len(parts) == 1 else parts[0] | parts[1]
    return hit if clause.lookup is Lookup.EXACT else ~hit


def clause_q(clause: Clause) -> Q:
    """The SQL twin of ``clause_matches``, on ContentMetadata rows."""
    if clause.field.many:
        if clause.lookup.is_range:
            raise ValueError(f"{clause.field.name} is list-valued and has no order")
        return _many_q(clause)
    return _scalar_q(clause)


def options_q(query: Query) -> Q:
    """The SQL twin of ``options_accept``."""
    condition = Q()
    if not query.options.include_learner_pathways:
        condition &= Q(f_content_type__isnull=True) | ~Q(f_content_type=LEARNER_PATHWAY)
    if query.options.exclude_expired_course_run:
        condition &= (
            Q(f_content_type__isnull=True)
            | ~Q(f_content_type=COURSE_RUN)
            | Q(f_availability__isnull=True)
            | ~Q(f_availability=ARCHIVED)
        )
    return condition


def matching_q(query: Query) -> Q:
    """The SQL twin of ``accepts``, for queries of clauses (``content_matching`` takes any query)."""
    if query.node is not None:
        raise ValueError("a query string's search node has no SQL form; use content_matching")
    condition = options_q(query)
    for clause in query.clauses:
        condition &= clause_q(clause)
    return condition


def content_matching(query: Query, contents: QuerySet[ContentMetadata] | None = None) -> QuerySet[ContentMetadata]:
    """The content documents (of ``contents``, by default all) that belong to a catalog with this query."""
    base = ContentMetadata.objects.all() if contents is None else contents
    if query.node is not None:
        return base.filter(pk__in=_node_matching_pks(query, base))
    return base.filter(matching_q(query))


def _node_matching_pks(query: Query, contents: QuerySet[ContentMetadata]) -> list[int]:
    """A query string's node evaluated document by document (ADR 0090): the options as SQL, the node by
    the search layer's evaluator over every remaining document, read in batches."""
    rows = contents.filter(options_q(query)).order_by("pk").values_list("pk", "body__document")
    return [pk for pk, document in rows.iterator(chunk_size=2000) if accepts(query, document or {})]


# --- explanations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClauseExplanation:
    key: str
    field: str
    lookup: str
    values: list[Any]
    null: bool
    content_values: list[Any]
    matches: bool


def _plain(value: Value) -> Any:
    if isinstance(value, Decimal):
        return encode_value(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def clause_key(clause: Clause) -> str:
    """The JSON query key that states this clause (``org``, ``org__not``, ``start__gte``)."""
    name = clause.field.name
    return name if clause.lookup is Lookup.EXACT else f"{name}__{clause.lookup.value}"


def explain(query: Query, document: Mapping[str, Any]) -> list[ClauseExplanation]:
    """Clause by clause, what the document holds and whether the clause passes (options as clauses too).

    A query string read by the search query language is one explanation: the string and its verdict."""
    node_explanation = []
    if query.node is not None:
        node_explanation.append(
            ClauseExplanation(
                key="query",
                field="*",
                lookup="query_string",
                values=[to_query_string(query.node)],
                null=False,
                content_values=[],
                matches=node_matches(query.node, prepare(document).values),
            )
        )
    explanations = node_explanation + [
        ClauseExplanation(
            key=clause_key(clause),
            field=clause.field.name,
            lookup=clause.lookup.value,
            values=[_plain(value) for value in clause.values],
            null=clause.null,
            content_values=sorted(_plain(value) for value in document_values(clause.field, document)),
            matches=clause_matches(clause, document),
        )
        for clause in query.clauses
    ]
    content_types = sorted(document_values(FIELDS["content_type"], document))
    holds = prepare(document).values
    if not query.options.include_learner_pathways:
        explanations.append(
            ClauseExplanation(
                key="include_learner_pathways",
                field="content_type",
                lookup="not",
                values=[LEARNER_PATHWAY],
                null=False,
                content_values=content_types,
                matches=LEARNER_PATHWAY not in content_types,
            )
        )
    if query.options.exclude_expired_course_run:
        expired = COURSE_RUN in content_types and ARCHIVED in holds["availability"]
        explanations.append(
            ClauseExplanation(
                key="exclude_expired_course_run",
                field="availability",
                lookup="not",
                values=[ARCHIVED],
                null=False,
                content_values=sorted(document_values(FIELDS["availability"], document)),
                matches=not expired,
            )
        )
    return explanations
