"""model_utils' FieldTracker descriptors, with the common case answered from the instance's ``__dict__``.

``FieldTracker`` replaces each tracked attribute of a model with a wrapper whose ``__get__`` and ``__set__``
first ask ``instance.get_deferred_fields()`` (and ``hasattr`` twice on a set): on a catalog load that is
millions of calls, the largest Python cost of building and bulk-writing rows (ADR 0124). The answer is
plain when the attribute is in the instance's ``__dict__`` (it is loaded, so not deferred) or, for a set,
when the tracker has not initialized the instance yet (model_utils then only stores the value). Only
those cases are short-cut here, with the same effect; every other access takes model_utils' own path.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from model_utils.tracker import DescriptorWrapper, FullDescriptorWrapper

# Set by model_utils on an instance once its tracker has recorded the loaded values.
_INITIALIZED = "_instance_initialized"


class FastDescriptorWrapper(DescriptorWrapper):
    def __get__(self, instance: Any, owner: Any) -> Any:
        if instance is not None and self.field_name in instance.__dict__:
            return self.descriptor.__get__(instance, owner)
        return super().__get__(instance, owner)

    def __set__(self, instance: Any, value: Any) -> None:
        state = instance.__dict__
        if self.field_name in state or _INITIALIZED not in state:
            if hasattr(self.descriptor, "__set__"):
                self.descriptor.__set__(instance, value)
            else:
                state[self.field_name] = value
            return
        super().__set__(instance, value)


class FastFullDescriptorWrapper(FastDescriptorWrapper, FullDescriptorWrapper):
    pass


FASTER = {DescriptorWrapper: FastDescriptorWrapper, FullDescriptorWrapper: FastFullDescriptorWrapper}


def field_trackers_speed_up() -> int:
    """Give every installed model's FieldTracker wrappers the short cuts above; how many were changed."""
    changed = 0
    for model in apps.get_models():
        for value in vars(model).values():
            faster = FASTER.get(type(value))
            if faster is not None:
                value.__class__ = faster
                changed += 1
    return changed
