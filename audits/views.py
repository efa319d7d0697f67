from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits import documents, engine, selectors, services
from audits.models import Audit, AuditKind
from core import documents as shared_documents
from core.decorators import tenant_required
from core.findings import PRIORITY_DEFINITIONS
from organisations.roles import SHARED_ONLY_ROLES, Perm

PAGE_SIZE = 50


def _own_reader(request):
    tenant = request.tenant
    if tenant.role in SHARED_ONLY_ROLES:
        raise Http404
    return tenant


@tenant_required()
def finding_list(request):
    """The organisation's automatic findings grouped by theme, computed now, with their recorded history."""
    tenant = _own_reader(request)
    today = timezone.localdate()
    # Computed on every view; the history is recorded by the nightly record_findings run and on
    # adoption (a GET changes nothing).
    groups = engine.evaluate(tenant.organisation, today=today)
    history = Paginator(selectors.finding_history(tenant=tenant), PAGE_SIZE).get_page(request.GET.get("page"))
    audits = list(tenant.editable(Audit).only("pk", "title")[:20]) if tenant.can(Perm.AUDIT_EDIT) else []
    return render(request, "audits/finding_list.html", {
        "groups": groups, "history": history, "today": today, "audits": audits,
        "definitions": PRIORITY_DEFINITIONS})


@tenant_required()
def audit_list(request):
    tenant = _own_reader(request)
    page = Paginator(selectors.audit_list(tenant=tenant), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audits/audit_list.html", {"page": page, "can_edit": tenant.can_edit(Audit)})


@tenant_required()
def audit_detail(request, pk):
    tenant = _own_reader(request)
    audit = selectors.audit_detail(tenant=tenant, pk=pk)
    return render(request, "audits/audit_detail.html", {
        "audit": audit, "can_edit": tenant.can_edit(Audit), "kinds": AuditKind})


@tenant_required()
def audit_report(request, pk, fmt="docx"):
    """The audit report (granskningsrapport) as DOCX or PDF, for everyone who reads the audit."""
    tenant = _own_reader(request)
    audit = selectors.audit_detail(tenant=tenant, pk=pk)
    return shared_documents.response(documents.report(tenant=tenant, audit=audit), fmt,
                                     filename=documents.filename(audit))


@tenant_required(Perm.AUDIT_EDIT)
@require_POST
def audit_adopt(request, pk):
    tenant = request.tenant
    audit = tenant.get(Audit, pk, write=True)
    try:
        created = services.adopt_findings(tenant=tenant, audit=audit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)d observations were adopted from the automatic findings.") % {"n": len(created)})
    return redirect("audits:audit_detail", pk=audit.pk)


@tenant_required()
def observation_detail(request, pk):
    tenant = _own_reader(request)
    observation = selectors.observation_detail(tenant=tenant, pk=pk)
    return render(request, "audits/observation_detail.html", {"observation": observation})


@tenant_required()
def framework_detail(request, pk):
    from audits.models import Framework, FrameworkRequirement

    tenant = _own_reader(request)
    framework = tenant.get(Framework, pk)
    requirements = tenant.scope(FrameworkRequirement).filter(framework=framework).select_related("control")
    page = Paginator(requirements.order_by("order", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audits/framework_detail.html", {"framework": framework, "page": page})
