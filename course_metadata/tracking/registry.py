"""The one declaration of what change tracking follows: which rows are logged, and what each row belongs to.

A *logged* model (``object_type`` set) gets change-log entries; with ``timestamp=True`` it also carries
``data_modified_timestamp``. Every other model listed here is data of the logged models it points ``up`` to:
a change to one of its rows is a change to those parents. Paths are ORM lookups from the row to the parent
(``course_run``, ``additional_metadata__course``), so one query resolves the parents of many rows at once.
Parents propagate further (a seat moves its run, the run moves its course, the course moves its programs).

An ``Up`` with ``when`` only propagates changes of those own fields (attnames): a course's title shows in
its runs' payloads, the rest of the course does not.

Deliberately not followed (see docs/decisions/0021-data-modified-timestamp-tracking.rst): partners, modes and
tracks (configuration), taggit's shared ``Tag`` rows (tags are identified by name; adding or removing a tag
on an object is tracked through the Tagged* tables), and credit pathways (``Pathway``: not part of any
tracked payload). Learner pathways are logged with their steps and nodes as their data; the courses and
programs a node points to are not (they have entries of their own; see docs/decisions/0085).
"""

from __future__ import annotations

from dataclasses import dataclass

# Columns that are never "data": bookkeeping of when a row was saved, which world it lives in, how a
# draft relates to its official row, and the timestamp this machinery maintains itself.
EXCLUDED_FIELDS = frozenset({"created", "modified", "data_modified_timestamp", "draft_version", "draft_base"})

TIMESTAMP_FIELD = "data_modified_timestamp"


@dataclass(frozen=True)
class Up:
    """How a row reaches a parent whose data includes it."""

    path: str
    when: frozenset[str] | None = None


@dataclass(frozen=True)
class Tracked:
    model: str
    parents: tuple[Up, ...] = ()
    object_type: str | None = None
    timestamp: bool = False
    # Columns describing a logged row in its entries: a readable key, and the uuid of the course it
    # belongs to (used to show draft changes to that course's editors).
    key: str | None = None
    course_uuid: str | None = None


def up(*paths: str, when: set[str] | None = None) -> tuple[Up, ...]:
    return tuple(Up(path, frozenset(when) if when is not None else None) for path in paths)


CM = "course_metadata"

TRACKED: tuple[Tracked, ...] = (
    # --- logged objects -------------------------------------------------------------------------------
    Tracked(
        f"{CM}.Course",
        object_type="course",
        timestamp=True,
        key="key",
        course_uuid="uuid",
        parents=(
            *up("programs", "curriculum_memberships__curriculum__program"),
            *up("course_runs", when={"title"}),
        ),
    ),
    Tracked(
        f"{CM}.CourseRun",
        object_type="courserun",
        timestamp=True,
        key="key",
        course_uuid="course__uuid",
        parents=up("course"),
    ),
    # Degrees are programs (multi-table inheritance): their rows are logged as programs.
    Tracked(f"{CM}.Program", object_type="program", timestamp=True, key="marketing_slug"),
    Tracked(
        f"{CM}.Organization",
        object_type="organization",
        timestamp=True,
        key="key",
        # Course and program payloads embed their owner, sponsor and credit-backing organizations.
        parents=up("authored_courses", "sponsored_courses", "authored_programs", "credit_backed_programs"),
    ),
    Tracked(f"{CM}.Person", object_type="person", key="slug", parents=up("courses_staffed")),
    # Learner pathways have no readable key: their entries carry the uuid only.
    Tracked(f"{CM}.LearnerPathway", object_type="learnerpathway", timestamp=True),
    # --- data of courses and runs --------------------------------------------------------------------
    Tracked(f"{CM}.Seat", parents=up("course_run")),
    Tracked(f"{CM}.CourseEntitlement", parents=up("course")),
    Tracked(f"{CM}.TaggedCourse", parents=up("content_object")),
    Tracked(f"{CM}.AdditionalMetadata", parents=up("course")),
    Tracked(f"{CM}.Fact", parents=up("additional_metadata__course")),
    Tracked(f"{CM}.CertificateInfo", parents=up("additionalmetadata__course")),
    Tracked(f"{CM}.ProductMeta", parents=up("additionalmetadata__course")),
    Tracked(f"{CM}.TaxiForm", parents=up("additionalmetadata__course", "program")),
    Tracked(f"{CM}.GeoLocation", parents=up("course")),
    Tracked(f"{CM}.CourseLocationRestriction", parents=up("course")),
    Tracked(f"{CM}.ProductValue", parents=up("course")),
    Tracked(f"{CM}.AdditionalPromoArea", parents=up("course")),
    Tracked(f"{CM}.Video", parents=up("course", "courserun", "program")),
    # --- shared vocabularies that payloads embed by value --------------------------------------------
    Tracked(f"{CM}.Subject", parents=up("courses", "program")),
    Tracked(f"{CM}.Collaborator", parents=up("courses")),
    Tracked(f"{CM}.LevelType", parents=up("course", "program")),
    Tracked(f"{CM}.Source", parents=up("course")),
    Tracked(f"{CM}.SeatType", parents=up("seat__course_run", "courseentitlement__course")),
    Tracked(f"{CM}.CourseType", parents=up("course")),
    Tracked(f"{CM}.CourseRunType", parents=up("courserun")),
    Tracked(f"{CM}.ProgramType", parents=up("program")),
    # --- people --------------------------------------------------------------------------------------
    Tracked(f"{CM}.Position", parents=up("person")),
    Tracked(f"{CM}.PersonSocialNetwork", parents=up("person")),
    Tracked(f"{CM}.PersonAreaOfExpertise", parents=up("person")),
    # --- programs: tags, curricula, degree details ---------------------------------------------------
    Tracked(f"{CM}.TaggedProgram", parents=up("content_object")),
    Tracked(f"{CM}.TaggedOrganization", parents=up("content_object")),
    Tracked(f"{CM}.Curriculum", parents=up("program")),
    Tracked(f"{CM}.CurriculumCourseMembership", parents=up("curriculum__program")),
    Tracked(f"{CM}.CurriculumProgramMembership", parents=up("curriculum__program")),
    Tracked(f"{CM}.CurriculumCourseRunExclusion", parents=up("course_membership__curriculum__program")),
    Tracked(f"{CM}.DegreeCost", parents=up("degree")),
    Tracked(f"{CM}.DegreeDeadline", parents=up("degree")),
    Tracked(f"{CM}.DegreeSpecialization", parents=up("degree")),
    Tracked(f"{CM}.Ranking", parents=up("degree")),
    # --- learner pathways: steps and their nodes ------------------------------------------------------
    Tracked(f"{CM}.LearnerPathwayStep", parents=up("pathway")),
    Tracked(f"{CM}.LearnerPathwayCourse", parents=up("step")),
    Tracked(f"{CM}.LearnerPathwayProgram", parents=up("step")),
    Tracked(f"{CM}.LearnerPathwayBlock", parents=up("step")),
)
