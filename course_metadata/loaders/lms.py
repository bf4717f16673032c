"""The LMS courses API (``api/courses/v1/courses/``) → official courses and runs."""

from __future__ import annotations

from typing import Any

from django.utils.dateparse import parse_datetime

from course_metadata.loaders.base import ApiLoader
from course_metadata.loaders.http import batched_pages, join, jwt_username, prefetched, walk_pages
from course_metadata.models import CourseRunPacing, CourseRunStatus, Partner
from course_metadata.services.loading import RunInput, course_runs_load

PACING = {"self": CourseRunPacing.SELF, "instructor": CourseRunPacing.INSTRUCTOR}


def text(value: Any) -> str:
    """A string field of the API: stripped, and "" for null (our text columns are never null)."""
    return value.strip() if isinstance(value, str) else ""


def date(value: Any) -> Any:
    if not value:
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise ValueError(f"{value!r} is not a date-time")
    return parsed


def courses_api_url(partner: Partner) -> str:
    base = partner.courses_api_url or join(partner.lms_url, "api/courses/v1/")
    return join(base, "courses/")


class CoursesApiLoader(ApiLoader):
    """Walks the LMS's course listing page by page; each page is written by ``course_runs_load``.

    What the LMS owns of a run: its schedule (start, end, enrollment window), pacing, visibility (hidden, or
    invitation-only, which the catalog also hides), license and name (``title_override``). For a partner
    that does not use Publisher the LMS (Studio) is also the source of the descriptions, the course image,
    the video, mobile availability and the ``overview`` HTML, and its runs are published as they come.
    A course the catalog does not know is created from its first run.
    """

    name = "lms courses"
    page_size = 50

    def load(self) -> None:
        params: dict[str, Any] = {}
        token = self.client.access_token()
        username = jwt_username(token) if token else None
        if username:
            params["username"] = username
        url = courses_api_url(self.partner)
        pages = prefetched(walk_pages(self.client, url, params, page_size=self.page_size))
        for group, failures in batched_pages(pages, self.write_batch):
            for failure in failures:
                self.report.fail("page", f"{self.name} page {failure.number}", failure.reason)
            self.progress.update(len(group))
            inputs: dict[str, RunInput] = {}
            for page in group:
                for body in page.results:
                    try:
                        item = self.run_input(body)
                    except (KeyError, TypeError, ValueError) as error:
                        self.report.fail("course_run", str(body.get("id", "?")), f"unreadable: {error}")
                        continue
                    # A run listed twice (the listing moved while it was read) is written once, as last listed.
                    inputs.pop(item.key, None)
                    inputs[item.key] = item
            if inputs:
                self.report.record(course_runs_load(partner=self.partner, inputs=list(inputs.values())))

    def run_input(self, body: dict[str, Any]) -> RunInput:
        key = body["id"]
        if not isinstance(key, str):
            raise TypeError("id is not a string")
        studio_owned = not self.partner.uses_publisher
        name = text(body.get("name"))
        run: dict[str, Any] = {
            "start": date(body.get("start")),
            "end": date(body.get("end")),
            "enrollment_start": date(body.get("enrollment_start")),
            "enrollment_end": date(body.get("enrollment_end")),
            "hidden": bool(body.get("hidden")) or bool(body.get("invitation_only")),
            "license": text(body.get("license")),
            "title_override": name,
        }
        pacing = PACING.get(text(body.get("pacing")).lower())
        if pacing is not None:
            run["pacing_type"] = pacing
        raw_media = body.get("media")
        media: dict[str, Any] = raw_media if isinstance(raw_media, dict) else {}
        overview = text(body.get("overview"))
        video = None
        if studio_owned:
            run["short_description_override"] = text(body.get("short_description"))
            run["mobile_available"] = bool(body.get("mobile_available"))
            run["status"] = CourseRunStatus.PUBLISHED
            if overview:
                run["full_description_override"] = overview
            video = text((media.get("course_video") or {}).get("uri"))
        course: dict[str, Any] = {
            "title": name,
            "short_description": text(body.get("short_description")),
            "card_image_url": self.image_url(media),
        }
        if overview:
            course["full_description"] = overview
        return RunInput(key=key, run=run, course=course, video=video, course_owned=studio_owned)

    def image_url(self, media: dict[str, Any]) -> str:
        raw = text((media.get("image") or {}).get("raw"))
        if raw:
            return raw
        uri = text((media.get("course_image") or {}).get("uri"))
        return join(self.partner.lms_url, uri) if uri and self.partner.lms_url else ""
