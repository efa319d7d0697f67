"""Who may approve a classification: a plain function of the tenant and the record (decision 11).

Approving sets the levels every system holding the information must meet, so it is for the
owner of such a system (with a role that may approve) or an administrator; the system-owner
role alone does not let a member approve information on systems others own.
"""

from django.utils.translation import gettext as _

from classification.models import Classification
from inventory.models import System
from organisations.roles import Perm, Role


def owns_information(tenant, classification: Classification) -> bool:
    """The member owns a system the classified information type belongs to."""
    return System.objects.filter(information_types=classification.information_type_id,
                                 owner_id=tenant.user.pk, archived_at__isnull=True).exists()


def approval_refusal(tenant, classification: Classification) -> str | None:
    """Why the member may not approve (or send back) this classification, or None when they may."""
    if tenant.role == Role.ADMIN:
        return None
    if tenant.can(Perm.CLASSIFY_APPROVE) and tenant.can_edit(Classification) and owns_information(tenant, classification):
        return None
    return _("Only the owner of a system that holds this information, or an administrator, may approve its "
             "classification.")
