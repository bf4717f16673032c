"""Learner pathways in catalogs follow the change log like courses and programs (ADR 0085): no rebuild needed."""

from __future__ import annotations

import pytest

from catalog.models import Catalog, CatalogMembership, ContentMetadata, ContentType
from course_metadata.models import LearnerPathway
from tests.factories import LearnerPathwayFactory, LearnerPathwayStepFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def pathway_members(catalog: Catalog) -> set[str]:
    return set(
        CatalogMembership.objects.filter(
            catalog=catalog, content__content_type=ContentType.LEARNER_PATHWAY
        ).values_list("content__content_key", flat=True)
    )


def document_of(pathway: LearnerPathway) -> ContentMetadata:
    return ContentMetadata.objects.get(content_type=ContentType.LEARNER_PATHWAY, object_id=pathway.pk)


def test_a_pathway_joins_moves_and_leaves_catalogs_through_the_consumer(make_catalog, run_consumer):
    partner = PartnerFactory(short_code="edx")
    with_pathways = make_catalog({"partner": "edx", "include_learner_pathways": True})
    without = make_catalog({"partner": "edx"})
    active = make_catalog({"include_learner_pathways": True, "status": "active"})

    pathway = LearnerPathwayFactory(partner=partner, title="Cartography", status=LearnerPathway.Status.INACTIVE)
    run_consumer()
    assert pathway_members(with_pathways) == {str(pathway.uuid)}
    assert pathway_members(without) == set()  # pathways only where the query asks for them
    assert pathway_members(active) == set()

    pathway.status = LearnerPathway.Status.ACTIVE
    pathway.save()
    run_consumer()
    assert pathway_members(active) == {str(pathway.uuid)}
    assert document_of(pathway).document["status"] == "active"

    pathway.delete()
    run_consumer()
    assert pathway_members(with_pathways) == pathway_members(active) == set()
    assert not ContentMetadata.objects.filter(content_type=ContentType.LEARNER_PATHWAY).exists()


def test_a_step_edit_moves_the_documents_data_timestamp(run_consumer):
    step = LearnerPathwayStepFactory()
    run_consumer()
    before = document_of(step.pathway).data_modified_timestamp
    assert before == LearnerPathway.objects.get(pk=step.pathway_id).data_modified_timestamp

    step.min_requirement = 3
    step.save()
    run_consumer()
    after = document_of(step.pathway).data_modified_timestamp
    assert after > before
    assert after == LearnerPathway.objects.get(pk=step.pathway_id).data_modified_timestamp
