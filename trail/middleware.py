from trail.context import acting_as


class AuditContextMiddleware:
    """Attribute writes made during a page request to the signed-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The API sets its own actor after token authentication (source "api").
        source = "admin" if request.path.startswith("/admin/") else "web"
        with acting_as(request.user if request.user.is_authenticated else None, source=source):
            return self.get_response(request)
