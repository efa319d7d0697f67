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
from organisations.roles import SHARED_ONLY_ROLES

# Who an entry is for: every organisation, only those that are served (municipalities,
# regions, municipal companies), or only suppliers.
ALL, SERVED, SUPPLIER = "all", "served", "supplier"
# For an entry about the organisation's own records: every role that reads them (the read-only
# supplier role reads only what others share with it).
OWN_RECORDS = "own-records"

NAVIGATION = [
    (_("Overview"), [("core", "core:home", _("Start"), "view", ALL)]),
    (
        _("Identify and analyse"),
        [
            ("inventory", "inventory:system_list", _("Systems"), "view", SERVED),
            ("inventory", "inventory:infotype_list", _("Information types"), "view", SERVED),
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
        _("Incidents and changes"),
        [
            ("incidents", "incidents:incident_list", _("Incidents"), "view", ALL),
            ("incidents", "incidents:clocks", _("Legal deadlines"), "incidents.handle", ALL),
            ("changes", "changes:change_list", _("Changes"), "view", ALL),
            ("changes", "changes:calendar", _("Change calendar"), "view", ALL),
            ("changes", "changes:awaiting", _("Changes awaiting our decision"), "changes.decide", SERVED),
        ],
    ),
    (
        _("Data protection"),
        [
            ("privacy", "privacy:activity_list", _("Record of processing"), "view", SERVED),
            ("privacy", "privacy:processor_record", _("Processing for our customers"), OWN_RECORDS, SUPPLIER),
            ("privacy", "privacy:dpa_list", _("Processor agreements"), "view", SERVED),
            ("privacy", "privacy:transfer_list", _("Third-country transfers"), "view", SERVED),
            ("privacy", "privacy:dpia_list", _("Impact assessments (DPIA)"), "view", SERVED),
            ("incidents", "incidents:breach_list", _("Breach log"), "view", SERVED),
            ("privacy", "privacy:overview", _("Across my organisations"), "privacy.edit", SERVED),
        ],
    ),
    (
        _("Suppliers and delivery"),
        [
            ("suppliers", "suppliers:supplier_list", _("Suppliers"), "view", SERVED),
            ("suppliers", "suppliers:contract_list", _("Contracts"), "view", SERVED),
            ("suppliers", "suppliers:gap_list", _("Contract gaps"), "view", SERVED),
            ("kpis", "kpis:followup", _("Follow-up of service levels"), "view", SERVED),
            ("kpis", "kpis:report_list", _("KPI reports"), "view", SERVED),
            ("classification", "classification:questions", _("Questions to suppliers"), "view", SERVED),
            ("meetings", "meetings:meeting_list", _("Meetings"), "view", SERVED),
            ("policies", "policies:document_list", _("Governing documents"), "view", SERVED),
        ],
    ),
    (
        _("Our customers"),
        [
            ("inventory", "inventory:system_list", _("Systems shared with us"), "view", SUPPLIER),
            ("suppliers", "suppliers:contract_list", _("Contracts shared with us"), "view", SUPPLIER),
            ("classification", "classification:to_us", _("Questions to us"), "suppliers.report", SUPPLIER),
            ("kpis", "kpis:definition_list", _("KPIs"), "suppliers.report", SUPPLIER),
            ("kpis", "kpis:report_list", _("KPI reports"), "suppliers.report", SUPPLIER),
            ("meetings", "meetings:meeting_list", _("Meetings"), OWN_RECORDS, SUPPLIER),
            ("policies", "policies:document_list", _("Governing documents"), OWN_RECORDS, SUPPLIER),
        ],
    ),
    (
        _("Follow up"),
        [
            ("actions", "actions:action_list", _("Action plan"), "view", ALL),
            ("actions", "actions:reminders", _("Your reminders"), "view", ALL),
            ("audits", "audits:finding_list", _("Automatic findings"), OWN_RECORDS, SERVED),
            ("audits", "audits:audit_list", _("Audits and assessments"), OWN_RECORDS, SERVED),
            ("reviews", "reviews:review_list", _("Management reviews"), OWN_RECORDS, SERVED),
            ("jobs", "jobs:job_list", _("Your background jobs"), "view", ALL),
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


def _may(tenant, perm: str) -> bool:
    if perm == OWN_RECORDS:
        return tenant.can("view") and tenant.role not in SHARED_ONLY_ROLES
    return tenant.can(perm)


def navigation_for(request, tenant):
    audience = _audience(tenant)
    groups = []
    for title, entries in NAVIGATION:
        links = [{"url": reverse(name), "label": label, "active": False}
                 for app, name, label, perm, meant_for in entries
                 if meant_for in (ALL, audience) and apps.is_installed(app) and _may(tenant, perm)]
        if links:
            groups.append({"title": title, "links": links})
    _mark_current(request.path, [link for group in groups for link in group["links"]])
    return groups


def _mark_current(path: str, links: list[dict]) -> None:
    """The one entry the page belongs to: the longest URL the path starts with ("/" only for
    the start page itself), so /kpis/reports/ marks "KPI reports", not also "KPIs"."""
    matching = [link for link in links if path == link["url"] or (link["url"] != "/" and path.startswith(link["url"]))]
    if matching:
        max(matching, key=lambda link: len(link["url"]))["active"] = True
