"""The main navigation: one list, grouped as the method's work is (MSB LIS steps).

Later modules add their entries here; an entry appears only when its app is installed
and the role may use it.
"""

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

NAVIGATION = [
    (_("Overview"), [("core", "core:home", _("Start"), "view")]),
    (
        _("Identify and analyse"),
        [
            ("inventory", "inventory:system_list", _("Systems"), "view"),
            ("inventory", "inventory:infotype_list", _("Information types"), "view"),
            ("suppliers", "suppliers:supplier_list", _("Suppliers"), "view"),
            ("classification", "classification:list", _("Information classification"), "view"),
            ("risk", "risk:risk_list", _("Risk analysis"), "view"),
            ("placement", "placement:list", _("Placement assessments"), "view"),
        ],
    ),
    (
        _("Protect"),
        [
            ("requirements", "requirements:catalogue", _("Security requirements"), "view"),
            ("requirements", "requirements:soa", _("Statement of applicability"), "view"),
        ],
    ),
    (
        _("Follow up"),
        [
            ("actions", "actions:action_list", _("Action plan"), "view"),
            ("actions", "actions:reminders", _("Your reminders"), "view"),
            ("trail", "trail:log", _("Audit trail"), "trail.view"),
        ],
    ),
    (
        _("Organisation"),
        [("organisations", "organisations:detail", _("Units and members"), "view")],
    ),
]


def navigation_for(request, tenant):
    groups = []
    for title, entries in NAVIGATION:
        links = [
            {"url": reverse(name), "label": label, "active": request.path.startswith(reverse(name)) and reverse(name) != "/"
             or request.path == reverse(name)}
            for app, name, label, perm in entries
            if apps.is_installed(app) and tenant.can(perm)
        ]
        if links:
            groups.append({"title": title, "links": links})
    return groups
