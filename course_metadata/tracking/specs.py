"""The registry resolved against the loaded model classes: specs by model, m2m links by through table."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import cast

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from model_utils import FieldTracker
from taggit.managers import TaggableManager

from course_metadata.tracking.registry import EXCLUDED_FIELDS, TIMESTAMP_FIELD, TRACKED, Tracked


@dataclass(frozen=True, eq=False)
class ParentLink:
    path: str
    model: type[models.Model]
    when: frozenset[str] | None
    # Set when the path is one forward foreign key: the parent's key is then on the row itself.
    attname: str | None = None
    # Set when the path is the reverse of the parent's foreign key to this row (course → its runs): the
    # name of that key, which leads from the parents straight back to the rows they were reached from.
    back: str | None = None


@dataclass(eq=False)
class Spec:
    """One registered model (subclasses such as Degree share their parent's spec)."""

    model: type[models.Model]
    object_type: str | None
    timestamp_field: str | None
    key: str | None
    course_uuid: str | None
    parents: list[ParentLink] = field(default_factory=list)

    @property
    def logged(self) -> bool:
        return self.object_type is not None

    @property
    def draftable(self) -> bool:
        return any(f.name == "draft" for f in self.model._meta.concrete_fields)

    def __repr__(self) -> str:
        return f"Spec({self.model._meta.label})"


@dataclass(frozen=True, eq=False)
class M2MLink:
    """A many-to-many table whose rows are data of ``owner`` (the side that declares the field)."""

    through: type[models.Model]
    owner: type[models.Model]
    field_name: str
    source: str  # through attname pointing at the owner
    target: str  # through attname pointing at the other side
    sort: str | None  # the sortedm2m position column, when the order is data


_specs: dict[type[models.Model], Spec] = {}
_m2m_links: dict[type[models.Model], M2MLink] = {}


def _parent_model(model: type[models.Model], path: str) -> type[models.Model]:
    current = model
    for part in path.split("__"):
        related = current._meta.get_field(part).related_model
        if related is None or isinstance(related, str):
            raise ImproperlyConfigured(f"change tracking: {model._meta.label}.{path} does not lead to a model")
        current = related
    return current


def _forward_attname(model: type[models.Model], path: str) -> str | None:
    if "__" in path:
        return None
    field = model._meta.get_field(path)
    if field.concrete and (field.many_to_one or field.one_to_one):
        return field.attname
    return None


def _back_name(model: type[models.Model], path: str) -> str | None:
    if "__" in path:
        return None
    field = model._meta.get_field(path)
    if field.one_to_many and not field.concrete:
        return cast(models.ForeignObjectRel, field).field.name
    return None


def _build_spec(tracked: Tracked) -> Spec:
    model = apps.get_model(tracked.model)
    return Spec(
        model=model,
        object_type=tracked.object_type,
        timestamp_field=TIMESTAMP_FIELD if tracked.timestamp else None,
        key=tracked.key,
        course_uuid=tracked.course_uuid,
    )


def build() -> None:
    """Resolve the registry (idempotent); called when the app is ready."""
    if _specs:
        return
    built = {spec.model: spec for spec in (_build_spec(tracked) for tracked in TRACKED)}
    for tracked in TRACKED:
        spec = built[apps.get_model(tracked.model)]
        spec.parents = [
            ParentLink(
                up.path,
                _parent_model(spec.model, up.path),
                up.when,
                _forward_attname(spec.model, up.path),
                _back_name(spec.model, up.path),
            )
            for up in tracked.parents
        ]
    _specs.update(built)
    for model in tracked_models():
        for m2m in model._meta.local_many_to_many:
            if isinstance(m2m, TaggableManager):
                continue  # tag rows are a registered model of their own (Tagged*)
            through = cast(type[models.Model], m2m.remote_field.through)
            _m2m_links[through] = M2MLink(
                through=through,
                owner=model,
                field_name=m2m.name,
                source=cast(models.Field, through._meta.get_field(m2m.m2m_field_name())).attname,
                target=cast(models.Field, through._meta.get_field(m2m.m2m_reverse_field_name())).attname,
                sort=getattr(through, "_sort_field_name", None) if getattr(m2m, "sorted", False) else None,
            )


def spec_for(model: type[models.Model]) -> Spec | None:
    """The spec of ``model`` or of the registered model it inherits from (multi-table inheritance)."""
    if not _specs:
        build()
    for klass in model.__mro__:
        spec = _specs.get(klass)
        if spec is not None:
            return spec
    return None


def m2m_link(through: type[models.Model]) -> M2MLink | None:
    if not _specs:
        build()
    return _m2m_links.get(through)


def m2m_links() -> list[M2MLink]:
    if not _specs:
        build()
    return list(_m2m_links.values())


def logged_specs() -> list[Spec]:
    if not _specs:
        build()
    return [spec for spec in _specs.values() if spec.logged]


def spec_for_object_type(object_type: str) -> Spec | None:
    return next((spec for spec in logged_specs() if spec.object_type == object_type), None)


def tracked_models() -> list[type[models.Model]]:
    """Every concrete model whose rows are tracked: the registered ones and their concrete subclasses."""
    if not _specs:
        build()
    return [model for model in apps.get_models() if not model._meta.proxy and spec_for(model) is not None]


@cache
def field_trackers(model: type[models.Model]) -> tuple[FieldTracker, ...]:
    """Every FieldTracker declared on ``model`` or inherited (a degree has its program's and its own)."""
    found: dict[str, FieldTracker] = {}
    for klass in reversed(model.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, FieldTracker):
                found[name] = value
    return tuple(found.values())


class OwnFieldsTracker(FieldTracker):
    """A FieldTracker of every column a model adds to its concrete parent (multi-table inheritance): the
    parent's tracker follows the inherited columns, and this one the rest, so a new column of the child is
    tracked without being listed anywhere."""

    def finalize_class(self, sender: type[models.Model], **kwargs: object) -> None:
        if self.fields is None:
            self.fields = [f.attname for f in sender._meta.local_concrete_fields if not f.primary_key]
        super().finalize_class(sender, **kwargs)


def tracked_attnames(model: type[models.Model]) -> frozenset[str]:
    """The columns (attnames) the model's FieldTrackers follow, whether they were named by name or attname."""
    names: set[str] = set()
    for tracker in field_trackers(model):
        for name in tracker.fields or ():
            try:
                names.add(cast(models.Field, model._meta.get_field(name)).attname)
            except FieldDoesNotExist:
                names.add(name)
    return frozenset(names)


def untracked_data_fields(model: type[models.Model]) -> list[str]:
    """Data columns no FieldTracker follows: a change to one would neither move the timestamp nor be logged."""
    return sorted(data_attnames(model) - tracked_attnames(model))


@cache
def data_attnames(model: type[models.Model]) -> frozenset[str]:
    """The columns whose values are data (everything but the bookkeeping in EXCLUDED_FIELDS)."""
    return frozenset(
        f.attname for f in model._meta.concrete_fields if f.name not in EXCLUDED_FIELDS and not f.primary_key
    )


@cache
def saveable_names(model: type[models.Model], timestamp_field: str | None) -> tuple[str, ...]:
    """Field names a full save writes, minus the timestamp: used to keep a no-op save off the timestamp."""
    return tuple(f.name for f in model._meta.concrete_fields if not f.primary_key and f.name != timestamp_field)
