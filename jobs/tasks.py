"""The tasks the worker runs (`manage.py db_worker` with the database backend)."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from core.tenancy import Tenant
from jobs import handlers, services
from jobs.models import Job
from organisations.models import Membership
from trail.context import acting_as

log = logging.getLogger(__name__)


def _tenant(job: Job) -> Tenant | None:
    """The member as they are now: a removed membership or a changed role counts."""
    membership = (Membership.objects.select_related("organisation", "user")
                  .filter(user_id=job.user_id, organisation_id=job.organisation_id).first())
    return Tenant(membership) if membership else None


@task()
def run_job(job_id: int) -> str:
    """Run one job; whatever happens, the job ends done or failed with a reason."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return "skipped"
    with translation.override(job.language or None), acting_as(job.user, source="system"):
        tenant = _tenant(job)
        if tenant is None:
            services.fail(job, _("You are no longer a member of the organisation."))
            return job.status
        services.mark_running(job)
        try:
            outcome = handlers.HANDLERS[job.kind](job, tenant)
        except (PermissionDenied, Http404):
            services.fail(job, _("You may no longer do this, or the record is gone."))
        except ValidationError as exc:
            services.fail(job, " ".join(exc.messages))
        except Exception:  # noqa: BLE001 - the job must end; the traceback goes to the log
            log.exception("Background job %s (%s) failed", job.pk, job.kind)
            services.fail(job, _("Something went wrong; nothing was saved. Try again, or ask your administrator."))
        else:
            services.finish(job, outcome)
    return job.status


@task()
def send_reminders() -> dict:
    """E-mail the reminders that are due (as `manage.py send_reminders`), as a task to enqueue."""
    from actions.reminders import send_due
    from actions.selectors import today

    sent = send_due(today=today())
    return {"emails": sent.emails, "items": sent.items, "failed": list(sent.failed)}
