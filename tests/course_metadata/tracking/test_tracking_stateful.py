"""Property: a timestamp moves iff the object's JSON snapshot changes, with one log entry per committed change.

A hypothesis state machine edits a small catalog (official and draft courses, runs, seats, entitlements,
marketing extras, sorted m2m links, tags, organizations, people, a program) in random sequences of real
transactions (some rolled back) and checks after every step, against snapshots built from the database
by tests/course_metadata/tracking/snapshots.py:

* every watched object's ``data_modified_timestamp`` moved iff its snapshot changed;
* the step wrote exactly one change-log entry per object whose snapshot changed (a tombstone for a
  deleted one) and nothing else; a rolled-back step wrote nothing;
* the public feed never hands out a draft.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from course_metadata.changelog.cursor import START
from course_metadata.changelog.feed import change_log_page
from course_metadata.models import (
    ChangeLogEntry,
    Course,
    CourseEntitlement,
    CourseRun,
    Fact,
    Organization,
    Person,
    Program,
    Seat,
    SeatType,
    Subject,
)
from course_metadata.services.subscription_inclusion import subscription_inclusion_refresh
from course_metadata.tracking import suppressed
from tests.course_metadata.tracking.snapshots import Snapshots, stored_timestamp
from tests.factories import (
    AdditionalMetadataFactory,
    CollaboratorFactory,
    CourseEntitlementFactory,
    CourseFactory,
    CourseRunFactory,
    FactFactory,
    OrganizationFactory,
    PartnerFactory,
    PersonFactory,
    ProgramFactory,
    SeatFactory,
    SubjectFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

_worlds = itertools.count()
WORDS = ["alpha", "beta"]


class Rollback(Exception):
    """Raised inside a step's transaction to roll it back on purpose."""


class ChangeTrackingMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        n = next(_worlds)
        # Building the world is not under test: untracked, so each example starts fast and from a clean log.
        with transaction.atomic(), suppressed():
            partner = PartnerFactory(short_code=f"sm{n}", name=f"State machine {n}")
            self.orgs = [OrganizationFactory(partner=partner, key=f"SM{n}O{i}") for i in range(2)]
            self.subjects = [SubjectFactory(partner=partner) for _ in range(3)]
            self.collaborators = [CollaboratorFactory() for _ in range(2)]
            self.people = [PersonFactory(partner=partner) for _ in range(3)]
            self.facts = [FactFactory() for _ in range(2)]
            self.metadata = AdditionalMetadataFactory(facts=self.facts[:1])
            a = CourseFactory(partner=partner, authoring_organization=self.orgs[0], additional_metadata=self.metadata)
            b = CourseFactory(partner=partner, authoring_organization=self.orgs[1])
            draft_a = CourseFactory(
                partner=partner,
                authoring_organization=self.orgs[0],
                key=a.key,
                number=a.number,
                uuid=a.uuid,
                url_slug=a.url_slug,
                draft=True,
            )
            self.courses = [a, b, draft_a]
            self.runs = [
                CourseRunFactory(course=a),
                CourseRunFactory(course=a),
                CourseRunFactory(course=b),
            ]
            self.runs.append(CourseRunFactory(course=draft_a, key=self.runs[0].key, draft=True))
            self.seats = [SeatFactory(course_run=self.runs[0]), SeatFactory(course_run=self.runs[3])]
            self.entitlement = CourseEntitlementFactory(course=a)
            self.program = ProgramFactory(partner=partner, courses=[a, b], authoring_organizations=self.orgs[:1])
        self.watched = (
            [("course", c.pk) for c in self.courses]
            + [("courserun", r.pk) for r in self.runs]
            + [("program", self.program.pk)]
            + [("organization", o.pk) for o in self.orgs]
            + [("person", p.pk) for p in self.people]
        )
        self.position = START
        self.drain_feed()
        self.remember()
        self.expect_rollback = False

    # --- bookkeeping ---------------------------------------------------------------------------------

    def take(self) -> tuple[dict, dict]:
        snapshots = Snapshots()
        return (
            {key: snapshots.snapshot(*key) for key in self.watched},
            {key: stored_timestamp(*key) for key in self.watched},
        )

    def remember(self, taken: tuple[dict, dict] | None = None) -> None:
        self.snapshots, self.stamps = taken or self.take()
        last = ChangeLogEntry.objects.order_by("-id").first()
        self.mark = last.id if last else 0

    def drain_feed(self) -> None:
        while True:
            page = change_log_page(after=self.position, limit=1000)
            assert not any(change.draft for change in page.changes), "a draft reached the public feed"
            self.position = page.next_position
            if not page.has_more:
                return

    def step(self, work, *, roll_back: bool = False) -> None:
        """Run ``work`` as one transaction (rolled back on purpose when asked)."""
        self.expect_rollback = roll_back
        try:
            with transaction.atomic():
                work()
                if roll_back:
                    raise Rollback
        except Rollback:
            pass

    @invariant()
    def timestamps_and_log_follow_the_data(self) -> None:
        if not hasattr(self, "snapshots"):
            return
        now, stamps = self.take()
        changed = {key for key in self.watched if now[key] != self.snapshots[key]}
        entries = [
            ((entry.object_type, entry.object_id), entry.action)
            for entry in ChangeLogEntry.objects.filter(id__gt=self.mark).order_by("id")
        ]
        if self.expect_rollback:
            assert changed == set() and entries == [], "a rolled-back step left traces"
        for key in self.watched:
            if now[key] is None or key[0] == "person":
                continue
            moved = stamps[key] != self.stamps[key]
            assert moved == (key in changed), f"{key}: data changed={key in changed}, timestamp moved={moved}"
        logged = [key for key, _action in entries]
        assert len(logged) == len(set(logged)), f"more than one entry per object: {entries}"
        assert set(logged) == changed, f"entries {sorted(set(logged))} != changed {sorted(changed)}"
        for key, action in entries:
            assert action == ("delete" if now[key] is None else "upsert"), (key, action)
        self.watched = [key for key in self.watched if now[key] is not None]
        self.drain_feed()
        self.remember(({key: now[key] for key in self.watched}, {key: stamps[key] for key in self.watched}))

    # --- own fields ----------------------------------------------------------------------------------

    @rule(c=st.integers(0, 2), field=st.sampled_from(["title", "short_description"]), word=st.sampled_from(WORDS))
    def edit_course(self, c, field, word):
        def work():
            course = Course.objects.get(pk=self.courses[c].pk)
            setattr(course, field, word)
            course.save()

        self.step(work)

    @rule(r=st.integers(0, 3), effort=st.integers(1, 2), override=st.sampled_from(["", "Override"]))
    def edit_run(self, r, effort, override):
        def work():
            run = CourseRun.objects.filter(pk=self.runs[r].pk).first()
            if run is not None:
                run.min_effort, run.title_override = effort, override
                run.save()

        self.step(work)

    @rule(o=st.integers(0, 1), word=st.sampled_from(WORDS))
    def edit_organization(self, o, word):
        organization = Organization.objects.get(pk=self.orgs[o].pk)
        organization.name = word
        self.step(organization.save)

    @rule(o=st.integers(0, 1), included=st.booleans())
    def toggle_organization_subscription(self, o, included):
        organization = Organization.objects.get(pk=self.orgs[o].pk)
        organization.enterprise_subscription_inclusion = included
        self.step(organization.save)

    @rule(p=st.integers(0, 2), word=st.sampled_from(WORDS))
    def edit_person(self, p, word):
        person = Person.objects.get(pk=self.people[p].pk)
        person.bio = word
        self.step(person.save)

    @rule(s=st.integers(0, 2), word=st.sampled_from(WORDS))
    def edit_subject(self, s, word):
        subject = Subject.objects.get(pk=self.subjects[s].pk)
        subject.name = word
        self.step(subject.save)

    @rule(
        kind=st.sampled_from(["course", "courserun", "program", "organization", "seat", "entitlement"]),
        i=st.integers(0, 3),
    )
    def noop_save(self, kind, i):
        pools: dict[str, tuple[Any, list[Any]]] = {
            "course": (Course, self.courses),
            "courserun": (CourseRun, self.runs),
            "program": (Program, [self.program]),
            "organization": (Organization, self.orgs),
            "seat": (Seat, self.seats),
            "entitlement": (CourseEntitlement, [self.entitlement]),
        }
        model, pool = pools[kind]
        row = model.objects.filter(pk=pool[i % len(pool)].pk).first()
        if row is not None:
            self.step(row.save)

    # --- related rows --------------------------------------------------------------------------------

    @rule(s=st.integers(0, 1), price=st.sampled_from(["49.00", "50.00"]))
    def edit_seat(self, s, price):
        seat = Seat.objects.filter(pk=self.seats[s].pk).first()
        if seat is not None:
            seat.price = Decimal(price)
            self.step(seat.save)

    @rule(r=st.integers(0, 3))
    def add_or_remove_audit_seat(self, r):
        def work():
            run = CourseRun.objects.filter(pk=self.runs[r].pk).first()
            if run is None:
                return
            audit = SeatType.objects.get(slug="audit")
            existing = Seat.objects.filter(course_run=run, type=audit).first()
            if existing:
                existing.delete()
            else:
                Seat.objects.create(course_run=run, type=audit, price=0, draft=run.draft)

        self.step(work)

    @rule(price=st.sampled_from(["100.00", "149.00"]))
    def edit_entitlement(self, price):
        entitlement = CourseEntitlement.objects.get(pk=self.entitlement.pk)
        entitlement.price = Decimal(price)
        self.step(entitlement.save)

    @rule(f=st.integers(0, 1), word=st.sampled_from(WORDS), toggle=st.booleans())
    def edit_fact(self, f, word, toggle):
        def work():
            fact = Fact.objects.get(pk=self.facts[f].pk)
            fact.blurb = word
            fact.save()
            if toggle:
                metadata = self.metadata  # a publish may have detached it from the course: then it is no one's data
                if metadata.facts.filter(pk=fact.pk).exists():
                    metadata.facts.remove(fact)
                else:
                    metadata.facts.add(fact)

        self.step(work)

    # --- many-to-many --------------------------------------------------------------------------------

    @rule(c=st.integers(0, 2), order=st.lists(st.integers(0, 2), unique=True, max_size=3))
    def set_subjects(self, c, order):
        course = Course.objects.get(pk=self.courses[c].pk)
        self.step(lambda: course.subjects.set([self.subjects[i] for i in order]))

    @rule(c=st.integers(0, 2), order=st.lists(st.integers(0, 1), unique=True, max_size=2))
    def set_collaborators(self, c, order):
        course = Course.objects.get(pk=self.courses[c].pk)
        self.step(lambda: course.collaborators.set([self.collaborators[i] for i in order]))

    @rule(r=st.integers(0, 3), order=st.lists(st.integers(0, 2), unique=True, max_size=3))
    def set_staff(self, r, order):
        run = CourseRun.objects.filter(pk=self.runs[r].pk).first()
        if run is not None:
            self.step(lambda: run.staff.set([self.people[i] for i in order]))

    @rule(order=st.lists(st.integers(0, 1), unique=True, max_size=2))
    def set_program_courses(self, order):
        program = Program.objects.get(pk=self.program.pk)
        self.step(lambda: program.courses.set([self.courses[i] for i in order]))

    @rule(order=st.lists(st.integers(0, 1), unique=True, max_size=2))
    def set_program_organizations(self, order):
        program = Program.objects.get(pk=self.program.pk)
        self.step(lambda: program.authoring_organizations.set([self.orgs[i] for i in order]))

    @rule(c=st.integers(0, 2), tag=st.sampled_from(["python", "ml"]), add=st.booleans())
    def tag_course(self, c, tag, add):
        course = Course.objects.get(pk=self.courses[c].pk)
        self.step(lambda: course.topics.add(tag) if add else course.topics.remove(tag))

    @rule(tag=st.sampled_from(["featured", "new"]), add=st.booleans())
    def label_program(self, tag, add):
        program = Program.objects.get(pk=self.program.pk)
        self.step(lambda: program.labels.add(tag) if add else program.labels.remove(tag))

    # --- bulk writes, deletes, publishing-style swaps, rollbacks -------------------------------------

    @rule(c=st.integers(0, 2), word=st.sampled_from(WORDS))
    def queryset_update_course(self, c, word):
        self.step(lambda: Course.objects.filter(pk=self.courses[c].pk).update(short_description=word))

    @rule(r=st.integers(0, 3), price=st.sampled_from(["49.00", "50.00"]))
    def queryset_update_seats(self, r, price):
        self.step(lambda: Seat.objects.filter(course_run_id=self.runs[r].pk).update(price=Decimal(price)))

    @rule(effort=st.integers(1, 2))
    def bulk_update_runs(self, effort):
        runs = list(CourseRun.objects.filter(pk__in=[r.pk for r in self.runs]))
        for run in runs:
            run.min_effort = effort
        self.step(lambda: CourseRun.objects.bulk_update(runs, ["min_effort"]))

    @rule()
    def refresh_subscription_flags(self):
        self.step(lambda: subscription_inclusion_refresh(organization_ids=[o.pk for o in self.orgs]))

    @precondition(lambda self: CourseRun.objects.filter(pk=self.runs[1].pk).exists())
    @rule()
    def delete_run(self):
        self.step(CourseRun.objects.get(pk=self.runs[1].pk).delete)

    @rule()
    def publish_draft_onto_official(self):
        """set_official-style: the draft's column values are saved under the official row's key."""

        def work():
            official, draft = self.courses[0], self.courses[2]
            row = Course.objects.get(pk=draft.pk)
            row.pk = official.pk
            row.draft = False
            row.draft_version_id = draft.pk
            row.save()

        self.step(work)

    @rule(c=st.integers(0, 2), word=st.sampled_from(WORDS), s=st.integers(0, 1))
    def several_changes_in_one_transaction(self, c, word, s):
        def work():
            course = Course.objects.get(pk=self.courses[c].pk)
            course.short_description = word
            course.save()
            Seat.objects.filter(pk=self.seats[s].pk).update(price=Decimal("77.00"))
            course.topics.add("bundle")

        self.step(work)

    @rule(c=st.integers(0, 2))
    def rolled_back_edit(self, c):
        def work():
            course = Course.objects.get(pk=self.courses[c].pk)
            course.title = "Never committed"
            course.save()
            Seat.objects.filter(pk=self.seats[0].pk).update(price=Decimal("1.00"))

        self.step(work, roll_back=True)


@pytest.mark.slow
def test_timestamps_and_change_log_follow_the_data():
    run_state_machine_as_test(
        ChangeTrackingMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
