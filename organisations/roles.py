"""Roles and what each may do: the one permission table of Tillit.

A user has one role per organisation (a Membership). Views and API endpoints ask
`has_perm(role, Perm.X)` through core.tenancy; nothing else decides access.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COORDINATOR = "coordinator", _("Information security coordinator")
    SYSTEM_OWNER = "system_owner", _("System owner")
    SYSTEM_ADMINISTRATOR = "system_administrator", _("System administrator")
    DPO = "dpo", _("Data protection officer")
    AUDITOR = "auditor", _("Auditor")
    SUPPLIER = "supplier", _("Supplier")
    # The members of a supplier organisation (e.g. the shared IT company) who report to the
    # organisations it serves: delivery and service levels, and its security work.
    SERVICE_MANAGER = "service_manager", _("Service manager (supplier)")
    SECURITY_LEAD = "security_lead", _("Security lead (supplier)")
    READER = "reader", _("Reader")


class Perm(models.TextChoices):
    VIEW = "view", _("Read the organisation's records")
    INVENTORY_EDIT = "inventory.edit", _("Create and edit systems and information types")
    INVENTORY_IMPORT = "inventory.import", _("Import systems")
    SUPPLIER_EDIT = "suppliers.edit", _("Create and edit suppliers")
    TRAIL_VIEW = "trail.view", _("Read the organisation's audit trail")
    ORG_MANAGE = "organisation.manage", _("Manage units and organisation settings")
    CLASSIFY = "classification.edit", _("Classify information")
    CLASSIFY_APPROVE = "classification.approve", _("Approve classifications")
    REQUIREMENT_EDIT = "requirements.edit", _("Assess requirements and the statement of applicability")
    RISK_EDIT = "risk.edit", _("Analyse risks")
    RISK_ACCEPT = "risk.accept", _("Accept residual risks above the threshold")
    RISK_CONFIGURE = "risk.configure", _("Configure the risk matrix and the classification model")
    ACTION_EDIT = "actions.edit", _("Manage the action plan")
    # Supplier governance: the supplier reports once to the organisations it serves, each of
    # them follows up on its own (core.tenancy, "reported once, each decides").
    SUPPLIER_REPORT = "suppliers.report", _("Report to the organisations served: KPIs, answers, documents")
    SUPPLIER_FOLLOW_UP = "suppliers.follow_up", _("Follow up suppliers: contracts, verdicts on reports, questions")
    MEETING_EDIT = "meetings.edit", _("Plan meetings and write their minutes")
    DOCUMENT_EDIT = "policies.edit", _("Manage governing documents")
    # Incidents: anyone in the organisation reports one; handling (assessment, the legal
    # clocks' reports, the review) is for those who run incident management.
    INCIDENT_REPORT = "incidents.report", _("Report incidents")
    INCIDENT_HANDLE = "incidents.handle", _("Handle incidents: assess, report to authorities, review")
    # Change management: who asks for a change, who decides on it for the organisation (at the
    # CAB), who develops, tests and deploys it, and who may authorise an exception to the
    # separation of duties.
    CHANGE_REQUEST = "changes.request", _("Request changes")
    CHANGE_DECIDE = "changes.decide", _("Decide on changes for the organisation, test and confirm them")
    CHANGE_IMPLEMENT = "changes.implement", _("Develop, test and deploy changes")
    CHANGE_EXCEPTION = "changes.exception", _("Authorise exceptions to the separation of duties")
    # Data protection: the DPO's and the coordinator's registers, and the controller's decision
    # on a DPIA (the business owns the processing, GDPR art. 24).
    PRIVACY_EDIT = "privacy.edit", _("Keep the record of processing, DPAs, DPIAs and the breach log")
    PRIVACY_DECIDE = "privacy.decide", _("Decide on DPIAs for the controller")
    # Audits: the auditor writes observations, the audited organisation answers them; the
    # management review is the organisation's own.
    AUDIT_EDIT = "audits.edit", _("Carry out audits and maturity assessments")
    AUDIT_RESPOND = "audits.respond", _("Respond to audit observations")
    MANAGEMENT_REVIEW = "audits.management_review", _("Hold the management review")


# Those who do the analysis work: inventory, classification, requirements, risks, actions.
_EDITOR = {Perm.VIEW, Perm.INVENTORY_EDIT, Perm.CLASSIFY, Perm.REQUIREMENT_EDIT, Perm.RISK_EDIT, Perm.ACTION_EDIT,
           Perm.INCIDENT_REPORT, Perm.CHANGE_REQUEST}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(Perm.values),
    Role.COORDINATOR: frozenset(
        _EDITOR | {Perm.INVENTORY_IMPORT, Perm.SUPPLIER_EDIT, Perm.TRAIL_VIEW, Perm.RISK_CONFIGURE,
                   Perm.SUPPLIER_FOLLOW_UP, Perm.MEETING_EDIT, Perm.DOCUMENT_EDIT, Perm.INCIDENT_HANDLE,
                   Perm.CHANGE_DECIDE, Perm.CHANGE_EXCEPTION, Perm.PRIVACY_EDIT, Perm.AUDIT_EDIT,
                   Perm.AUDIT_RESPOND, Perm.MANAGEMENT_REVIEW}
    ),
    # The system owner approves classifications and accepts residual risk (MSB LIS: the
    # business owns its information and its risks).
    # The system owner also decides on changes to its systems and, for the controller, on a DPIA.
    Role.SYSTEM_OWNER: frozenset(_EDITOR | {Perm.CLASSIFY_APPROVE, Perm.RISK_ACCEPT, Perm.CHANGE_DECIDE,
                                            Perm.PRIVACY_DECIDE}),
    Role.SYSTEM_ADMINISTRATOR: frozenset(_EDITOR | {Perm.INCIDENT_HANDLE, Perm.CHANGE_IMPLEMENT}),
    # The DPO takes part in classifications (personal data) and follows up actions.
    Role.DPO: frozenset({Perm.VIEW, Perm.TRAIL_VIEW, Perm.CLASSIFY, Perm.ACTION_EDIT, Perm.INCIDENT_REPORT,
                         Perm.PRIVACY_EDIT}),
    # The auditor reads everything of the organisation, its trail included, and writes nothing
    # here but its audits' observations.
    Role.AUDITOR: frozenset({Perm.VIEW, Perm.TRAIL_VIEW, Perm.AUDIT_EDIT}),
    # A supplier sees only records that an organisation has shared with its organisation.
    Role.SUPPLIER: frozenset({Perm.VIEW}),
    # The supplier's own members work in their own organisation: they report to the
    # organisations it serves, answer their questions, keep the minutes and their documents.
    # They register incidents once for every customer affected and carry out the changes.
    Role.SERVICE_MANAGER: frozenset({Perm.VIEW, Perm.SUPPLIER_REPORT, Perm.MEETING_EDIT, Perm.DOCUMENT_EDIT,
                                     Perm.ACTION_EDIT, Perm.INCIDENT_REPORT, Perm.INCIDENT_HANDLE,
                                     Perm.CHANGE_REQUEST, Perm.CHANGE_IMPLEMENT}),
    Role.SECURITY_LEAD: frozenset({Perm.VIEW, Perm.SUPPLIER_REPORT, Perm.MEETING_EDIT, Perm.DOCUMENT_EDIT,
                                   Perm.ACTION_EDIT, Perm.TRAIL_VIEW, Perm.INCIDENT_REPORT, Perm.INCIDENT_HANDLE,
                                   Perm.CHANGE_REQUEST, Perm.CHANGE_IMPLEMENT, Perm.CHANGE_EXCEPTION,
                                   Perm.PRIVACY_EDIT}),
    Role.READER: frozenset({Perm.VIEW, Perm.INCIDENT_REPORT}),
}

# Roles whose view is limited to records shared with their organisation (never its own
# internal records).
SHARED_ONLY_ROLES = frozenset({Role.SUPPLIER})


def has_perm(role: str, perm: str) -> bool:
    return perm in ROLE_PERMISSIONS.get(role, frozenset())


# Roles that may own a system, an information asset or a risk (docs/decisions.md, decision 11):
# the owner approves its classifications and accepts its risks, so the owner must be someone
# whose role carries those decisions, or one who runs the organisation's security work.
OWNER_ROLES = frozenset({Role.SYSTEM_OWNER, Role.COORDINATOR, Role.ADMIN})


def can_own(role: str) -> bool:
    """Whether a member with `role` may be named owner of a system, information or risk."""
    return role in OWNER_ROLES


OWNER_HELP = _("Only members whose role may own it: system owners, coordinators and administrators.")
NOT_AN_OWNER = _("Choose a member whose role may own it: a system owner, a coordinator or an administrator.")
