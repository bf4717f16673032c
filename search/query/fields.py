"""What the query language needs to know about searchable fields: their kinds and the full-text defaults.

The parser and the Python evaluator take a ``FieldTable`` rather than importing the search schema, so they
stay small and testable; ``search.schema`` provides the table the API uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class FieldKind(StrEnum):
    """How a field's values are matched (see ``search.query.evaluate``)."""

    TEXT = "text"  # analysed: case- and accent-insensitive words, plural forms folded
    KEYWORD = "keyword"  # the whole value, exactly
    NUMBER = "number"
    DATE = "date"
    BOOLEAN = "boolean"

    @property
    def ordered(self) -> bool:
        """Whether ranges (``[a TO b]``, ``>=a``) apply."""
        return self in (FieldKind.NUMBER, FieldKind.DATE, FieldKind.KEYWORD)


@dataclass(frozen=True)
class FieldTable:
    """The searchable fields by name, the fields a bare word searches, and the spellings clients use.

    ``aliases`` maps a name course-discovery's clients write (``id``, ``organizations.raw``) to the
    field of this table it means.
    """

    kinds: Mapping[str, FieldKind]
    default_fields: tuple[str, ...]
    aliases: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = [name for name in (*self.default_fields, *self.aliases.values()) if name not in self.kinds]
        if unknown:
            raise ValueError(f"default fields and aliases must name fields of the table: {unknown}")

    def resolve(self, name: str) -> str | None:
        """The table's name for ``name`` (itself, or what its alias means), or None if it is unknown.

        ``.raw`` and ``.lower`` are the keyword sub-fields course-discovery's index has beside its text
        fields; clients use them for exact matches, so they name the field itself here.
        """
        for candidate in (name, name.removesuffix(".raw").removesuffix(".lower")):
            if candidate in self.kinds:
                return candidate
            if candidate in self.aliases:
                return self.aliases[candidate]
        return None
