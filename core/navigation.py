"""The main navigation: one list, grouped as the method's work is (MSB LIS steps).

Later modules add their entries here; an entry appears only when its app is installed, the
role may use it, and it is meant for the kind of organisation: a supplier organisation (the
shared IT company) gets its own workspace — what it reports to and answers for the
organisations it serves — instead of the municipal analysis menus that cannot apply to it.
"""

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organisations.models import OrganisationKind

# Who an entry is for: every organisation, only those that are served (municipalities,
# regions, municipal companies), or only suppliers.
ALL, SERVED, SUPPLIER = "all", "served", "supplier"

NAVIGATION = [
    (_("Overview"), [("core", "core:home", _("Start"), "view", ALL)]),
    (
        _("Identify and analyse"),
        [
            ("inventory", "inventory:system_list", _("Systems"), "view", SERVED),
            ("inventory", "inventory:infotype_list", _("Information types"), "view", SERVED),
            ("suppliers", "suppliers:supplier_list", _("Suppliers"), "view", SERVED),
            ("classification", "classification:list", _("Information classification"), "view", SERVED),
            ("risk", "risk:risk_list", _("Risk analysis"), "view", SERVED),
            ("placement", "placement:list", _("Placement assessments"), "view", SERVED),
        ],
    ),
    (
        _("Protect"),
        [
            ("requirements", "requirements:catalogue", _("Security requirements"), "view", SERVED),
            ("requirements", "requirements:soa", _("Statement of applicability"), "view", SERVED),
        ],
    ),
    (
        _("Our customers"),
        [
            ("inventory", "inventory:system_list", _("Systems shared with us"), "view", SUPPLIER),
        ],
    ),
    (
        _("Follow up"),
        [
            ("actions", "actions:action_list", _("Action plan"), "view", ALL),
            ("actions", "actions:reminders", _("Your reminders"), "view", ALL),
            ("trail", "trail:log", _("Audit trail"), "trail.view", ALL),
        ],
    ),
    (
        _("Organisation"),
        [("organisations", "organisations:detail", _("Units and members"), "view", ALL)],
    ),
]


def _audience(tenant) -> str:
    return SUPPLIER if tenant.organisation.kind == OrganisationKind.SUPPLIER else SERVED


def navigation_for(request, tenant):
    audience = _audience(tenant)
    groups = []
    for title, entries in NAVIGATION:
        links = [
            {"url": reverse(name), "label": label, "active": request.path.startswith(reverse(name)) and reverse(name) != "/"
             or request.path == reverse(name)}
            for app, name, label, perm, meant_for in entries
            if meant_for in (ALL, audience) and apps.is_installed(app) and tenant.can(perm)
        ]
        if links:
            groups.append({"title": title, "links": links})
    return groups
