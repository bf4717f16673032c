"""Lyceum's admin site: its name and the index grouped into sections (``lyceum_admin.sections``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from lyceum_admin.sections import OTHER, SECTIONS, Section
from settings.authentication.lms import lms_sign_out_url, signed_in_through_the_lms


class LyceumAdminSite(admin.AdminSite):
    site_header = _("Lyceum")
    site_title = _("Lyceum admin")
    index_title = _("Catalog editing")
    # The sidebar would take 280 px of a 1,400 px screen from the forms and lists; the index and the
    # breadcrumbs lead everywhere it does (docs/decisions/0140-admin-for-catalog-editors.rst).
    enable_nav_sidebar = False

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        """The index and the sidebar show sections; an app's own page (``/admin/catalog/``) keeps the app."""
        if app_label is not None:
            return super().get_app_list(request, app_label)
        return self.sections(request)

    def sections(self, request: HttpRequest) -> list[dict[str, Any]]:
        """Sections the user may see something in, each with its models in the declared order."""
        models_by_label = {
            model["model"]._meta.label: model
            for app in self._build_app_dict(request).values()
            for model in app["models"]
        }
        result = []
        for section in SECTIONS:
            models = [models_by_label.pop(label) for label in section.models if label in models_by_label]
            result.append(self._section_dict(section, models))
        leftover = sorted(models_by_label.values(), key=lambda model: str(model["name"]).lower())
        result.append(self._section_dict(OTHER, leftover))
        return [section for section in result if section["models"]]

    def _section_dict(self, section: Section, models: list[dict[str, Any]]) -> dict[str, Any]:
        # The keys the admin's templates read from an app (index, sidebar, app_index).
        return {
            "name": section.name,
            "app_label": section.slug,
            "app_url": reverse("admin:section", kwargs={"slug": section.slug}, current_app=self.name),
            "has_module_perms": True,
            "models": models,
        }

    def section_view(self, request: HttpRequest, slug: str) -> TemplateResponse:
        """One section on its own page, like an app's page."""
        section = next((section for section in self.sections(request) if section["app_label"] == slug), None)
        if section is None:
            raise Http404(gettext_now("No admin section %(slug)r that you may see.") % {"slug": slug})
        request.current_app = self.name
        context = {
            **self.each_context(request),
            "title": section["name"],
            "subtitle": None,
            "app_list": [section],
            "app_label": slug,
        }
        return TemplateResponse(request, "admin/app_index.html", context)

    # The admin's logout answers with a page; after an LMS sign-in this one answers with a redirect instead.
    def logout(  # type: ignore[override]
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Sign out here; a user who signed in through the LMS is then signed out of the LMS too (ADR 0162)."""
        # Read before the logout flushes the session.
        through_the_lms = signed_in_through_the_lms(request)
        response = super().logout(request, extra_context)
        if through_the_lms and request.method == "POST" and not request.user.is_authenticated:
            return HttpResponseRedirect(lms_sign_out_url(request))
        return response

    def get_urls(self) -> list[URLResolver | URLPattern]:
        own: list[URLResolver | URLPattern] = [
            path("section/<slug:slug>/", self.admin_view(self.section_view), name="section"),
        ]
        return own + super().get_urls()
