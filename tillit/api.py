"""The REST API root: /api/, schema at /api/openapi.json, docs at /api/docs."""

import json

from django.shortcuts import render
from ninja.openapi.docs import Swagger

from core.api import TillitNinjaAPI, TokenAuth, install_error_handlers


class SameOriginSwagger(Swagger):
    """Swagger UI from Tillit's own static files, under the site's content security policy.

    django-ninja loads Swagger UI from a CDN unless it is an installed app; its assets come
    from the npm package swagger-ui-dist instead (the Makefile copies them to static/vendor),
    and the page starts it from a static script (no inline script). The API needs no CSRF
    token: it authenticates with a bearer token.
    """

    template = "api/docs.html"

    def render_page(self, request, api, **kwargs):
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, self.template, {"api": api, "swagger_settings": json.dumps(settings)})


class DocumentedAPI(TillitNinjaAPI):
    """The schema with one key per answer status, so Swagger UI can read it.

    Routes declare their answers with numbers (409) and core.api.document_errors adds its
    error answers with strings ("409"): JSON writes both as "409", and Swagger UI rejects a
    schema with a key twice ("duplicated mapping key"). The error answer that document_errors
    adds wins, as it did for every JSON reader (the last of two keys counts): a 422 can also be
    the API's general "data is not valid" answer, so the route's own shape alone would be wrong.
    """

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.get("responses") if isinstance(operation, dict) else None
                if not responses:
                    continue
                for key in [k for k in responses if not isinstance(k, str)]:
                    own = responses.pop(key)
                    responses[str(key)] = responses.get(str(key)) or own
        return schema


api = DocumentedAPI(
    title="Tillit API",
    version="1",
    description="Information security management for municipalities. Authenticate with "
    "`Authorization: Bearer <token>`; choose the organisation with the `X-Organisation` header.",
    auth=TokenAuth(),
    urls_namespace="api",
    # No validator badge: it would ask a server elsewhere to check the schema.
    docs=SameOriginSwagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)
install_error_handlers(api)

api.add_router("/", "organisations.api.router")
api.add_router("/systems", "inventory.api.router")
api.add_router("/systems-io", "inventory.api_importexport.router")
api.add_router("/information-types", "inventory.api_infotypes.router")
api.add_router("/trail", "trail.api.router")
api.add_router("/classification", "classification.api.router")
api.add_router("/requirements", "requirements.api.router")
api.add_router("/risks", "risk.api.router")
api.add_router("/actions", "actions.api.router")
api.add_router("/placement", "placement.api.router")
api.add_router("/suppliers", "suppliers.api.router")
api.add_router("/kpis", "kpis.api.router")
api.add_router("/meetings", "meetings.api.router")
api.add_router("/changes", "changes.api.router")
api.add_router("/policies", "policies.api.router")
api.add_router("/privacy", "privacy.api.router")
api.add_router("/incidents", "incidents.api.router")
api.add_router("/audits", "audits.api.router")
api.add_router("/reviews", "reviews.api.router")
