"""The base of the model factories: factory_boy's Django factory, typed so that calling it gives the model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import factory
from django.db import models

_M = TypeVar("_M", bound=models.Model)


class ModelFactory(factory.django.DjangoModelFactory[_M]):
    """``CourseFactory()`` runs factory_boy's metaclass ``__call__`` (the create strategy) and returns a Course.

    Rows are created through ``row_save``, the write service every write path uses, so a factory row has its
    row rules applied (slugs filled in, rich text cleaned, clashes refused) like a row written by Publisher.

    mypy does not consult a metaclass ``__call__`` and reads the signature of ``BaseFactory.__new__`` instead,
    which would type the call as returning the factory. The declaration below, seen only by the type checker,
    states what the call really returns.
    """

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: type[_M], *args: Any, **kwargs: Any) -> Any:
        if getattr(cls._meta, "django_get_or_create", ()):
            return super()._create(model_class, *args, **kwargs)
        from course_metadata.services.rows import row_save

        manager = cls._get_manager(model_class)
        return row_save(model_class(*args, **kwargs), force_insert=True, using=manager.db)

    if TYPE_CHECKING:
        # mypy insists that __new__ returns an instance of its class; here the metaclass returns the model.
        def __new__(cls, *args: Any, **kwargs: Any) -> _M: ...  # type: ignore[misc]
