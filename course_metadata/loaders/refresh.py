"""``refresh_course_metadata``: run every loader of each partner, in order, into one report."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import connection

from course_metadata.loaders.base import Loader, LoadReport, Progress
from course_metadata.loaders.ecommerce import CourseTypeLoader, EcommerceEntitlementsLoader, EcommerceSeatsLoader
from course_metadata.loaders.http import ApiClient, ClientCredentials, FetchFailed, join
from course_metadata.loaders.lms import CoursesApiLoader
from course_metadata.models import Partner


def lms_client(partner: Partner) -> ApiClient:
    """A client signed in to the partner's LMS with its OAuth2 client credentials (no credentials: anonymous).

    E-commerce accepts the same JWT, as it does the incumbent's.
    """
    credentials = None
    if partner.oauth2_client_id:
        credentials = ClientCredentials(
            token_url=join(partner.lms_url, "oauth2/access_token"),
            client_id=partner.oauth2_client_id,
            client_secret=partner.oauth2_client_secret,
        )
    return ApiClient(
        credentials=credentials,
        timeout=settings.LOADER_HTTP_TIMEOUT,
        attempts=settings.LOADER_HTTP_ATTEMPTS,
        backoff=settings.LOADER_HTTP_BACKOFF,
    )


def partner_loaders(partner: Partner, client: ApiClient, report: LoadReport, progress: Progress) -> list[Loader]:
    """The loaders of one partner, in the order they must run: runs before their seats and entitlements,
    entitlements before seats (the seat loader types the courses whose runs all sell something, and a
    course's type depends on its entitlements too), and the type match last, for the rest."""
    loaders: list[Loader] = []
    if partner.courses_api_url or partner.lms_url:
        loaders.append(CoursesApiLoader(partner=partner, client=client, report=report, progress=progress))
    if partner.ecommerce_api_url:
        loaders.append(EcommerceEntitlementsLoader(partner=partner, client=client, report=report, progress=progress))
        loaders.append(EcommerceSeatsLoader(partner=partner, client=client, report=report, progress=progress))
    loaders.append(CourseTypeLoader(partner=partner, report=report, progress=progress))
    return loaders


def refresh_partner(
    partner: Partner,
    report: LoadReport,
    progress: Progress,
    client_factory: Callable[[Partner], ApiClient] = lms_client,
) -> None:
    """Run the partner's loaders; a loader that cannot start (no token) is reported and the next one runs."""
    client = client_factory(partner)
    for loader in partner_loaders(partner, client, report, progress):
        progress.set_description(f"{partner.short_code}: {loader.name}")
        changed = report.changed()
        try:
            loader.load()
        except FetchFailed as error:
            report.fail("loader", f"{partner.short_code} {loader.name}", str(error))
        if report.changed() - changed >= STATISTICS_AFTER_ROWS:
            statistics_refresh()


# A loader that wrote this many rows (a first load into an empty catalog) refreshes the planner's statistics.
STATISTICS_AFTER_ROWS = 1000
LOADED_TABLES = (
    "course_metadata_course",
    "course_metadata_courserun",
    "course_metadata_seat",
    "course_metadata_courseentitlement",
)


def statistics_refresh() -> None:
    """ANALYZE the tables a load fills (PostgreSQL).

    Until autovacuum gets to them (up to a minute later, more on a busy server) the planner still takes the
    freshly filled tables for nearly empty: the next loader's, or the next refresh's, reads of 250 runs by
    key then walked every course of the partner in a nested loop (45 ms a page instead of about 1 ms).
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(LOADED_TABLES)}")
