"""The parsed catalog query: a typed, normalized structure every evaluator walks."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from catalog.query.fields import FieldSpec, Value
from search.query.nodes import Node


class Lookup(StrEnum):
    """How a clause compares the content's value with the clause's values.

    The query keys ``field__not`` and ``field__exclude`` both become ``NOT``: stored filters
    use both spellings for the same test.
    """

    EXACT = "exact"
    NOT = "not"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"

    @property
    def is_range(self) -> bool:
        return self in (Lookup.GT, Lookup.GTE, Lookup.LT, Lookup.LTE)


@dataclass(frozen=True)
class Clause:
    """One test on one field; a query holds if all its clauses hold.

    Semantics, for content whose field holds the (normalized) values V, where V is empty when
    the field is absent, null, an empty list, or unreadable as the field's kind:

    - ``EXACT``: V shares an element with ``values``, or ``null`` is set and V is empty.
      ("any of"; for list-valued content, any element is enough.)
    - ``NOT``: exactly when the ``EXACT`` clause with the same values and ``null`` fails.
      ("none of"; content missing the field passes unless ``null`` is set.)
    - ``GT``/``GTE``/``LT``/``LTE``: some element of V compares so with ``values[0]``; content
      missing the field never passes. Only on ordered fields (numbers, datetimes).

    ``values`` are sorted and free of duplicates, so equal tests compare equal.
    """

    field: FieldSpec
    lookup: Lookup
    values: tuple[Value, ...]
    null: bool = False

    def __post_init__(self) -> None:
        # Canonical order makes queries built from a dict and from a Lucene string equal.
        object.__setattr__(self, "values", tuple(sorted(set(self.values))))
        if self.lookup.is_range:
            if len(self.values) != 1 or self.null:
                raise ValueError("a range clause compares with exactly one non-null value")
            if not self.field.ordered:
                raise ValueError(f"{self.field.name} has no order for a range clause")
        elif not self.values and not self.null:
            raise ValueError("an exact/not clause needs at least one value or null")

    def negated(self) -> Clause:
        """The clause that holds exactly when this exact/not clause does not."""
        if self.lookup.is_range:
            raise ValueError("a range clause has no single-clause negation")
        flipped = Lookup.NOT if self.lookup is Lookup.EXACT else Lookup.EXACT
        return Clause(self.field, flipped, self.values, self.null)

    @property
    def requires_value(self) -> bool:
        """Whether only content that has a value for the field can pass this clause."""
        return self.lookup.is_range or (self.lookup is Lookup.EXACT and not self.null)

    def sort_key(self) -> tuple[str, int, bool, tuple[Value, ...]]:
        """Canonical position of the clause in a Query; equal clauses have equal keys."""
        return (self.field.name, list(Lookup).index(self.lookup), self.null, self.values)


@dataclass(frozen=True)
class QueryOptions:
    """Search options stored with a catalog's filter; matching does not apply them.

    ``None`` means the filter did not mention the option. The membership layer decides what
    they mean (for instance, whether learner pathways are offered at all).
    """

    include_learner_pathways: bool | None = None
    exclude_expired_course_run: bool | None = None


@dataclass(frozen=True)
class Query:
    """A whole catalog query: the conjunction of ``clauses`` (no clauses matches everything).

    ``node`` is set instead of clauses for a query string the clauses cannot express (OR across fields,
    wildcards, NOT of a conjunction): the search query language's tree over the catalog's fields, which
    the evaluators hand to ``search.query.evaluate`` (ADR 0090).
    """

    clauses: tuple[Clause, ...] = ()
    options: QueryOptions = QueryOptions()
    node: Node | None = None

    def __post_init__(self) -> None:
        # Values of one field share a kind, so keys compare; repeated tests are dropped.
        unique = {clause.sort_key(): clause for clause in self.clauses}
        object.__setattr__(self, "clauses", tuple(unique[key] for key in sorted(unique)))

    @property
    def fields(self) -> frozenset[str]:
        """Names of fields the content must have a value for to match (exact or range tests)."""
        return frozenset(clause.field.name for clause in self.clauses if clause.requires_value)

    def candidate_keys(self) -> dict[str, frozenset[Value]]:
        """For indexing: per field, the values content must hold one of to possibly match.

        Only ``EXACT`` clauses without ``null`` contribute. Content can match the query only
        if, for every field listed, one of its normalized values for that field (any element,
        for list-valued content) is in the set; a field not listed constrains nothing. When
        several exact clauses test one field, the smallest set is given: intersecting them
        would be wrong for list-valued content (``subjects`` with both A and B passes
        ``subjects=A`` and ``subjects=B``).
        """
        keys: dict[str, frozenset[Value]] = {}
        for clause in self.clauses:
            if clause.lookup is Lookup.EXACT and not clause.null:
                allowed = frozenset(clause.values)
                current = keys.get(clause.field.name)
                if current is None or len(allowed) < len(current):
                    keys[clause.field.name] = allowed
        return keys
