"""Seed programs of several types, and a degree with an active and a retired curriculum."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils.text import slugify

from course_metadata.demo.bulk import bulk_insert
from course_metadata.demo.context import CourseSummary, SeedContext
from course_metadata.demo.types import TypeCatalog
from course_metadata.demo.vocabulary import SUBJECTS, TOPICS
from course_metadata.models import (
    Curriculum,
    CurriculumCourseMembership,
    CurriculumCourseRunExclusion,
    CurriculumProgramMembership,
    Degree,
    DegreeCost,
    DegreeDeadline,
    DegreeSpecialization,
    Program,
    ProgramStatus,
    Ranking,
)

# Program types the demo uses, with how common each is; a degree (Masters) is seeded separately.
PROGRAM_TYPE_WEIGHTS = {"micromasters": 3, "xseries": 3, "professional-certificate": 4}
STATUS_WEIGHTS = {ProgramStatus.ACTIVE: 85, ProgramStatus.UNPUBLISHED: 10, ProgramStatus.RETIRED: 5}


def seed_programs(ctx: SeedContext, types: TypeCatalog, *, count: int) -> list[int]:
    """``count`` programs of 3-6 courses each, mostly from one organization; return their primary keys."""
    rng = ctx.rng
    first_number = Program.objects.filter(partner=ctx.partner).count() + 1  # keeps slugs unique when appending
    by_organization: dict[int, list[CourseSummary]] = defaultdict(list)
    for summary in ctx.courses:
        by_organization[summary.organization_id].append(summary)
    program_types = [
        (types.program_types[slug], weight)
        for slug, weight in PROGRAM_TYPE_WEIGHTS.items()
        if slug in types.program_types
    ]
    programs, members = [], []
    for index in range(count):
        organization_id = rng.choice(list(by_organization))
        pool = by_organization[organization_id] if len(by_organization[organization_id]) >= 3 else ctx.courses
        courses = rng.sample(pool, k=min(len(pool), rng.randint(3, 6)))
        program_type = (
            rng.choices([t for t, _w in program_types], weights=[w for _t, w in program_types])[0]
            if program_types
            else None
        )
        title = f"{rng.choice(TOPICS + SUBJECTS)} {rng.choice(['Essentials', 'Foundations', 'in Practice', 'for Leaders', 'Professional'])}"
        weeks = sum(rng.randint(4, 12) for _ in courses)
        programs.append(
            {
                "partner_id": ctx.partner.pk,
                "uuid": ctx.uuid(),
                "title": title,
                "subtitle": ctx.text.sentence()[:255],
                "marketing_hook": ctx.text.phrase()[:255],
                "type_id": program_type.pk if program_type else None,
                "status": rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0],
                "marketing_slug": slugify(f"{title} {first_number + index}")[:255],
                "overview": ctx.text.paragraphs_html(2),
                "total_hours_of_effort": weeks * rng.randint(3, 8),
                "weeks_to_complete": weeks,
                "min_hours_effort_per_week": 3,
                "max_hours_effort_per_week": rng.randint(5, 10),
                "banner_image_url": ctx.image_url("program/banner"),
                "card_image_url": ctx.image_url("program/card"),
                "enrollment_count": rng.randint(0, 20_000),
                # Included exactly when every one of its courses is.
                "enterprise_subscription_inclusion": all(summary.included for summary in courses),
                "data_modified_timestamp": ctx.now,
            }
        )
        members.append((organization_id, courses))
    program_ids = bulk_insert(Program, programs)
    ctx.seeded.add(Program, program_ids)

    course_links, organization_links, exclusions = [], [], []
    for program_id, (organization_id, courses) in zip(program_ids, members, strict=True):
        for position, summary in enumerate(courses):
            course_links.append({"program_id": program_id, "course_id": summary.pk, "sort_value": position})
        organization_links.append({"program_id": program_id, "organization_id": organization_id, "sort_value": 0})
        old_runs = [summary.run_pks[0] for summary in courses if len(summary.run_pks) > 1]
        if old_runs and rng.random() < 0.1:
            # An early run that does not count towards the program.
            exclusions.append({"program_id": program_id, "courserun_id": old_runs[0]})
    for field, rows in (
        ("courses", course_links),
        ("authoring_organizations", organization_links),
        ("excluded_course_runs", exclusions),
    ):
        through = getattr(Program, field).through
        ctx.seeded.add(through, bulk_insert(through, rows, batch_size=2000))
    return program_ids


def seed_degree(ctx: SeedContext, types: TypeCatalog, *, program_ids: list[int]) -> Degree:
    """A Masters degree with a retired and an active curriculum, course memberships and a program membership."""
    rng = ctx.rng
    subject = rng.choice(SUBJECTS)
    organization = rng.choice(ctx.organizations)
    courses = rng.sample(ctx.courses, k=min(len(ctx.courses), 8))
    degree = Degree.objects.create(
        partner=ctx.partner,
        uuid=ctx.uuid(),
        title=f"Master of Science in {subject}",
        subtitle=f"An online master's degree from {organization.name}",
        type=types.program_types.get("masters"),
        status=ProgramStatus.ACTIVE,
        marketing_slug=slugify(f"master-of-science-in-{subject} {organization.key}")[:255],
        overview=ctx.text.paragraphs_html(3),
        application_requirements=ctx.text.paragraphs_html(1),
        apply_url=f"https://apply.example.edu/{slugify(subject)}",
        overall_ranking=f"Top {rng.choice([10, 20, 25, 50])} in {subject}",
        prerequisite_coursework=ctx.text.paragraph(),
        application_deadline=(ctx.today + dt.timedelta(days=90)).strftime("%B %d, %Y"),
        banner_border_color=f"{rng.getrandbits(24):06x}",
        enterprise_subscription_inclusion=False,
        data_modified_timestamp=ctx.now,
    )
    degree.authoring_organizations.set([organization])
    rankings = Ranking.objects.bulk_create(
        [
            Ranking(rank=f"#{rng.randint(1, 30)}", description=f"Best online {subject} programs", source=source)
            for source in ("U.S. News", "QS")
        ]
    )
    degree.rankings.set(rankings)
    DegreeSpecialization.objects.bulk_create(
        [DegreeSpecialization(degree=degree, value=topic) for topic in rng.sample(TOPICS, k=3)]
    )
    DegreeCost.objects.create(degree=degree, description="Per credit", amount=f"${rng.choice([600, 800, 1000]):,}")
    DegreeCost.objects.create(degree=degree, description="Total", amount=f"${rng.choice([10, 20, 30]) * 1000:,}")
    for semester in ("Fall", "Spring"):
        DegreeDeadline.objects.create(
            degree=degree,
            semester=semester,
            name="Application deadline",
            date=ctx.fake.date(pattern="%B %d, %Y"),
            time="11:59 PM ET",
        )

    retired = Curriculum.objects.create(
        program=degree,
        uuid=ctx.uuid(),
        name=f"{ctx.today.year - 2} curriculum",
        is_active=False,
        marketing_text=ctx.text.paragraph(),
    )
    active = Curriculum.objects.create(
        program=degree,
        uuid=ctx.uuid(),
        name=f"{ctx.today.year} curriculum",
        is_active=True,
        marketing_text=ctx.text.paragraph(),
    )
    for curriculum, members in ((retired, courses[:4]), (active, courses[2:])):
        for summary in members:
            membership = CurriculumCourseMembership.objects.create(curriculum=curriculum, course_id=summary.pk)
            if curriculum is active and len(summary.run_pks) > 1:
                # The oldest run predates the curriculum and does not count towards it.
                CurriculumCourseRunExclusion.objects.create(
                    course_membership=membership, course_run_id=summary.run_pks[0]
                )
    if program_ids:
        CurriculumProgramMembership.objects.create(curriculum=active, program_id=rng.choice(program_ids))
    ctx.seeded.add(Program, [degree.pk])
    ctx.seeded.add(Degree, [degree.pk])
    ctx.seeded.add(Curriculum, [retired.pk, active.pk])
    return degree
