"""Change-log fixtures: those of the tracking tests (commit boundary, log watch, consumer isolation)."""

from tests.course_metadata.tracking.conftest import commit, isolated_consumers, log  # noqa: F401
