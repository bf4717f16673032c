"""Ship the default seat types, modes, tracks, run types, course types and program types.

Installations add their own rows; this migration only creates what is missing and never deletes.
"""

from django.db import migrations

NAMES = ["Audit", "Professional", "Verified", "Credit", "Honor"]

# run type -> its tracks (each track pairs the mode and seat type of its name)
RUN_TYPES = {
    "Audit Only": ["Audit"],
    "Professional Only": ["Professional"],
    "Verified and Audit": ["Audit", "Verified"],
    "Credit": ["Audit", "Verified", "Credit"],
    "Honor Only": ["Honor"],
    "Verified and Honor": ["Honor", "Verified"],
    "Credit with Honor": ["Honor", "Verified", "Credit"],
}

# course type -> (run types it allows, entitlement seat types)
COURSE_TYPES = {
    "Audit Only": (["Audit Only"], []),
    "Professional Only": (["Professional Only"], ["Professional"]),
    "Verified and Audit": (["Audit Only", "Verified and Audit"], ["Verified"]),
    "Credit": (["Audit Only", "Verified and Audit", "Credit"], ["Verified"]),
    "Honor Only": (["Honor Only"], []),
    "Verified and Honor": (["Honor Only", "Verified and Honor"], ["Verified"]),
    "Credit with Honor": (["Honor Only", "Verified and Honor", "Credit with Honor"], ["Verified"]),
}

# program type -> seat types that count towards it
PROGRAM_TYPES = {
    "Masters": ["Audit", "Verified"],
    "MicroMasters": ["Verified"],
    "XSeries": ["Verified"],
    "Professional Certificate": ["Professional"],
}


def slug_of(name: str) -> str:
    return name.lower().replace(" ", "-")


def add_defaults(apps, schema_editor):
    SeatType = apps.get_model("course_metadata", "SeatType")
    Mode = apps.get_model("course_metadata", "Mode")
    Track = apps.get_model("course_metadata", "Track")
    CourseRunType = apps.get_model("course_metadata", "CourseRunType")
    CourseType = apps.get_model("course_metadata", "CourseType")
    ProgramType = apps.get_model("course_metadata", "ProgramType")

    seat_types, tracks = {}, {}
    for name in NAMES:
        slug = name.lower()
        seat_types[name], _ = SeatType.objects.get_or_create(slug=slug, defaults={"name": name})
        mode, _ = Mode.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "is_id_verified": name in {"Verified", "Professional", "Credit"},
                "is_credit_eligible": name == "Credit",
                "certificate_type": "" if name == "Audit" else slug,
            },
        )
        tracks[name], _ = Track.objects.get_or_create(mode=mode, seat_type=seat_types[name])

    run_types = {}
    for name, track_names in RUN_TYPES.items():
        run_type, created = CourseRunType.objects.get_or_create(slug=slug_of(name), defaults={"name": name})
        if created:
            run_type.tracks.set([tracks[t] for t in track_names])
        run_types[name] = run_type

    for name, (run_type_names, entitlement_names) in COURSE_TYPES.items():
        course_type, created = CourseType.objects.get_or_create(slug=slug_of(name), defaults={"name": name})
        if created:
            course_type.course_run_types.set([run_types[r] for r in run_type_names])
            course_type.entitlement_types.set([seat_types[s] for s in entitlement_names])

    for name, seat_names in PROGRAM_TYPES.items():
        program_type, created = ProgramType.objects.get_or_create(slug=slug_of(name), defaults={"name": name})
        if created:
            program_type.applicable_seat_types.set([seat_types[s] for s in seat_names])


class Migration(migrations.Migration):
    dependencies = [("course_metadata", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
