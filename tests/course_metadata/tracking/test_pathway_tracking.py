"""Learner pathways are change-tracked with their steps and nodes: one ``learnerpathway`` entry per pathway
per transaction, whichever part changed and whichever path wrote it (ORM, import, admin) (ADR 0085)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from course_metadata.models import ChangeLogEntry, Course, LearnerPathway, LearnerPathwayStep
from course_metadata.services.importing import PathwayImport, StepImport, learner_pathways_import
from tests.course_metadata.tracking.conftest import LogWatch, stamp
from tests.factories import (
    CourseFactory,
    LearnerPathwayBlockFactory,
    LearnerPathwayCourseFactory,
    LearnerPathwayProgramFactory,
    LearnerPathwayStepFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db

UPSERT, DELETE = "upsert", "delete"


@pytest.fixture
def pathway(commit: Callable[[], None], log: LogWatch) -> LearnerPathway:
    """An active pathway with one step holding a course, a program and a block node."""
    step = LearnerPathwayStepFactory()
    LearnerPathwayCourseFactory(step=step)
    LearnerPathwayProgramFactory(step=step)
    LearnerPathwayBlockFactory(step=step)
    commit()
    log.reset()
    return step.pathway


def pathway_entries(log: LogWatch) -> list[tuple[str, int, str]]:
    return [(entry.object_type, entry.object_id, entry.action) for entry in log.entries()]


def test_a_new_pathway_is_logged_once_with_its_uuid(commit: Callable[[], None], log: LogWatch) -> None:
    log.reset()
    step = LearnerPathwayStepFactory()  # the pathway, then a step of it, in one transaction
    LearnerPathwayCourseFactory(step=step)
    (entry,) = [e for e in log.entries() if e.object_type == "learnerpathway"]
    assert (entry.object_id, entry.uuid, entry.action, entry.draft) == (
        step.pathway.pk,
        step.pathway.uuid,
        UPSERT,
        False,
    )
    assert entry.key == "" and entry.course_uuid is None


@pytest.mark.parametrize("part", ["pathway", "step", "course", "program", "block"])
def test_an_edit_of_any_part_logs_the_pathway_and_moves_its_timestamp(
    pathway: LearnerPathway, log: LogWatch, part: str
) -> None:
    before = stamp(pathway)
    step = pathway.steps.get()
    row: Any = {
        "pathway": pathway,
        "step": step,
        "course": step.courses.get(),
        "program": step.programs.get(),
        "block": step.blocks.get(),
    }[part]
    if part == "pathway":
        row.title = "A different goal"
    else:
        row.sort_order = 7
    row.save()
    assert pathway_entries(log) == [("learnerpathway", pathway.pk, UPSERT)]
    assert stamp(pathway) > before


def test_a_save_that_changes_nothing_logs_nothing(pathway: LearnerPathway, log: LogWatch) -> None:
    before = stamp(pathway)
    pathway.save()
    step = pathway.steps.get()
    step.save()
    step.courses.get().save()
    assert log.entries() == []
    assert stamp(pathway) == before


def test_adding_and_removing_nodes_and_steps_logs_the_pathway(
    pathway: LearnerPathway, log: LogWatch, commit: Callable[[], None]
) -> None:
    step = pathway.steps.get()
    course = CourseFactory(partner=pathway.partner)
    commit()
    log.reset()
    LearnerPathwayCourseFactory(step=step, course=course)
    assert pathway_entries(log) == [("learnerpathway", pathway.pk, UPSERT)]
    commit()
    log.reset()
    step.blocks.all().delete()
    assert pathway_entries(log) == [("learnerpathway", pathway.pk, UPSERT)]
    commit()
    log.reset()
    LearnerPathwayStep.objects.filter(pk=step.pk).delete()  # a step with its nodes
    assert pathway_entries(log) == [("learnerpathway", pathway.pk, UPSERT)]


def test_a_bulk_update_of_steps_logs_each_pathway_once(
    pathway: LearnerPathway, log: LogWatch, commit: Callable[[], None]
) -> None:
    other = LearnerPathwayStepFactory()
    commit()
    log.reset()
    LearnerPathwayStep.objects.filter(pk__in=[pathway.steps.get().pk, other.pk]).update(min_requirement=3)
    assert sorted(pathway_entries(log)) == sorted(
        [("learnerpathway", pathway.pk, UPSERT), ("learnerpathway", other.pathway_id, UPSERT)]
    )


def test_deleting_a_pathway_leaves_one_tombstone(pathway: LearnerPathway, log: LogWatch) -> None:
    pathway_id, uuid = pathway.pk, pathway.uuid
    pathway.delete()  # its steps and nodes go with it
    (entry,) = log.entries()
    assert (entry.object_type, entry.object_id, entry.uuid, entry.action) == (
        "learnerpathway",
        pathway_id,
        uuid,
        DELETE,
    )


def test_deleting_a_course_a_node_points_to_logs_the_pathway(pathway: LearnerPathway, log: LogWatch) -> None:
    course = pathway.steps.get().courses.get().course
    Course.objects.filter(pk=course.pk).delete()
    assert ("learnerpathway", pathway.pk, UPSERT) in pathway_entries(log)


def test_editing_a_course_a_node_points_to_does_not_log_the_pathway(pathway: LearnerPathway, log: LogWatch) -> None:
    """A pathway's data is its own fields, steps and nodes; the course keeps its own entries (ADR 0085)."""
    course = pathway.steps.get().courses.get().course
    course.title = "Renamed"
    course.save()
    assert ("learnerpathway", pathway.pk, UPSERT) not in pathway_entries(log)


def test_the_discovery_import_logs_creations_and_changes_only(commit: Callable[[], None], log: LogWatch) -> None:
    course = CourseFactory()
    program = ProgramFactory(partner=course.partner)
    item = PathwayImport(
        uuid="5b0a1d0e-0000-4000-8000-000000000001",
        values={"title": "Data Analyst", "status": LearnerPathway.Status.ACTIVE},
        steps=[
            StepImport(
                uuid="5b0a1d0e-0000-4000-8000-000000000002",
                min_requirement=1,
                courses=[str(course.uuid)],
                programs=[str(program.uuid)],
                blocks=[],
            )
        ],
    )
    commit()
    log.reset()
    learner_pathways_import(partner=course.partner, pathways=[item])
    pathway = LearnerPathway.objects.get(uuid=item.uuid)
    assert pathway_entries(log) == [("learnerpathway", pathway.pk, UPSERT)]
    commit()
    log.reset()
    learner_pathways_import(partner=course.partner, pathways=[item])
    assert log.entries() == []
    changed = PathwayImport(
        uuid=item.uuid, values=item.values, steps=[StepImport(**{**vars(item.steps[0]), "min_requirement": 2})]
    )
    learner_pathways_import(partner=course.partner, pathways=[changed])
    assert pathway_entries(log) == [("learnerpathway", pathway.pk, UPSERT)]


def admin_pathway_form(pathway: LearnerPathway, **changes: Any) -> dict[str, Any]:
    """The admin change form of ``pathway`` as a browser posts it, with its steps inline, plus ``changes``."""
    steps = list(pathway.steps.order_by("pk"))
    form: dict[str, Any] = {
        "partner": pathway.partner_id or "",
        "title": pathway.title,
        "status": pathway.status,
        "overview": pathway.overview,
        "banner_image_url": pathway.banner_image_url,
        "card_image_url": pathway.card_image_url,
        "visible_via_association": "on" if pathway.visible_via_association else "",
        "steps-TOTAL_FORMS": len(steps),
        "steps-INITIAL_FORMS": len(steps),
        "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 1000,
    }
    for index, step in enumerate(steps):
        form |= {
            f"steps-{index}-id": step.pk,
            f"steps-{index}-pathway": pathway.pk,
            f"steps-{index}-sort_order": step.sort_order,
            f"steps-{index}-min_requirement": step.min_requirement,
        }
    form |= changes
    return {name: value for name, value in form.items() if value != ""}


def test_the_admin_logs_edits_and_deletes(
    admin_client: Client, pathway: LearnerPathway, log: LogWatch, commit: Callable[[], None]
) -> None:
    url = reverse("admin:course_metadata_learnerpathway_change", args=[pathway.pk])
    response = admin_client.post(url, admin_pathway_form(pathway))
    assert response.status_code == 302, response.content
    assert log.entries() == []  # saving the unchanged form changes no data

    response = admin_client.post(url, admin_pathway_form(pathway, **{"steps-0-min_requirement": 2}))
    assert response.status_code == 302, response.content
    assert pathway_entries(log) == [("learnerpathway", pathway.pk, UPSERT)]
    commit()
    log.reset()

    url = reverse("admin:course_metadata_learnerpathway_delete", args=[pathway.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert pathway_entries(log) == [("learnerpathway", pathway.pk, DELETE)]
    assert not ChangeLogEntry.objects.filter(object_type="learnerpathway", action=UPSERT, id__gt=log.since).exists()
