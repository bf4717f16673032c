"""Routes of the Publisher (write) API, mounted under /api/v1/ before the read API.

``courses/``, ``course_runs/`` and ``people/`` are shared with the read API: publisher_api.api.dispatch sends reads
there and writes here.
"""

from django.urls import path

# Registers the Publisher writes and field schemes with drf-spectacular (loaded before the schema is built).
from publisher_api.api import schema  # noqa: F401
from publisher_api.api.dispatch import read_write_dispatcher
from publisher_api.api.people_views import (
    CourseEditorDetailView,
    CourseEditorListView,
    PublisherRoleDetailView,
    PublisherRoleHistoryView,
    PublisherRoleListView,
)
from publisher_api.api.person_views import PersonWriteView
from publisher_api.api.views import CourseRunWriteView, CourseWriteView

courses = read_write_dispatcher("courses", CourseWriteView.as_view())
course_runs = read_write_dispatcher("course_runs", CourseRunWriteView.as_view())
people = read_write_dispatcher("people", PersonWriteView.as_view(), detail_writes=("PATCH", "PUT"))

urlpatterns = [
    path("courses/", courses, name="publisher-courses"),
    path("courses/<str:identifier>/", courses, name="publisher-course"),
    path("course_runs/", course_runs, name="publisher-course-runs"),
    # <path:>: an old-style run key (org/number/run) has slashes; the read API looks those up too.
    path("course_runs/<path:identifier>/", course_runs, name="publisher-course-run"),
    path("people/", people, name="publisher-people"),
    path("people/<str:identifier>/", people, name="publisher-person"),
    path("course_editors/", CourseEditorListView.as_view(), name="publisher-course-editors"),
    path("course_editors/<int:pk>/", CourseEditorDetailView.as_view(), name="publisher-course-editor"),
    path("publisher-roles/", PublisherRoleListView.as_view(), name="publisher-roles"),
    path("publisher-roles/history/", PublisherRoleHistoryView.as_view(), name="publisher-role-history"),
    path("publisher-roles/<int:pk>/", PublisherRoleDetailView.as_view(), name="publisher-role"),
]
