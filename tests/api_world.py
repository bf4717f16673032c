"""One of everything the API serves, for the tests that walk every route: content, a catalog with a viewer,
a course editor, a Publisher role grant, and people and users whose personal data must not leak."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet

from catalog.services.catalogs import catalog_create
from course_metadata.models import (
    CourseRunType,
    CourseType,
    LearnerPathwayBlock,
    LearnerPathwayCourse,
    LearnerPathwayProgram,
    LearnerPathwayStep,
    LevelType,
    ProgramType,
    Subject,
    Topic,
)
from publisher_api.models import PUBLISHER_EDITOR
from publisher_api.services.roles import publisher_role_grant
from tests.course_metadata.api.conftest import seed_catalog
from tests.factories import (
    CourseEditorFactory,
    OrganizationExtensionFactory,
    OrganizationFactory,
    PartnerFactory,
    StaffUserFactory,
    UserFactory,
)


@dataclass
class World:
    samples: dict[str, dict[str, Any]]
    staff: User
    # Values that are personal data: email addresses and usernames of the seeded people and users.
    secrets: set[str] = field(default_factory=set)


def _learner_pathway_parts(content: Any) -> dict[str, Any]:
    """The UUID of one step, course, program and block of the seeded learner pathway."""
    pathway = content.learner_pathway
    parts: dict[str, QuerySet[Any]] = {
        "step": LearnerPathwayStep.objects.filter(pathway=pathway),
        "course": LearnerPathwayCourse.objects.filter(step__pathway=pathway),
        "program": LearnerPathwayProgram.objects.filter(step__pathway=pathway),
        "block": LearnerPathwayBlock.objects.filter(step__pathway=pathway),
    }
    return {part: rows.order_by("pk").values_list("uuid", flat=True)[0] for part, rows in parts.items()}


def seed_world() -> World:
    partner = PartnerFactory(short_code="walk", name="Walk")
    organization = OrganizationFactory(partner=partner, key="WalkX", name="WalkX")
    content = seed_catalog(partner, organization)
    group = OrganizationExtensionFactory(organization=organization).group
    staff = StaffUserFactory(username="zq-staff-walker", email="zq.staff@private.example")
    editor = UserFactory(username="zq-course-editor", email="zq.editor@private.example", groups=[group])
    viewer = UserFactory(username="zq-catalog-viewer", email="zq.viewer@private.example")
    course_editor = CourseEditorFactory(user=editor, course=content.course)
    assignment = publisher_role_grant(actor=staff, user=editor, role_name=PUBLISHER_EDITOR, reason="walk")
    catalog = catalog_create(title="Everything", query={}, viewers=[viewer])
    for index, person in enumerate(content.people):
        person.email = f"zq.person{index}@private.example"
        person.save()
    run = content.course_run
    samples: dict[str, dict[str, Any]] = {
        "courses": {"identifier": content.course.key, "key_or_uuid": content.course.key},
        "course_runs": {"identifier": run.key, "key": run.key},
        "course_editors": {"pk": course_editor.pk},
        "publisher-roles": {"pk": assignment.pk},
        "catalogs": {"pk": catalog.pk},
        "enterprise-catalogs": {"uuid": catalog.uuid},
        "enterprise-customer": {
            "enterprise_uuid": "7f8e3c52-0b39-4f1e-9d9a-2f3a1c5e8b11",
            "identifier": content.course.key,
        },
        "content-metadata": {"identifier": run.key},
        "programs": {"uuid": content.program.uuid},
        "organizations": {"uuid": organization.uuid},
        "people": {"uuid": content.people[0].uuid, "identifier": content.people[0].uuid},
        "subjects": {"uuid": Subject.objects.filter(partner=partner).first().uuid},  # type: ignore[union-attr]
        "topics": {"uuid": Topic.objects.filter(partner=partner).first().uuid},  # type: ignore[union-attr]
        "level_types": {"name": LevelType.objects.first().name},  # type: ignore[union-attr]
        "program_types": {"slug": ProgramType.objects.first().slug},  # type: ignore[union-attr]
        "course_types": {"uuid": CourseType.objects.first().uuid},  # type: ignore[union-attr]
        "course_run_types": {"uuid": CourseRunType.objects.first().uuid},  # type: ignore[union-attr]
        "pathways": {"id_or_uuid": content.pathway.pk},
        "learner-pathway": {"uuid": content.learner_pathway.uuid},
        **{f"learner-pathway-{part}": {"uuid": uuid} for part, uuid in _learner_pathway_parts(content).items()},
    }
    secrets = {user.email for user in (staff, editor, viewer)} | {user.username for user in (staff, editor, viewer)}
    secrets |= {person.email for person in content.people}
    return World(samples=samples, staff=staff, secrets=secrets)


@pytest.fixture(scope="module", name="world")
def world_fixture(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Seeded once per module inside a transaction rolled back afterwards (each test has its savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_world()
        transaction.set_rollback(True)
