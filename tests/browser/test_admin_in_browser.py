"""An editor's day in the admin, in a real browser: sign in, create a course with a run and seats, edit the
run, publish it through review, create a catalog and preview it. Every page is screenshotted and measured
at 1,400 px: nothing may overflow the page, no inline or list may scroll sideways, no run key is cut off.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import Page, expect

from course_metadata.models import Course, CourseRun, CourseRunStatus, Organization
from tests.browser.conftest import VIEWPORT, Screenshots
from tests.factories import OrganizationFactory, PartnerFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "browser-test-password"
FOREIGN_KEY = "course-v1:OtherOrgX+ZZZ+1T2027"
RUN_KEY = "course-v1:AllenchesterX+NC101+1T2027"

# What does not fit: the page's own width, inlines and change lists that scroll sideways, cut-off run keys.
MEASURE = """() => {
  const wider = el => el.scrollWidth > el.clientWidth + 1;
  return {
    page: document.documentElement.scrollWidth,
    inlines: Array.from(document.querySelectorAll('.inline-group')).filter(wider).map(el => el.id),
    lists: Array.from(document.querySelectorAll('#changelist .results')).filter(wider).length,
    cutKeys: Array.from(document.querySelectorAll('td.field-key input')).filter(wider).map(el => el.value),
  };
}"""


def assert_fits(page: Page) -> None:
    measured = page.evaluate(MEASURE)
    assert measured == {"page": VIEWPORT["width"], "inlines": [], "lists": 0, "cutKeys": []}, page.url


def run_action(page: Page, base: str, course_run: CourseRun, action: str) -> None:
    page.goto(f"{base}/admin/course_metadata/courserun/")
    page.check(f"input[name=_selected_action][value='{course_run.pk}']")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")
    expect(page.locator("ul.messagelist")).to_be_visible()


@pytest.fixture
def editor() -> User:
    return User.objects.create_superuser("editor", "editor@example.org", PASSWORD)


@pytest.fixture
def allenchester() -> Organization:
    # A demo catalog around it, so the lists are measured with realistic keys, titles and dates.
    call_command("seed_catalog", courses=8, seed=11, no_progress=True, stdout=StringIO())
    partner = PartnerFactory(short_code="edx", name="edX")
    return OrganizationFactory(partner=partner, key="AllenchesterX", name="University of Allenchester")


def test_an_editors_day(
    page: Page, screenshot: Screenshots, live_server: Any, editor: User, allenchester: Organization
) -> None:
    base = live_server.url

    # Sign in; the index is Lyceum's, in sections.
    page.goto(f"{base}/admin/")
    screenshot("login")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_contain_text("Lyceum")
    captions = page.locator("#content-main .module caption").all_inner_texts()
    assert [caption.strip().lower() for caption in captions[:6]] == [
        "courses and runs",
        "programs and degrees",
        "organizations and people",
        "taxonomy",
        "catalogs",
        "publishing and change log",
    ]
    screenshot("index")
    assert_fits(page)

    # A new course with a run whose key names another course: refused, the error listed on top.
    page.goto(f"{base}/admin/course_metadata/course/add/")
    # The form is in sections an editor works through; the record's bookkeeping is folded away.
    headings = page.locator("#course_form fieldset.module h2").all_inner_texts()
    assert [heading.strip() for heading in headings[:6]] == [
        "Identity",
        "Marketing copy",
        "Media and branding",
        "Organizations",
        "Taxonomy",
        "Enrollment",
    ]
    expect(page.locator("#id_partner")).to_be_visible()
    assert_fits(page)
    page.select_option("#id_partner", str(allenchester.partner_id))
    page.fill("#id_number", "NC101")
    page.fill("#id_title", "Nineteenth-Century Novels")
    page.locator(".field-authoring_organizations .select2-selection").click()
    page.keyboard.type("Allenchester")
    page.locator(".select2-results__option", has_text="AllenchesterX").first.click()
    page.locator(".field-full_description .lyceum-richtext-editor").click()
    page.keyboard.type("Reading Austen, Eliot and Hardy.")
    page.locator(".field-watchers .lyceum-list-add input").fill("Lead@Example.org")
    page.keyboard.press("Enter")
    page.locator("#course_runs-group .add-row a").click()
    page.fill("#id_course_runs-0-key", FOREIGN_KEY)
    page.fill("#id_course_runs-0-start", "2027-01-11T09:00")
    page.select_option("#id_course_runs-0-pacing_type", "self_paced")
    screenshot("course-add")
    page.click("input[name=_continue]")
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Course run 1, Key")
    expect(summary).to_contain_text("OtherOrgX+ZZZ")
    box = summary.bounding_box()
    assert box is not None and box["y"] < VIEWPORT["height"], "the error summary is not on the first screen"
    screenshot("course-run-key-refused")
    assert not Course.objects.filter(key="AllenchesterX+NC101").exists()

    page.fill("#id_course_runs-0-key", RUN_KEY)
    page.click("input[name=_continue]")
    expect(page.locator("ul.messagelist .success")).to_be_visible()
    screenshot("course-saved")
    assert_fits(page)
    course = Course.objects.get(key="AllenchesterX+NC101")
    assert course.full_description == "Reading Austen, Eliot and Hardy."
    assert course.watchers == ["lead@example.org"]
    course_run = CourseRun.objects.get(course=course)
    assert course_run.key == RUN_KEY and course_run.status == CourseRunStatus.UNPUBLISHED

    # The run: seats added, the run edited (title, transcript languages, description), saved.
    page.goto(f"{base}/admin/course_metadata/courserun/{course_run.pk}/change/")
    page.locator("#seats-group .add-row a").click()
    page.locator("#seats-group .add-row a").click()
    page.select_option("#id_seats-0-type", label="Audit")
    page.fill("#id_seats-0-price", "0")
    page.select_option("#id_seats-1-type", label="Verified")
    page.fill("#id_seats-1-price", "49")
    page.fill("#id_title_override", "Novels, Spring 2027")
    languages = page.locator(".field-transcript_languages .lyceum-list-add input")
    for code in ("en", "fr"):
        languages.fill(code)
        languages.press("Enter")
    page.locator(".field-outcome_override .lyceum-richtext-editor").click()
    page.click(".field-outcome_override button[data-command=bold]")
    page.keyboard.type("Close reading")
    screenshot("run-edit")
    page.click("input[name=_continue]")
    expect(page.locator("ul.messagelist .success")).to_be_visible()
    screenshot("run-saved")
    assert_fits(page)
    course_run.refresh_from_db()
    assert course_run.title_override == "Novels, Spring 2027"
    assert course_run.transcript_languages == ["en", "fr"]
    assert course_run.outcome_override in {"<b>Close reading</b>", "<strong>Close reading</strong>"}
    assert sorted(course_run.seats.values_list("type__slug", "price")) == [("audit", 0), ("verified", 49)]

    # Published through review, with the workflow's actions on the run list.
    for action in ("submit_for_review", "pass_legal_review", "pass_internal_review"):
        run_action(page, base, course_run, action)
    screenshot("run-published")
    assert_fits(page)
    course_run.refresh_from_db()
    assert course_run.status == CourseRunStatus.PUBLISHED

    # The course page with its run, as an editor returns to it.
    page.goto(f"{base}/admin/course_metadata/course/{course.pk}/change/")
    expect(page.locator("td.field-key input").first).to_have_value(RUN_KEY)
    screenshot("course")
    assert_fits(page)

    # The lists editors scan: every column on screen.
    for name, path in [
        ("course-list", "/admin/course_metadata/course/"),
        ("program-list", "/admin/course_metadata/program/"),
        ("person-list", "/admin/course_metadata/person/"),
    ]:
        page.goto(f"{base}{path}")
        expect(page.locator("#result_list")).to_be_visible()
        screenshot(name)
        assert_fits(page)

    # A catalog of Allenchester's courses, previewed.
    page.goto(f"{base}/admin/catalog/catalog/add/")
    page.fill("#id_title", "Allenchester")
    page.fill("#id_query", '{"org": "AllenchesterX"}')
    page.click("input[name=_continue]")
    preview = page.locator("#catalog-preview")
    expect(preview).to_contain_text("Courses the query selects (1)")
    expect(preview).to_contain_text("AllenchesterX+NC101")
    screenshot("catalog-preview")
    assert_fits(page)
