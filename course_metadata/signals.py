"""Domain signals of the course metadata app: they announce what happened; receivers.py reacts."""

from __future__ import annotations

from django.dispatch import Signal

# --- drafts and the review workflow (course_metadata.workflow, course_metadata.services.publishing) --------

# A run's review status moved. Sent with: course_run (the row the workflow acts on, the draft where one
# exists), old_status, new_status, user (or None for the periodic go-live task).
course_run_status_changed = Signal()

# A course's draft state was copied onto its official row. Sent with: official, draft, created.
course_draft_published = Signal()

# A run's draft state was copied onto its official row. Sent with: official, draft, created.
course_run_draft_published = Signal()

# --- programs (course_metadata.services.program_skills) ------------------------------------------------------

# A program's skills should be (re)computed: it was first published, or its overview changed. Sent after the
# commit, never for other edits. Sent with: program_uuid, program_id. The taxonomy service's tagging flow
# (the incumbent's UPDATE_PROGRAM_SKILLS) connects here.
program_skills_update_requested = Signal()
