"""Routes of the change feed."""

from django.urls import path

from course_metadata.api.changes import ChangeFeedView

urlpatterns = [path("changes/", ChangeFeedView.as_view(), name="changes")]
