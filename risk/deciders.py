"""Who may decide on a risk: plain functions of the tenant and the record (decision 11).

Accepting a residual risk above the organisation's acceptance level is a decision for the
business that owns the risk: the risk's own owner or the owner of a system it is linked to,
with a role that may accept risks, or an administrator. A member who merely holds the system-owner
role decides nothing about records they do not own. Within the acceptance level, anyone who
analyses the organisation's risks may accept (the criteria were decided beforehand).
"""

from django.utils.translation import gettext as _

from organisations.roles import Perm, Role
from risk import rules
from risk.models import Risk, RiskSystem, TreatmentStatus


def owns_risk(tenant, risk: Risk) -> bool:
    """The member is the risk's owner or the owner of one of its linked systems."""
    user_id = tenant.user.pk
    if risk.owner_id == user_id:
        return True
    return RiskSystem.objects.filter(risk_id=risk.pk, system__owner_id=user_id).exists()


def acceptance_refusal(tenant, risk: Risk, matrix) -> str | None:
    """Why the member may not accept this residual risk, or None when they may."""
    if not tenant.can_edit(Risk):
        return _("Your role does not allow this.")
    if not rules.needs_privileged_acceptance(matrix, risk.residual_likelihood, risk.residual_consequence):
        return None
    if tenant.role == Role.ADMIN:
        return None
    if tenant.can(Perm.RISK_ACCEPT) and owns_risk(tenant, risk):
        return None
    return _("Only the risk's owner, the owner of a system the risk concerns, or an administrator may accept a "
             "residual risk above the acceptance level.")


def treatments_not_started(risk: Risk) -> list:
    """The risk's treatments that have not started; accepting before they do asks for confirmation."""
    return list(risk.treatments.filter(status=TreatmentStatus.OPEN).order_by("due_date", "pk"))
