"""Reference rows shipped by data migrations come back after a flush (transactional tests rely on it)."""

import pytest
from django.core.management import call_command

from course_metadata.models import CourseType, SeatType
from publisher_api.models import PublisherRole


@pytest.mark.django_db(transaction=True)
def test_reference_rows_survive_a_flush():
    call_command("flush", "--noinput", verbosity=0)
    assert SeatType.objects.filter(slug="verified").exists()
    assert CourseType.objects.count() >= 7
    assert PublisherRole.objects.filter(name="PUBLISHER_EDITOR").exists()
