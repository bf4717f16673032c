"""The one way a source (the LMS loader, Studio's events) creates or updates course runs: a page at a time.

``course_runs_upsert`` takes a batch of runs as a source describes them and, in one transaction:

* reads every row the batch touches in a constant number of queries (runs by key in both worlds, their
  courses, the courses the key names or that rerun under it, organizations, videos), comparing plain
  values first: an item equal to what is stored costs no further statement, so an unchanged source
  writes nothing (no timestamp moves, no history row, no change-log entry; ADR 0020, 0021);
* refuses an item whose run key names another course (``course_metadata.rules.run_keys``), and a bad
  item (validation, database error) is reported with its reason while the rest of the batch lands;
* creates what is missing set-based: organizations, courses (with free URL slugs) and their authoring
  organizations, videos and runs with one change-tracked bulk INSERT each (history included), and
  updates what differs with one change-tracked bulk UPDATE per model;
* merges into drafts as the incumbent's Publisher expects: values go on the official row; where it has a
  draft being edited, what changed is rebased into the draft where the author has not touched it
  (``draft_rebase_onto_official``); a run or course that exists only as a draft is updated in place; a
  new run of a draft-only course joins that draft world, unpublished.

A new run takes the type of its course's latest typed run (none: left to the course-type match).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from course_metadata.models import Course, CourseRun, CourseRunStatus, Organization, Partner, Video
from course_metadata.rules.run_keys import course_keys_for_runs, run_key_course_part
from course_metadata.rules.url_slugs import free_course_url_slugs
from course_metadata.services.drafts import course_ensure_draft, draft_rebase_onto_official
from course_metadata.services.load_outcomes import (
    CREATED,
    FAILED,
    ITEM_ERRORS,
    UNCHANGED,
    UPDATED,
    PageOutcomes,
    assign_changed,
    clean_row,
    error_messages,
    rows_insert,
    rows_update,
)
from course_metadata.services.rows import row_rules_apply, row_save
from course_metadata.services.subscription_inclusion import subscription_inclusion_update


@dataclass(frozen=True)
class RunInput:
    """One run as a source describes it. ``run`` and ``course`` hold the attnames the source owns.

    ``video`` is the URL of the run's video ("" for none), or None when the source does not own it.
    ``course`` values are written when the course is created, and later only when ``course_owned`` is set
    and this run is the course's canonical run (the LMS speaks for a course through that run).
    """

    key: str
    run: Mapping[str, Any]
    course: Mapping[str, Any]
    video: str | None = None
    course_owned: bool = False


@dataclass
class RunResult:
    """What became of one input: its outcome, the run written (or read), what changed, and why it failed."""

    key: str
    outcome: str = UNCHANGED
    course_run: CourseRun | None = None
    changed: tuple[str, ...] = ()
    course_created: bool = False
    error: ValidationError | None = None


@dataclass
class UpsertResult:
    results: list[RunResult]
    outcomes: PageOutcomes


def check_run_belongs(course: Course, run_key: str) -> None:
    """A run key names its course: course-v1:Org+Num+Run belongs to Org+Num (or to the course renamed to it)."""
    part = run_key_course_part(run_key)
    if part is None:
        raise ValidationError(_("%(key)r is not a course run key (course-v1:ORG+NUMBER+RUN).") % {"key": run_key})
    if part not in course_keys_for_runs(course):
        raise ValidationError(
            _(
                "run %(run_key)s belongs to course %(course_key)s, whose keys do not match %(part)s; "
                "fix the run's course in the admin before loading it again."
            )
            % {"run_key": run_key, "course_key": course.key, "part": part}
        )


def course_runs_upsert(*, partner: Partner | None, inputs: Sequence[RunInput], lock: bool = False) -> UpsertResult:
    """Create or update the runs of ``inputs`` (see the module docstring); one transaction for the batch.

    ``partner`` scopes the lookup and owns the courses created; without one, runs and courses are looked
    up across partners and a run whose course does not exist fails. ``lock`` takes row locks on what the
    batch reads (for callers that must serialize with concurrent writers of the same runs).
    """
    upsert = _Upsert(partner, inputs, lock)
    with transaction.atomic():
        upsert.read()
        upsert.plan()
        upsert.write()
    return UpsertResult(upsert.results, upsert.outcomes)


@dataclass
class _Plan:
    """An item that writes something: its run (existing or new) and course."""

    index: int
    item: RunInput
    result: RunResult
    course_key: str
    run: CourseRun | None = None
    run_changed: list[str] = field(default_factory=list)
    course: Course | None = None
    course_changed: list[str] = field(default_factory=list)
    new_course_key: str | None = None


class _Upsert:
    def __init__(self, partner: Partner | None, inputs: Sequence[RunInput], lock: bool) -> None:
        self.partner = partner
        self.inputs = list(inputs)
        self.lock = lock
        self.results = [RunResult(item.key) for item in self.inputs]
        self.outcomes = PageOutcomes()
        self.course_parts: dict[int, str] = {}
        self.runs: dict[tuple[str, bool], dict[str, Any]] = {}
        self.courses: dict[int, dict[str, Any]] = {}
        self.courses_by_key: dict[str, list[int]] = defaultdict(list)
        self.videos: dict[str, int] = {}
        self.plans: list[_Plan] = []
        self.inclusion_runs: list[CourseRun] = []
        self.new_courses: list[Course] = []

    # --- reading: plain values, a constant number of queries ------------------------------------------

    def _qs(self, queryset: Any) -> Any:
        return queryset.select_for_update(of=("self",)) if self.lock else queryset

    def read(self) -> None:
        for index, item in enumerate(self.inputs):
            part = run_key_course_part(item.key) if isinstance(item.key, str) else None
            if part is None or not item.key.startswith("course-v1:"):
                message = _("%(key)r is not a course run key (course-v1:ORG+NUMBER+RUN).") % {"key": item.key}
                self._fail(index, ValidationError(message))
            else:
                self.course_parts[index] = part
        if not self.course_parts:
            return
        run_attnames = sorted({name for i in self.course_parts for name in self.inputs[i].run} | {"video_id"})
        course_attnames = sorted({name for i in self.course_parts for name in self.inputs[i].course} | {"video_id"})
        runs = CourseRun.objects.filter(key__in=[self.inputs[i].key for i in self.course_parts])
        if self.partner is not None:
            runs = runs.filter(course__partner=self.partner)
        head = ["pk", "key", "draft", "course_id", "draft_version_id"]
        for row in self._qs(runs.order_by()).values(*head, *run_attnames):
            self.runs[(row["key"], row["draft"])] = row
        parts = set(self.course_parts.values())
        courses = Course.objects.filter(
            Q(pk__in={row["course_id"] for row in self.runs.values()}) | Q(key__in=parts) | Q(key_for_reruns__in=parts)
        )
        if self.partner is not None:
            courses = courses.filter(partner=self.partner)
        head = ["pk", "uuid", "key", "key_for_reruns", "draft", "draft_version_id", "canonical_course_run_id"]
        for row in self._qs(courses.order_by("draft", "pk")).values(*head, "partner_id", *course_attnames):
            self.courses[row["pk"]] = row
            for key in {row["key"], row["key_for_reruns"]} - {""}:
                self.courses_by_key[key].append(row["pk"])
        srcs = {self.inputs[i].video for i in self.course_parts if self.inputs[i].video}
        for pk, src in Video.objects.filter(src__in=srcs).order_by("pk").values_list("pk", "src"):
            self.videos[src] = pk

    # --- planning: what each item writes ----------------------------------------------------------------

    def plan(self) -> None:
        for index, part in self.course_parts.items():
            item, result = self.inputs[index], self.results[index]
            try:
                plan = self._plan_item(index, item, result, part)
            except ValidationError as error:
                self._fail(index, error)
                continue
            if plan is None:
                self.outcomes.add("course_run", item.key, UNCHANGED)
            else:
                self.plans.append(plan)

    def _video_value(self, item: RunInput) -> dict[str, Any]:
        if item.video is None:
            return {}
        return {"video_id": self.videos.get(item.video, -1) if item.video else None}

    def _plan_item(self, index: int, item: RunInput, result: RunResult, part: str) -> _Plan | None:
        existing = self.runs.get((item.key, False)) or self.runs.get((item.key, True))
        if existing is None:
            return _Plan(index, item, result, part)
        course = self.courses[existing["course_id"]]
        if part not in {course["key"], course["key_for_reruns"]}:
            raise ValidationError(
                _(
                    "run %(run_key)s belongs to course %(course_key)s, whose keys do not match %(part)s; "
                    "fix the run's course in the admin before loading it again."
                )
                % {"run_key": item.key, "course_key": course["key"], "part": part}
            )
        values = {**item.run, **self._video_value(item)}
        run_differs = any(existing[name] != value for name, value in values.items())
        course_differs = False
        if item.course_owned and not existing["draft"] and course["canonical_course_run_id"] == existing["pk"]:
            course_values = {**item.course, **self._video_value(item)}
            course_differs = any(course[name] != value for name, value in course_values.items())
        if not (run_differs or course_differs):
            return None
        return _Plan(index, item, result, part)

    def _target_course(self, plan: _Plan) -> dict[str, Any] | None:
        """The course a new run joins: the official one its key names, else that course's only draft."""
        candidates = [self.courses[pk] for pk in self.courses_by_key.get(plan.course_key, [])]
        officials = [c for c in candidates if not c["draft"]]
        if len(officials) > 1 or (not officials and len({c["uuid"] for c in candidates}) > 1):
            names = ", ".join(sorted({"%s:%s" % (c["partner_id"], c["key"]) for c in candidates}))  # noqa: UP031
            raise ValidationError(
                _("%(course_run_key)s: several courses match %(course_key)s (%(values)s); the run cannot be placed.")
                % {"course_run_key": plan.item.key, "course_key": plan.course_key, "values": names}
            )
        found = officials or candidates
        return found[0] if found else None

    # --- writing --------------------------------------------------------------------------------------

    def write(self) -> None:
        if not self.plans:
            return
        self._insert_videos()
        self._load_instances()
        self._update_existing()
        self._create_courses()
        self._create_runs()
        subscription_inclusion_update(courses=self.new_courses, course_runs=self.inclusion_runs)

    def _fail(self, index: int, error: Exception) -> None:
        result = self.results[index]
        result.outcome = FAILED
        result.error = error if isinstance(error, ValidationError) else ValidationError(error_messages(error))
        self.outcomes.fail("course_run", result.key, error)

    def _fail_plan(self, plan: _Plan, error: Exception) -> None:
        self._fail(plan.index, error)
        self.plans = [p for p in self.plans if p is not plan]

    def _insert_videos(self) -> None:
        missing = sorted({p.item.video for p in self.plans if p.item.video and p.item.video not in self.videos})
        # Videos are shared rows: a new URL is a new row, never an edit of one another course uses.
        videos = [Video(src=src) for src in missing]
        for video in videos:
            clean_row(video)
        for video, _error in rows_insert(Video, videos):
            missing.remove(video.src)
        for video in videos:
            if video.pk is not None:
                self.videos[video.src] = video.pk

    def _load_instances(self) -> None:
        """The model rows of the items that write: one query for their runs, one for their courses."""
        run_pks = set()
        course_pks = set()
        for plan in list(self.plans):
            existing = self.runs.get((plan.item.key, False)) or self.runs.get((plan.item.key, True))
            if existing is not None:
                run_pks.add(existing["pk"])
                course_pks.add(existing["course_id"])
                continue
            try:
                target = self._target_course(plan)
            except ValidationError as error:
                self._fail_plan(plan, error)
                continue
            if target is not None:
                course_pks.add(target["pk"])
        runs = {run.pk: run for run in self._qs(CourseRun.objects.filter(pk__in=run_pks))}
        courses = {course.pk: course for course in self._qs(Course.objects.filter(pk__in=course_pks))}
        for run in runs.values():
            run.course = courses[run.course_id]
        for plan in list(self.plans):
            existing = self.runs.get((plan.item.key, False)) or self.runs.get((plan.item.key, True))
            if existing is not None:
                plan.run = runs[existing["pk"]]
                plan.course = plan.run.course
            else:
                target = self._target_course(plan)
                plan.course = courses[target["pk"]] if target is not None else None
                if plan.course is None:
                    plan.new_course_key = plan.course_key

    def _update_existing(self) -> None:
        run_rows: dict[int, CourseRun] = {}
        course_rows: dict[int, Course] = {}
        run_attnames: set[str] = set()
        course_attnames: set[str] = set()
        for plan in [p for p in self.plans if p.run is not None]:
            run, course, item = plan.run, plan.course, plan.item
            assert run is not None and course is not None
            try:
                plan.run_changed = assign_changed(run, {**item.run, **self._video_value(item)})
                if plan.run_changed:
                    clean_row(run)
                if item.course_owned and not run.draft and course.canonical_course_run_id == run.pk:
                    plan.course_changed = assign_changed(course, {**item.course, **self._video_value(item)})
                    if plan.course_changed:
                        clean_row(course)
            except ITEM_ERRORS as error:
                self._fail_plan(plan, error)
                continue
            if plan.run_changed:
                run_rows[run.pk] = run
                run_attnames.update(plan.run_changed)
            if plan.course_changed:
                course_rows[course.pk] = course
                course_attnames.update(plan.course_changed)
        failed = {id(row) for row, _error in rows_update(CourseRun, list(run_rows.values()), run_attnames)}
        failed |= {id(row) for row, _error in rows_update(Course, list(course_rows.values()), course_attnames)}
        for plan in [p for p in self.plans if p.run is not None]:
            run, course = plan.run, plan.course
            assert run is not None and course is not None
            if id(run) in failed or id(course) in failed:
                self._fail_plan(plan, ValidationError(_("run %(key)s could not be saved") % {"key": run.key}))
                continue
            plan.result.outcome = UPDATED if plan.run_changed else UNCHANGED
            plan.result.course_run = run
            plan.result.changed = tuple(plan.run_changed)
            self.outcomes.add("course_run", run.key, plan.result.outcome)
            if plan.course_changed:
                self.outcomes.add("course", course.key, UPDATED)
            if "pacing_type" in plan.run_changed:
                self.inclusion_runs.append(run)
            if plan.run_changed and not run.draft:
                draft_rebase_onto_official(official=run)
            if plan.course_changed:
                draft_rebase_onto_official(official=course)

    def _create_courses(self) -> None:
        if self.partner is None:
            for plan in [p for p in self.plans if p.new_course_key is not None]:
                self._fail_plan(
                    plan,
                    ValidationError(
                        _("%(course_run_key)s: no course %(course_key)s and no partner to create it for.")
                        % {"course_run_key": plan.item.key, "course_key": plan.course_key}
                    ),
                )
            return
        partner = self.partner
        first: dict[str, _Plan] = {}
        for plan in self.plans:
            if plan.new_course_key is not None:
                first.setdefault(plan.new_course_key, plan)
        if not first:
            return
        org_keys = {key.partition("+")[0] for key in first}
        organizations = {o.key: o for o in Organization.objects.filter(partner=partner, key__in=org_keys)}
        new_orgs = [Organization(partner=partner, key=key, name=key) for key in sorted(org_keys - set(organizations))]
        for organization in new_orgs:
            row_rules_apply(row=organization)
            clean_row(organization)
        rows_insert(Organization, new_orgs)
        organizations.update({o.key: o for o in new_orgs if o.pk is not None})

        courses: dict[str, Course] = {}
        for course_key, plan in first.items():
            _org, _plus, number = course_key.partition("+")
            values = {**plan.item.course}
            if plan.item.video:
                values["video_id"] = self.videos.get(plan.item.video)
            course = Course(partner=partner, key=course_key, number=number, **values)
            if not course.title:
                course.title = course_key
            courses[course_key] = course
        slugs = free_course_url_slugs(
            partner_id=partner.pk, wanted=[(c.uuid, c.title, c.key) for c in courses.values()]
        )
        bad: dict[str, Exception] = {}
        for course, slug in zip(courses.values(), slugs, strict=True):
            course.url_slug = slug
            try:
                course.validate_key_for_reruns()
                clean_row(course)
            except ITEM_ERRORS as invalid:
                bad[course.key] = invalid
        good = [c for c in courses.values() if c.key not in bad]
        for failed_course, failure in rows_insert(Course, good):
            bad[failed_course.key] = failure
        links = []
        for course in good:
            if course.key in bad:
                continue
            owner = organizations.get(course.key.partition("+")[0])
            if owner is not None:
                links.append(Course.authoring_organizations.through(course_id=course.pk, organization_id=owner.pk))
            self.new_courses.append(course)
            self.outcomes.add("course", course.key, CREATED)
        # The courses are new in this transaction: their creation is what the change log records.
        Course.authoring_organizations.through.objects.bulk_create(links, batch_size=500)
        for plan in [p for p in self.plans if p.new_course_key is not None]:
            new_key = plan.new_course_key
            assert new_key is not None
            if new_key in bad:
                self._fail_plan(plan, bad[new_key])
                continue
            plan.course = courses[new_key]
            if plan is first.get(new_key):
                plan.result.course_created = True

    def _create_runs(self) -> None:
        new = [p for p in self.plans if p.run is None and p.course is not None]
        if not new:
            return
        run_types = self._latest_run_types({p.course.pk for p in new if p.course is not None})
        pending: list[_Plan] = []
        for plan in new:
            course, item = plan.course, plan.item
            assert course is not None
            try:
                run = CourseRun(course=course, key=item.key, draft=course.draft, **item.run, **self._video_value(item))
                run.type_id = run_types.get(course.pk)
                if course.draft:
                    # The course exists only as a Publisher draft: its new run joins that world and goes through review.
                    run.status = CourseRunStatus.UNPUBLISHED
                check_run_belongs(course, item.key)
                clean_row(run)
            except ITEM_ERRORS as error:
                self._fail_plan(plan, error)
                continue
            plan.run = run
            if not course.draft and not course.draft_version_id and (item.key, True) not in self.runs:
                # No draft world to join (every run of a first load): the slug is what save() would give it.
                run.slug = run.build_slug()
                pending.append(plan)
                continue
            try:
                with transaction.atomic():
                    row_save(run)
                    if course.canonical_course_run_id is None:
                        course.canonical_course_run = run
                        row_save(course, update_fields=["canonical_course_run"])
                    if not course.draft and course.draft_version_id:
                        course_ensure_draft(course=course)  # gives the new run its draft in the world being edited
            except ITEM_ERRORS as error:
                self._fail_plan(plan, error)
                continue
            self._created(plan)
        failures = {id(row): error for row, error in rows_insert(CourseRun, [p.run for p in pending])}
        canonical: dict[int, Course] = {}
        for plan in pending:
            inserted, owner = plan.run, plan.course
            assert inserted is not None and owner is not None
            if id(inserted) in failures:
                self._fail_plan(plan, failures[id(inserted)])
                continue
            self._created(plan)
            if owner.canonical_course_run_id is None and owner.pk not in canonical:
                owner.canonical_course_run = inserted
                canonical[owner.pk] = owner
        if canonical:
            Course.objects.bulk_update(list(canonical.values()), ["canonical_course_run"])

    def _created(self, plan: _Plan) -> None:
        assert plan.run is not None
        plan.result.outcome = CREATED
        plan.result.course_run = plan.run
        plan.result.changed = tuple(plan.item.run)
        self.runs[(plan.run.key, plan.run.draft)] = {"pk": plan.run.pk}
        self.inclusion_runs.append(plan.run)
        self.outcomes.add("course_run", plan.run.key, CREATED)

    @staticmethod
    def _latest_run_types(course_pks: set[int]) -> dict[int, int]:
        """The type of each course's latest typed run (the best guess for a new run, as the incumbent makes)."""
        latest: dict[int, int] = {}
        rows = (
            CourseRun.objects.filter(course_id__in=course_pks)
            .exclude(type=None)
            .order_by("course_id", "-created", "-pk")
            .values_list("course_id", "type_id")
        )
        for course_id, type_id in rows:
            latest.setdefault(course_id, type_id)
        return latest


__all__ = ["RunInput", "RunResult", "UpsertResult", "check_run_belongs", "course_runs_upsert"]
