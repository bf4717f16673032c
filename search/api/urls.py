"""Routes of the search API (mounted at /api/v1/), course-discovery's paths."""

from django.urls import path

from search.api import views

urlpatterns = [
    path("search/all/", views.AllSearch.as_view(), name="search-all"),
    path("search/all/facets/", views.AllFacets.as_view(), name="search-all-facets"),
    path("search/limited/", views.LimitedSearch.as_view(), name="search-limited"),
    path("search/courses/", views.CourseSearch.as_view(), name="search-courses"),
    path("search/courses/facets/", views.CourseFacets.as_view(), name="search-courses-facets"),
    path("search/course_runs/", views.CourseRunSearch.as_view(), name="search-course-runs"),
    path("search/course_runs/facets/", views.CourseRunFacets.as_view(), name="search-course-runs-facets"),
    path("search/programs/", views.ProgramSearch.as_view(), name="search-programs"),
    path("search/programs/facets/", views.ProgramFacets.as_view(), name="search-programs-facets"),
    path("search/people/", views.PersonSearch.as_view(), name="search-people"),
    path("search/people/facets/", views.PersonFacets.as_view(), name="search-people-facets"),
    path("search/typeahead/", views.TypeaheadSearch.as_view(), name="search-typeahead"),
    path("search/person_typeahead/", views.PersonTypeahead.as_view(), name="search-person-typeahead"),
]

# Mounted at /api/v2/.
v2_urlpatterns = [path("search/all/", views.AllSearchV2.as_view(), name="search-all")]
