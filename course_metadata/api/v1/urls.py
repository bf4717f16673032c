"""Routes of the read API v1 (mounted at /api/v1/, namespace "v1")."""

from rest_framework.routers import SimpleRouter

# Registers the JWT scheme with drf-spectacular (imported here because URLs load before the schema is built).
from course_metadata.api import schema  # noqa: F401
from course_metadata.api.v1.views.course_runs import CourseRunViewSet
from course_metadata.api.v1.views.courses import CourseViewSet
from course_metadata.api.v1.views.organizations import OrganizationViewSet
from course_metadata.api.v1.views.pathways import (
    LearnerPathwayBlockViewSet,
    LearnerPathwayCourseViewSet,
    LearnerPathwayProgramViewSet,
    LearnerPathwayStepViewSet,
    LearnerPathwayViewSet,
    PathwayViewSet,
)
from course_metadata.api.v1.views.people import PersonViewSet
from course_metadata.api.v1.views.programs import ProgramViewSet
from course_metadata.api.v1.views.taxonomy import (
    CourseRunTypeViewSet,
    CourseTypeViewSet,
    LevelTypeViewSet,
    ProgramTypeViewSet,
    SubjectViewSet,
    TopicViewSet,
)

router = SimpleRouter()
router.register("courses", CourseViewSet, basename="course")
router.register("course_runs", CourseRunViewSet, basename="course_run")
router.register("programs", ProgramViewSet, basename="program")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("people", PersonViewSet, basename="person")
router.register("subjects", SubjectViewSet, basename="subject")
router.register("topics", TopicViewSet, basename="topic")
router.register("level_types", LevelTypeViewSet, basename="level_type")
router.register("program_types", ProgramTypeViewSet, basename="program_type")
router.register("course_types", CourseTypeViewSet, basename="course_type")
router.register("course_run_types", CourseRunTypeViewSet, basename="course_run_type")
router.register("pathways", PathwayViewSet, basename="pathway")
router.register("learner-pathway", LearnerPathwayViewSet, basename="learner-pathway")
router.register("learner-pathway-step", LearnerPathwayStepViewSet, basename="learner-pathway-step")
router.register("learner-pathway-course", LearnerPathwayCourseViewSet, basename="learner-pathway-course")
router.register("learner-pathway-program", LearnerPathwayProgramViewSet, basename="learner-pathway-program")
router.register("learner-pathway-block", LearnerPathwayBlockViewSet, basename="learner-pathway-block")

urlpatterns = router.urls
