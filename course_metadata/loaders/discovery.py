"""``import_from_discovery``: bring a running course-discovery's catalog over through its REST API, uuids and keys kept.

Steps run in dependency order (organizations, subjects, topics and people before the courses that link to
them; course and run types before courses; courses before programs), each a walk over one listing, one
page in memory at a time, written by ``course_metadata.services.importing``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from course_metadata.loaders.base import ApiLoader, LoadReport, Progress
from course_metadata.loaders.http import ApiClient, FetchFailed, Page, join, walk_pages
from course_metadata.loaders.lms import date, text
from course_metadata.models import Course, Degree, Organization, Partner, Person, Subject, Topic
from course_metadata.services.importing import (
    CurriculumImport,
    PathwayImport,
    RowImport,
    StepImport,
    TypeImport,
    course_types_import,
    curricula_import,
    degree_details_import,
    learner_pathways_import,
    program_type_pk,
    programs_import,
    rows_import,
)
from course_metadata.services.importing_courses import CourseImport, RunImport, SeatImport, courses_import
from course_metadata.services.subscription_inclusion import subscription_inclusion_update

PAGE_SIZE = 100
DEGREE_FIELDS = (
    "application_requirements",
    "apply_url",
    "overall_ranking",
    "campus_image_url",
    "title_background_image_url",
    "prerequisite_coursework",
    "lead_capture_list_name",
    "banner_border_color",
    "application_deadline",
    "hubspot_lead_capture_form_id",
)


def strings(body: dict[str, Any], *names: str) -> dict[str, str]:
    return {name: text(body.get(name)) for name in names if name in body}


def flags(body: dict[str, Any], *names: str) -> dict[str, bool]:
    return {name: bool(body[name]) for name in names if name in body and body[name] is not None}


def numbers(body: dict[str, Any], *names: str) -> dict[str, int | None]:
    return {name: (int(body[name]) if body[name] is not None else None) for name in names if name in body}


def uuids(items: Any) -> list[str]:
    """The uuids of a list of nested objects (or of plain uuid strings)."""
    result = []
    for item in items or []:
        value = item.get("uuid") if isinstance(item, dict) else item
        if value:
            result.append(str(value))
    return result


def decimal(value: Any) -> Decimal | None:
    return Decimal(str(value)) if value not in (None, "") else None


class DiscoveryImporter(ApiLoader):
    """Everything the read API of a course-discovery lists, for one partner of ours."""

    name = "course-discovery"

    def __init__(
        self,
        *,
        partner: Partner,
        client: ApiClient,
        base_url: str,
        report: LoadReport,
        progress: Progress | None = None,
    ) -> None:
        super().__init__(partner=partner, client=client, report=report, progress=progress)
        self.base_url = base_url

    def steps(self) -> list[tuple[str, Callable[[], None]]]:
        return [
            ("organizations", self.organizations),
            ("subjects", self.subjects),
            ("topics", self.topics),
            ("people", self.people),
            ("course types", self.course_types),
            ("courses", self.courses),
            ("programs", self.programs),
            ("learner pathways", self.learner_pathways),
        ]

    def load(self) -> None:
        for name, step in self.steps():
            self.progress.set_description(name)
            step()

    def pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[list[dict[str, Any]]]:
        url = join(self.base_url, path)
        for page in walk_pages(self.client, url, params or {}, page_size=PAGE_SIZE):
            if not isinstance(page, Page):
                self.report.fail("page", f"{path} page {page.number}", page.reason)
                continue
            self.progress.update(1)
            yield page.results

    def rows(
        self,
        path: str,
        kind: str,
        model: Any,
        values: Callable[[dict[str, Any]], dict[str, Any]],
        partner: Partner | None,
        after_write: Callable[[list[Any]], None] | None = None,
    ) -> None:
        for results in self.pages(path):
            rows = []
            for body in results:
                try:
                    rows.append(RowImport(uuid=str(body["uuid"]), values=values(body), label=self.label(body)))
                except (KeyError, TypeError, ValueError) as error:
                    self.report.fail(kind, self.label(body), f"unreadable: {error}")
            outcomes, _ = rows_import(kind=kind, model=model, partner=partner, rows=rows, after_write=after_write)
            self.report.record(outcomes)

    @staticmethod
    def label(body: dict[str, Any]) -> str:
        return str(body.get("key") or body.get("slug") or body.get("uuid") or "?")

    # --- the steps --------------------------------------------------------------------------------------

    def organizations(self) -> None:
        def values(body: dict[str, Any]) -> dict[str, Any]:
            return {
                **strings(
                    body,
                    "key",
                    "name",
                    "slug",
                    "description",
                    "description_es",
                    "homepage_url",
                    "logo_image_url",
                    "banner_image_url",
                    "certificate_logo_image_url",
                    "organization_hex_color",
                ),
                **flags(body, "auto_generate_course_run_keys", "enterprise_subscription_inclusion"),
            }

        def inclusion(organizations: list[Organization]) -> None:
            subscription_inclusion_update(organizations=organizations)

        self.rows("api/v1/organizations/", "organization", Organization, values, self.partner, inclusion)

    def subjects(self) -> None:
        def values(body: dict[str, Any]) -> dict[str, Any]:
            return strings(body, "name", "slug", "subtitle", "description", "banner_image_url", "card_image_url")

        self.rows("api/v1/subjects/", "subject", Subject, values, self.partner)

    def topics(self) -> None:
        def values(body: dict[str, Any]) -> dict[str, Any]:
            return strings(body, "name", "slug", "subtitle", "description", "long_description", "banner_image_url")

        self.rows("api/v1/topics/", "topic", Topic, values, self.partner)

    def people(self) -> None:
        def values(body: dict[str, Any]) -> dict[str, Any]:
            # Emails are never served (null): they are not imported either.
            return strings(
                body, "salutation", "given_name", "family_name", "slug", "bio", "major_works", "profile_image_url"
            )

        self.rows("api/v1/people/", "person", Person, values, self.partner)

    def course_types(self) -> None:
        """The incumbent lists its course types (with their run types) as the options of the course form."""
        url = join(self.base_url, "api/v1/courses/")
        try:
            response = self.client.session.options(url, headers=self.client._headers(), timeout=self.client.timeout)
            body = response.json() if response.status_code == 200 else None
        except (ValueError, FetchFailed, OSError) as error:
            body = None
            reason = str(error)
        else:
            reason = f"HTTP {response.status_code}"
        actions = body.get("actions", {}) if isinstance(body, dict) else {}
        options: list[Any] = []
        for method in ("POST", "PUT"):
            field = (actions.get(method) or {}).get("type") or {}
            options = field.get("type_options") or options
        if not options:
            self.report.fail("course_type", "options", f"no course type options at OPTIONS {url} ({reason})")
            return
        types = [
            TypeImport(
                uuid=str(option["uuid"]),
                name=text(option.get("name")),
                entitlement_types=[text(slug) for slug in option.get("entitlement_types") or []],
                run_types=[
                    (str(run_type["uuid"]), text(run_type.get("name")))
                    for run_type in option.get("course_run_types") or []
                ],
            )
            for option in options
            if isinstance(option, dict) and option.get("uuid")
        ]
        self.report.record(course_types_import(types=types))

    def courses(self) -> None:
        params = {"include_hidden_course_runs": 1, "exclude_utm": 1}
        for results in self.pages("api/v1/courses/", params):
            items = []
            for body in results:
                try:
                    items.append(self.course(body))
                except (KeyError, TypeError, ValueError, ArithmeticError) as error:
                    self.report.fail("course", self.label(body), f"unreadable: {error}")
            self.report.record(courses_import(partner=self.partner, courses=items))

    def course(self, body: dict[str, Any]) -> CourseImport:
        raw_image = body.get("image")
        image: dict[str, Any] = raw_image if isinstance(raw_image, dict) else {}
        values: dict[str, Any] = {
            **strings(
                body,
                "title",
                *Course.RICH_TEXT_FIELDS,
                "card_image_url",
                "key_for_reruns",
                "url_slug",
                "organization_logo_override_url",
                "organization_short_code_override",
            ),
            **flags(body, "excluded_from_search", "excluded_from_seo"),
            **{
                name: value or 0 for name, value in numbers(body, "enrollment_count", "recent_enrollment_count").items()
            },
        }
        if image:
            values["image_url"] = text(image.get("src"))
        entitlements = [
            (
                text(entitlement.get("mode")),
                {
                    "price": decimal(entitlement.get("price")) or Decimal(0),
                    "currency": text(entitlement.get("currency")) or "USD",
                    "sku": text(entitlement.get("sku")),
                },
            )
            for entitlement in body.get("entitlements") or []
        ]
        return CourseImport(
            uuid=str(body["uuid"]),
            key=text(body["key"]),
            values=values,
            type=str(body["type"]) if body.get("type") else None,
            owners=uuids(body.get("owners")),
            sponsors=uuids(body.get("sponsors")),
            subjects=uuids(body.get("subjects")),
            topics=[text(topic if isinstance(topic, str) else topic.get("name")) for topic in body.get("topics") or []],
            runs=[self.run(run, text(body.get("title"))) for run in body.get("course_runs") or []],
            entitlements=entitlements,
            canonical_run_key=text(body.get("canonical_course_run_key")) or None,
        )

    def run(self, body: dict[str, Any], course_title: str) -> RunImport:
        title = text(body.get("title"))
        values: dict[str, Any] = {
            "start": date(body.get("start")),
            "end": date(body.get("end")),
            "enrollment_start": date(body.get("enrollment_start")),
            "enrollment_end": date(body.get("enrollment_end")),
            "announcement": date(body.get("announcement")),
            "go_live_date": date(body.get("go_live_date")),
            "title_override": title if title != course_title else "",
            **strings(
                body, "pacing_type", "status", "license", "content_language", "ofac_comment", "expected_program_name"
            ),
            **flags(body, "hidden", "mobile_available", "eligible_for_financial_aid"),
            **numbers(body, "min_effort", "max_effort", "weeks_to_complete"),
            **{
                name: value or 0 for name, value in numbers(body, "enrollment_count", "recent_enrollment_count").items()
            },
        }
        if body.get("reporting_type"):
            values["reporting_type"] = text(body["reporting_type"])
        if "has_ofac_restrictions" in body:
            values["has_ofac_restrictions"] = body["has_ofac_restrictions"]
        if "external_key" in body:
            values["external_key"] = text(body["external_key"]) or None
        if isinstance(body.get("transcript_languages"), list):
            values["transcript_languages"] = [text(code) for code in body["transcript_languages"]]
        if "fixed_price_usd" in body:
            values["fixed_price_usd"] = decimal(body["fixed_price_usd"])
        seats = [
            SeatImport(
                type=text(seat.get("type")),
                currency=text(seat.get("currency")) or "USD",
                credit_provider=text(seat.get("credit_provider")),
                values={
                    "price": decimal(seat.get("price")) or Decimal(0),
                    "sku": text(seat.get("sku")),
                    "bulk_sku": text(seat.get("bulk_sku")),
                    "upgrade_deadline": date(seat.get("upgrade_deadline")),
                    "upgrade_deadline_override": date(seat.get("upgrade_deadline_override")),
                    "credit_hours": int(seat["credit_hours"]) if seat.get("credit_hours") is not None else None,
                },
            )
            for seat in body.get("seats") or []
        ]
        return RunImport(
            uuid=str(body["uuid"]),
            key=text(body["key"]),
            values=values,
            staff=uuids(body.get("staff")),
            run_type=str(body["run_type"]) if body.get("run_type") else None,
            seats=seats,
        )

    def programs(self) -> None:
        from course_metadata.models import Course

        for results in self.pages("api/v1/programs/"):
            course_pks = {
                str(uuid): pk
                for uuid, pk in Course.objects.official()
                .filter(partner=self.partner, uuid__in={u for body in results for u in uuids(body.get("courses"))})
                .values_list("uuid", "pk")
            }
            org_pks = {
                str(uuid): pk
                for uuid, pk in Organization.objects.filter(
                    partner=self.partner,
                    uuid__in={u for body in results for u in uuids(body.get("authoring_organizations"))},
                ).values_list("uuid", "pk")
            }
            rows, degrees = [], []
            for body in results:
                try:
                    row = self.program(body, course_pks, org_pks)
                except (KeyError, TypeError, ValueError) as error:
                    self.report.fail("program", self.label(body), f"unreadable: {error}")
                    continue
                if isinstance(body.get("degree"), dict):
                    degree = body["degree"]
                    values = {**row.values, **strings(degree, *DEGREE_FIELDS)}
                    degrees.append(RowImport(uuid=row.uuid, values=values, links=row.links, label=row.label))
                else:
                    rows.append(row)
            outcomes, written = programs_import(partner=self.partner, rows=rows)
            self.report.record(outcomes)
            degree_outcomes, written_degrees = programs_import(partner=self.partner, rows=degrees, model=Degree)
            for item in degree_outcomes.items:
                item.kind = "degree"
            self.report.record(degree_outcomes)
            written.update(written_degrees)
            for body in results:
                program = written.get(str(body.get("uuid")))
                if program is None:
                    continue
                if isinstance(body.get("degree"), dict):
                    degree = body["degree"]
                    degree_details_import(
                        degree=program,
                        costs=[(text(c.get("description")), text(c.get("amount"))) for c in degree.get("costs") or []],
                        specializations=[text(value) for value in degree.get("specializations") or []],
                    )
                curricula = [self.curriculum(item) for item in body.get("curricula") or [] if isinstance(item, dict)]
                if curricula:
                    self.report.record(curricula_import(program=program, curricula=curricula))

    @staticmethod
    def curriculum(body: dict[str, Any]) -> CurriculumImport:
        return CurriculumImport(
            uuid=str(body["uuid"]),
            values={**strings(body, "name", "marketing_text", "marketing_text_brief"), **flags(body, "is_active")},
            courses=[(str(c["uuid"]), bool(c.get("is_active", True))) for c in body.get("courses") or []],
            programs=[(str(p["uuid"]), bool(p.get("is_active", True))) for p in body.get("programs") or []],
        )

    def learner_pathways(self) -> None:
        for results in self.pages("api/v1/learner-pathway/"):
            items = []
            for body in results:
                try:
                    items.append(self.learner_pathway(body))
                except (KeyError, TypeError, ValueError) as error:
                    self.report.fail("learner_pathway", self.label(body), f"unreadable: {error}")
            self.report.record(learner_pathways_import(partner=self.partner, pathways=items))

    @staticmethod
    def learner_pathway(body: dict[str, Any]) -> PathwayImport:
        def image(name: str) -> str:
            value = body.get(name)
            return text(value.get("src")) if isinstance(value, dict) else ""

        values: dict[str, Any] = {
            **strings(body, "title", "status", "overview"),
            **flags(body, "visible_via_association"),
            "banner_image_url": image("banner_image"),
            "card_image_url": image("card_image"),
        }
        steps = [
            StepImport(
                uuid=str(step["uuid"]),
                min_requirement=int(step.get("min_requirement") or 1),
                courses=uuids(step.get("courses")),
                programs=uuids(step.get("programs")),
                blocks=[
                    (
                        text(block.get("course_key")),
                        text(block.get("block_id")),
                        float(block.get("estimated_completion_time") or 0),
                    )
                    for block in step.get("blocks") or []
                ],
            )
            for step in body.get("steps") or []
        ]
        return PathwayImport(uuid=str(body["uuid"]), values=values, steps=steps)

    def program(self, body: dict[str, Any], course_pks: dict[str, int], org_pks: dict[str, int]) -> RowImport:
        missing = [uuid for uuid in uuids(body.get("courses")) if uuid not in course_pks]
        if missing:
            raise ValueError(f"courses not imported: {', '.join(missing)}")
        raw_type_attrs = body.get("type_attrs")
        type_attrs: dict[str, Any] = raw_type_attrs if isinstance(raw_type_attrs, dict) else {}
        values: dict[str, Any] = {
            **strings(
                body,
                "title",
                "subtitle",
                "marketing_hook",
                "status",
                "marketing_slug",
                "overview",
                "card_image_url",
                "program_duration_override",
                "organization_logo_override_url",
                "organization_short_code_override",
                "ofac_comment",
                "language_override",
            ),
            **flags(body, "hidden", "excluded_from_search", "excluded_from_seo"),
            **numbers(body, "total_hours_of_effort", "weeks_to_complete"),
            "type_id": program_type_pk(text(body.get("type")), text(type_attrs.get("slug"))),
        }
        if "has_ofac_restrictions" in body:
            values["has_ofac_restrictions"] = body["has_ofac_restrictions"]
        return RowImport(
            uuid=str(body["uuid"]),
            values=values,
            links={
                "courses": [course_pks[uuid] for uuid in uuids(body.get("courses"))],
                "authoring_organizations": [
                    org_pks[uuid] for uuid in uuids(body.get("authoring_organizations")) if uuid in org_pks
                ],
            },
            label=text(body.get("title")) or str(body["uuid"]),
        )
