"""The REST API root: /api/, schema at /api/openapi.json, docs at /api/docs."""

from core.api import TillitNinjaAPI, TokenAuth, install_error_handlers

api = TillitNinjaAPI(
    title="Tillit API",
    version="1",
    description="Information security management for municipalities. Authenticate with "
    "`Authorization: Bearer <token>`; choose the organisation with the `X-Organisation` header.",
    auth=TokenAuth(),
    urls_namespace="api",
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
api.add_router("/policies", "policies.api.router")
