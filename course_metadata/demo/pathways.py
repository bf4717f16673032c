"""Seed credit pathways of programs, and learner pathways with ordered steps of course, program and block nodes."""

from __future__ import annotations

from typing import Any

from course_metadata.demo.bulk import bulk_insert
from course_metadata.demo.context import SeedContext
from course_metadata.demo.vocabulary import TOPICS
from course_metadata.models import (
    LearnerPathway,
    LearnerPathwayBlock,
    LearnerPathwayCourse,
    LearnerPathwayProgram,
    LearnerPathwayStep,
    Pathway,
)

ROLES = ["Specialist", "Analyst", "Engineer", "Leader"]


def seed_pathways(ctx: SeedContext, *, program_ids: list[int], count: int, learner_count: int) -> None:
    _seed_credit_pathways(ctx, program_ids=program_ids, count=count if program_ids else 0)
    _seed_learner_pathways(ctx, program_ids=program_ids, count=learner_count)


def _seed_credit_pathways(ctx: SeedContext, *, program_ids: list[int], count: int) -> None:
    rng = ctx.rng
    pathways = []
    for _ in range(count):
        organization = rng.choice(ctx.organizations)
        domain = f"{organization.key.lower()}.example.edu"
        pathways.append(
            {
                "partner_id": ctx.partner.pk,
                "uuid": ctx.uuid(),
                "name": f"Credit for {rng.choice(TOPICS)} at {organization.name}",
                "org_name": organization.name,
                "email": f"credit@{domain}",
                "description": ctx.text.paragraph(),
                "destination_url": f"https://www.{domain}/credit",
                "pathway_type": rng.choice(Pathway.PathwayType.values),
                "status": Pathway.Status.PUBLISHED,
            }
        )
    ctx.seeded.add(Pathway, bulk_insert(Pathway, pathways))
    links = [
        {"pathway_id": pathway["id"], "program_id": program_id, "sort_value": position}
        for pathway in pathways
        for position, program_id in enumerate(rng.sample(program_ids, k=min(len(program_ids), rng.randint(1, 3))))
    ]
    bulk_insert(Pathway.programs.through, links)


def _seed_learner_pathways(ctx: SeedContext, *, program_ids: list[int], count: int) -> None:
    rng = ctx.rng
    pathways = [
        {
            "partner_id": ctx.partner.pk,
            "uuid": ctx.uuid(),
            "title": f"Become a {rng.choice(TOPICS)} {rng.choice(ROLES)}",
            "status": LearnerPathway.Status.ACTIVE if rng.random() < 0.8 else LearnerPathway.Status.INACTIVE,
            "overview": ctx.text.paragraph(),
            "banner_image_url": ctx.image_url("learner_pathway/banner"),
            "card_image_url": ctx.image_url("learner_pathway/card"),
            "visible_via_association": True,
            "data_modified_timestamp": ctx.now,
        }
        for _ in range(count)
    ]
    ctx.seeded.add(LearnerPathway, bulk_insert(LearnerPathway, pathways))
    steps: list[dict[str, Any]] = [
        {"pathway_id": pathway["id"], "uuid": ctx.uuid(), "sort_order": order, "min_requirement": rng.choice([1, 1, 2])}
        for pathway in pathways
        for order in range(rng.randint(2, 4))
    ]
    ctx.seeded.add(LearnerPathwayStep, bulk_insert(LearnerPathwayStep, steps))

    nodes: dict[type, list[dict[str, Any]]] = {
        LearnerPathwayCourse: [],
        LearnerPathwayProgram: [],
        LearnerPathwayBlock: [],
    }
    for step in steps:
        # Enough nodes that the step's minimum can be met.
        for order in range(max(step["min_requirement"], rng.randint(1, 3))):
            node = {"step_id": step["id"], "uuid": ctx.uuid(), "sort_order": order}
            summary = rng.choice(ctx.courses)
            kind = rng.random()
            if kind < 0.6 or not program_ids:
                nodes[LearnerPathwayCourse].append({**node, "course_id": summary.pk})
            elif kind < 0.8:
                nodes[LearnerPathwayProgram].append({**node, "program_id": rng.choice(program_ids)})
            else:
                org_key, number = summary.key.split("+", 1)
                block_id = f"block-v1:{org_key}+{number}+type@sequential+block@{ctx.uuid().hex}"
                hours = rng.choice([1.5, 2, 3, 4.5])
                nodes[LearnerPathwayBlock].append(
                    {**node, "course_id": summary.pk, "block_id": block_id, "estimated_hours": hours}
                )
    for model, rows in nodes.items():
        ctx.seeded.add(model, bulk_insert(model, rows, batch_size=2000))
