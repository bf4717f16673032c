"""Admin for the event bus: the events its consumer parked, to look at and replay (read-only otherwise)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from course_metadata.admin.base import ReadOnlyAdmin
from eventbus.models import ParkedEvent, ParkedEventStatus
from eventbus.parking import parked_event_discard, parked_event_replay


@admin.register(ParkedEvent)
class ParkedEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "event_type", "message_id", "stream", "status", "attempts", "parked_at", "replayed_at"]
    list_filter = ["status", "event_type", "stream"]
    search_fields = ["message_id", "error"]
    actions = ["replay", "discard"]

    @admin.action(description=gettext_lazy("Replay the selected parked events"), permissions=["replay"])
    def replay(self, request: HttpRequest, queryset: QuerySet[ParkedEvent]) -> None:
        replayed = failed = 0
        for parked in queryset.filter(status=ParkedEventStatus.PARKED).order_by("parked_at", "pk"):
            if parked_event_replay(parked=parked).replayed:
                replayed += 1
            else:
                failed += 1
        self.message_user(request, _("%(count)d event(s) replayed.") % {"count": replayed}, messages.SUCCESS)
        if failed:
            self.message_user(
                request,
                _("%(count)d event(s) still fail and stay parked; their error is updated.") % {"count": failed},
                messages.ERROR,
            )

    @admin.action(description=gettext_lazy("Discard the selected parked events"), permissions=["replay"])
    def discard(self, request: HttpRequest, queryset: QuerySet[ParkedEvent]) -> None:
        count = 0
        for parked in queryset.filter(status=ParkedEventStatus.PARKED):
            parked_event_discard(parked=parked)
            count += 1
        self.message_user(request, _("%(count)d event(s) discarded.") % {"count": count}, messages.SUCCESS)

    def has_replay_permission(self, request: HttpRequest) -> bool:
        # Rows are never edited by hand; the model's change permission is what allows a replay.
        return request.user.has_perm("eventbus.change_parkedevent")
