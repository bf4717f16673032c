"""The sections of the admin's index: models grouped by what editors work on, in the order they use them.

Models are named by label, so no app is imported here; a registered model missing from every section is
shown under "Other" (and ``tests/lyceum_admin/test_sections.py`` fails, so it gets a home).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    slug: str
    name: str | Promise  # translated when shown
    models: tuple[str, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "courses",
        _("Courses and runs"),
        (
            "course_metadata.Course",
            "course_metadata.CourseRun",
            "course_metadata.Seat",
            "course_metadata.CourseEntitlement",
            "course_metadata.CourseEditor",
            "course_metadata.CourseUrlSlugHistory",
            "course_metadata.AdditionalMetadata",
            "course_metadata.Fact",
            "course_metadata.CertificateInfo",
            "course_metadata.ProductMeta",
            "course_metadata.ProductValue",
            "course_metadata.GeoLocation",
            "course_metadata.CourseLocationRestriction",
            "course_metadata.AdditionalPromoArea",
            "course_metadata.TaxiForm",
            "course_metadata.Video",
        ),
    ),
    Section(
        "programs",
        _("Programs and degrees"),
        (
            "course_metadata.Program",
            "course_metadata.Degree",
            "course_metadata.Curriculum",
            "course_metadata.CurriculumCourseMembership",
            "course_metadata.CurriculumProgramMembership",
            "course_metadata.CurriculumCourseRunExclusion",
            "course_metadata.DegreeCost",
            "course_metadata.DegreeDeadline",
            "course_metadata.DegreeSpecialization",
            "course_metadata.Ranking",
            "course_metadata.Pathway",
            "course_metadata.LearnerPathway",
            "course_metadata.LearnerPathwayStep",
            "course_metadata.LearnerPathwayCourse",
            "course_metadata.LearnerPathwayProgram",
            "course_metadata.LearnerPathwayBlock",
        ),
    ),
    Section(
        "people",
        _("Organizations and people"),
        (
            "course_metadata.Organization",
            "course_metadata.OrganizationExtension",
            "course_metadata.Partner",
            "course_metadata.Person",
            "course_metadata.Position",
            "course_metadata.PersonSocialNetwork",
            "course_metadata.PersonAreaOfExpertise",
            "course_metadata.Collaborator",
        ),
    ),
    Section(
        "taxonomy",
        _("Taxonomy"),
        (
            "course_metadata.Subject",
            "course_metadata.Topic",
            "taggit.Tag",
            "course_metadata.LevelType",
            "course_metadata.Source",
            "course_metadata.CourseType",
            "course_metadata.CourseRunType",
            "course_metadata.ProgramType",
            "course_metadata.SeatType",
            "course_metadata.Mode",
            "course_metadata.Track",
        ),
    ),
    Section("catalogs", _("Catalogs"), ("catalog.Catalog", "catalog.ContentMetadata")),
    Section(
        "publishing",
        _("Publishing and change log"),
        (
            "publisher_api.PublisherRoleAssignment",
            "publisher_api.PublisherRole",
            "publisher_api.PublisherRoleEvent",
            "course_metadata.ChangeLogEntry",
            "course_metadata.ConsumerCursor",
            "eventbus.ParkedEvent",
        ),
    ),
    Section(
        "access",
        _("Users and switches"),
        (
            "auth.User",
            "auth.Group",
            "social_django.UserSocialAuth",
            "social_django.Association",
            "social_django.Nonce",
            "waffle.Switch",
            "waffle.Flag",
            "waffle.Sample",
        ),
    ),
)

OTHER = Section("other", _("Other"), ())
