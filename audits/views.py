from core.decorators import tenant_required


@tenant_required()
def finding_list(request):
    raise NotImplementedError


@tenant_required()
def audit_list(request):
    raise NotImplementedError
