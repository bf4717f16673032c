"""Django admin for every course metadata model, split by sub-domain like the models."""

from course_metadata.admin import (  # noqa: F401  (importing a module registers its admins)
    changes,
    course_runs,
    courses,
    curricula,
    marketing,
    partners,
    pathways,
    people,
    programs,
    taxonomy,
)
