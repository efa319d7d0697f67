"""The member's background jobs: the list, one job's status (polled by htmx while it runs) and
its result file."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from core.decorators import tenant_required
from jobs import selectors

POLL_SECONDS = 2


@tenant_required()
def job_list(request):
    page = Paginator(selectors.my_jobs(tenant=request.tenant), 50).get_page(request.GET.get("page"))
    return render(request, "jobs/job_list.html", {"page": page, "jobs": page.object_list})


@tenant_required()
def job_detail(request, pk):
    job = selectors.my_job(tenant=request.tenant, pk=pk)
    template = "jobs/job_detail.html#status" if request.headers.get("HX-Request") else "jobs/job_detail.html"
    return render(request, template, {"job": job, "poll_seconds": POLL_SECONDS})


@tenant_required()
def job_result(request, pk):
    job = selectors.my_job(tenant=request.tenant, pk=pk, with_result=True)
    if not job.has_result:
        raise Http404
    response = HttpResponse(bytes(job.result_data), content_type=job.result_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, job.result_name)
    return response
