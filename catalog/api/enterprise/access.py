"""Who may call the enterprise-catalog endpoints: staff, and the enterprise roles of the caller's JWT.

enterprise-catalog grants its feature roles from the LMS's JWT ``roles`` claim (``enterprise_admin:<uuid>``,
``enterprise_learner:<uuid>``, ``enterprise_openedx_operator:*``, ...) through edx-rbac and
``SYSTEM_TO_FEATURE_ROLE_MAPPING``. Lyceum reads the same claim from the verified token. Staff (the LMS's
``administrator`` claim) may do everything, as they may with every other catalog; a user granted
``view_catalog`` on a catalog reads it as a learner would (ADR 0061).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from edx_rbac.constants import ALL_ACCESS_CONTEXT
from edx_rbac.utils import contexts_accessible_from_jwt
from guardian.shortcuts import get_perms

from catalog.models import Catalog
from catalog.selectors.catalogs import may_manage_catalogs
from settings.authentication.tokens import JWT_PAYLOAD_ATTRIBUTE

# Feature roles, as enterprise-catalog names them.
CATALOG_ADMIN_ROLE = "enterprise_catalog_admin"
CATALOG_LEARNER_ROLE = "enterprise_learner"
PROVISIONING_ADMIN_ROLE = "enterprise_provisioning_admin"


def _contexts(user: Any, role: str) -> set[str]:
    payload = getattr(user, JWT_PAYLOAD_ATTRIBUTE, None)
    if not payload or not (user and user.is_authenticated and user.is_active):
        return set()
    return {context.strip().lower() for context in contexts_accessible_from_jwt(payload, [role])}


def _covers(contexts: set[str], enterprise_uuid: UUID | str | None) -> bool:
    # A catalog of no enterprise customer is no customer's: a role, even on every customer ("*"), never
    # reaches it (only staff and its viewers do).
    if enterprise_uuid is None:
        return False
    return ALL_ACCESS_CONTEXT in contexts or str(enterprise_uuid).lower() in contexts


def admin_enterprises(user: Any) -> set[str]:
    """Enterprise customer UUIDs (lowercase; ``*`` for all) the caller administers through JWT roles."""
    return _contexts(user, CATALOG_ADMIN_ROLE)


def is_provisioning_admin(user: Any) -> bool:
    return bool(_contexts(user, PROVISIONING_ADMIN_ROLE))


def may_administer(user: Any, enterprise_uuid: UUID | str | None) -> bool:
    """Create, change, delete and refresh the catalogs of this enterprise customer."""
    return may_manage_catalogs(user) or _covers(admin_enterprises(user), enterprise_uuid)


def may_read_enterprise(user: Any, enterprise_uuid: UUID | str | None) -> bool:
    """Read this enterprise customer's catalogs and content (learners and admins of the customer)."""
    if may_administer(user, enterprise_uuid):
        return True
    return _covers(_contexts(user, CATALOG_LEARNER_ROLE), enterprise_uuid)


def may_read_catalog(user: Any, catalog: Catalog) -> bool:
    """Read one catalog: as a reader of its customer, or holding ``view_catalog`` on it."""
    if may_read_enterprise(user, catalog.enterprise_customer_uuid):
        return True
    return bool(user and user.is_authenticated and user.is_active and "view_catalog" in get_perms(user, catalog))
