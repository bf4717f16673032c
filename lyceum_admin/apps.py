"""Two app configs: ``lyceum_admin`` itself (templates, static files) and the admin with Lyceum's site.

``INSTALLED_APPS`` lists ``lyceum_admin`` first, so its templates override the admin's, and
``lyceum_admin.apps.LyceumAdminConfig`` in place of ``django.contrib.admin``, so every ``@admin.register``
in the apps (course_metadata, catalog, publisher_api) registers on :class:`LyceumAdminSite` without
naming it.
"""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class LyceumAdminAppConfig(AppConfig):
    name = "lyceum_admin"
    verbose_name = "Lyceum admin"
    default = True


class LyceumAdminConfig(admin_apps.AdminConfig):
    default_site = "lyceum_admin.sites.LyceumAdminSite"
    default = False
