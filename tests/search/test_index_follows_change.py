"""Index follows change, kind by kind: edit, publish, unpublish, hide, delete, and edits nobody may see yet.

Every write goes through a real write path (a service, the discovery import, or the admin's forms and
delete view), commits, and the real ``search_index`` consumer drains the log; the assertions read the
database backend. tests/search/test_indexing.py covers the course and run cases the same way.

What each case means per kind (ADR 0085):

======================  ==================================  ==============================================
kind                    publish / unpublish                 hide / not visible yet
======================  ==================================  ==============================================
program                 status active / unpublished flag    ``hidden`` flag / n/a
person                  ``published`` (absent when not)     n/a / an unpublished person's edit
learner pathway         status active (absent when not)     n/a / an inactive pathway's edit or new step
course / run            run review published / run status   run ``hidden`` / a draft-only edit
======================  ==================================  ==============================================
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from course_metadata.changelog.consumers import consume, consumer_position
from course_metadata.models import ChangeLogEntry, Course, LearnerPathway, Person, Program, ProgramStatus
from course_metadata.services.importing import PathwayImport, StepImport, learner_pathways_import
from course_metadata.services.people import person_create, person_update
from course_metadata.services.program_skills import program_update
from search import schema
from search.backends.database import DatabaseBackend
from search.indexing import CONSUMER_NAME
from search.query.nodes import Node, Term
from tests.course_metadata.tracking.conftest import commit  # noqa: F401  (re-exported fixture)
from tests.course_metadata.tracking.test_pathway_tracking import admin_pathway_form
from tests.factories import CourseFactory, CourseRunFactory, PartnerFactory, ProgramFactory

pytestmark = pytest.mark.usefixtures("only_search_consumer")


@pytest.fixture
def sync(commit: Callable[[], None]) -> Callable[[], int]:  # noqa: F811
    """Commit what the test wrote (the eager on-commit task runs), then drain the search consumer."""

    def run() -> int:
        commit()
        total = 0
        while done := consume(CONSUMER_NAME):
            total += done
        return total

    return run


def found(backend: DatabaseBackend, node: Node, content_type: str) -> set[str]:
    return {str(ref.uuid) for ref in backend.matching_ids(node, [content_type])}


def admin_delete(client: Client, obj: Any) -> None:
    url = reverse(f"admin:course_metadata_{obj._meta.model_name}_delete", args=[obj.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302, response.content


# --- programs ------------------------------------------------------------------------------------------


def test_a_program_follows_its_edits_status_hiding_and_deletion(
    backend: DatabaseBackend, sync: Callable[[], int], admin_client: Client
) -> None:
    partner = PartnerFactory(short_code="edx")
    program = ProgramFactory(partner=partner, title="Galactic Cartography", status=ProgramStatus.UNPUBLISHED)
    sync()
    uuid = str(program.uuid)
    # Indexed unpublished (catalog queries see it); the API's published flag keeps it off the public lists.
    assert found(backend, Term("published", "false"), schema.PROGRAM) == {uuid}

    program_update(program=program, fields={"status": ProgramStatus.ACTIVE})  # publish
    sync()
    assert found(backend, Term("published", "true"), schema.PROGRAM) == {uuid}

    program_update(program=program, fields={"title": "Stellar Navigation"})  # edit
    sync()
    assert found(backend, Term(None, "stellar"), schema.PROGRAM) == {uuid}
    assert found(backend, Term(None, "galactic"), schema.PROGRAM) == set()

    program_update(program=program, fields={"hidden": True})  # hide
    sync()
    assert found(backend, Term("hidden", "true"), schema.PROGRAM) == {uuid}

    program_update(program=program, fields={"status": ProgramStatus.UNPUBLISHED})  # unpublish
    sync()
    assert found(backend, Term("published", "true"), schema.PROGRAM) == set()

    admin_delete(admin_client, Program.objects.get(pk=program.pk))  # delete
    sync()
    assert list(backend.matching_ids(Term("uuid", uuid), schema.CONTENT_TYPES)) == []


# --- people --------------------------------------------------------------------------------------------


def test_a_person_follows_edits_unpublishing_publishing_and_deletion(
    backend: DatabaseBackend, sync: Callable[[], int], admin_client: Client
) -> None:
    PartnerFactory(short_code="edx")
    person = person_create(fields={"given_name": "Ottoline", "family_name": "Vexley"})  # created published
    sync()
    uuid = str(person.uuid)
    assert found(backend, Term("full_name", "ottoline"), schema.PERSON) == {uuid}

    person_update(person=person, fields={"given_name": "Ondine"})  # edit
    sync()
    assert found(backend, Term("full_name", "ondine"), schema.PERSON) == {uuid}
    assert found(backend, Term("full_name", "ottoline"), schema.PERSON) == set()

    person_update(person=person, fields={"published": False})  # unpublish: people are indexed when published
    sync()
    assert found(backend, Term("full_name", "ondine"), schema.PERSON) == set()

    person_update(person=person, fields={"bio": "Maps the unmapped."})  # an edit nobody may see yet
    sync()
    assert found(backend, Term(None, "unmapped"), schema.PERSON) == set()

    person_update(person=person, fields={"published": True})  # publish
    sync()
    assert found(backend, Term("bio", "unmapped"), schema.PERSON) == {uuid}

    admin_delete(admin_client, Person.objects.get(pk=person.pk))  # delete
    sync()
    assert list(backend.matching_ids(Term("uuid", uuid), schema.CONTENT_TYPES)) == []


# --- learner pathways ----------------------------------------------------------------------------------


def pathway_import(uuid: str, *, course: Course, step_uuid: str, **values: Any) -> PathwayImport:
    return PathwayImport(
        uuid=uuid,
        values={"title": "Become a Cartographer", "status": LearnerPathway.Status.ACTIVE, **values},
        steps=[StepImport(uuid=step_uuid, min_requirement=1, courses=[str(course.uuid)], programs=[], blocks=[])],
    )


PATHWAY = "6e1f0c8a-0000-4000-8000-00000000000a"
STEP = "6e1f0c8a-0000-4000-8000-00000000000b"


def test_a_learner_pathway_follows_imports_status_edits_and_deletion(
    backend: DatabaseBackend, sync: Callable[[], int], admin_client: Client
) -> None:
    partner = PartnerFactory(short_code="edx")
    course = CourseFactory(partner=partner)
    sync()
    inactive = pathway_import(PATHWAY, course=course, step_uuid=STEP, status=LearnerPathway.Status.INACTIVE)
    learner_pathways_import(partner=partner, pathways=[inactive])  # created, not yet published
    sync()
    assert found(backend, Term(None, "cartographer"), schema.LEARNER_PATHWAY) == set()

    learner_pathways_import(partner=partner, pathways=[pathway_import(PATHWAY, course=course, step_uuid=STEP)])
    sync()  # publish: active pathways are indexed
    assert found(backend, Term(None, "cartographer"), schema.LEARNER_PATHWAY) == {PATHWAY}
    assert found(backend, Term("published", "true"), schema.LEARNER_PATHWAY) == {PATHWAY}

    pathway = LearnerPathway.objects.get(uuid=PATHWAY)
    url = reverse("admin:course_metadata_learnerpathway_change", args=[pathway.pk])
    response = admin_client.post(url, admin_pathway_form(pathway, title="Become a Surveyor"))  # edit
    assert response.status_code == 302, response.content
    sync()
    assert found(backend, Term(None, "surveyor"), schema.LEARNER_PATHWAY) == {PATHWAY}
    assert found(backend, Term(None, "cartographer"), schema.LEARNER_PATHWAY) == set()

    pathway.refresh_from_db()
    response = admin_client.post(url, admin_pathway_form(pathway, status=LearnerPathway.Status.INACTIVE))
    assert response.status_code == 302, response.content  # unpublish
    sync()
    assert found(backend, Term(None, "surveyor"), schema.LEARNER_PATHWAY) == set()

    pathway.refresh_from_db()
    response = admin_client.post(url, admin_pathway_form(pathway, overview="Triangulation for beginners"))
    assert response.status_code == 302, response.content  # an edit of an inactive pathway stays out of sight
    sync()
    assert found(backend, Term(None, "triangulation"), schema.LEARNER_PATHWAY) == set()

    pathway.refresh_from_db()
    pathway.status = LearnerPathway.Status.ACTIVE
    pathway.save()  # publish again
    sync()
    assert found(backend, Term("overview", "triangulation"), schema.LEARNER_PATHWAY) == {PATHWAY}

    admin_delete(admin_client, pathway)  # delete
    sync()
    assert list(backend.matching_ids(Term("uuid", PATHWAY), schema.CONTENT_TYPES)) == []


def test_a_step_edit_reindexes_its_pathway_and_update_index_agrees(
    backend: DatabaseBackend, sync: Callable[[], int]
) -> None:
    partner = PartnerFactory(short_code="edx")
    course = CourseFactory(partner=partner)
    learner_pathways_import(partner=partner, pathways=[pathway_import(PATHWAY, course=course, step_uuid=STEP)])
    sync()
    step = LearnerPathway.objects.get(uuid=PATHWAY).steps.get()
    last = ChangeLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    step.min_requirement = 2
    step.save()
    sync()
    logged = ChangeLogEntry.objects.filter(id__gt=last).values_list("object_type", "uuid")
    assert [(kind, str(uuid)) for kind, uuid in logged] == [("learnerpathway", PATHWAY)]
    assert consumer_position(CONSUMER_NAME).entry_id > last  # the consumer has read it
    incremental = {ref.uuid for ref in backend.matching_ids(Term(None, "cartographer"), schema.CONTENT_TYPES)}
    call_command("update_index", "--no-progress", "--disable-change-limit")
    rebuilt = {ref.uuid for ref in backend.matching_ids(Term(None, "cartographer"), schema.CONTENT_TYPES)}
    assert incremental == rebuilt == {PATHWAY}


# --- courses and runs: deletion through the admin ------------------------------------------------------


def test_a_course_deleted_in_the_admin_leaves_the_index_with_its_runs(
    backend: DatabaseBackend, sync: Callable[[], int], admin_client: Client
) -> None:
    partner = PartnerFactory(short_code="edx")
    course = CourseFactory(partner=partner, title="Orbital Mechanics")
    run = CourseRunFactory(course=course)
    sync()
    assert found(backend, Term(None, "orbital"), schema.COURSE) == {str(course.uuid)}
    assert found(backend, Term(None, "orbital"), schema.COURSE_RUN) == {str(run.uuid)}
    admin_delete(admin_client, Course.objects.get(pk=course.pk))
    sync()
    assert list(backend.matching_ids(Term(None, "orbital"), schema.CONTENT_TYPES)) == []
