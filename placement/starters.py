"""Templates that start an assessment with its questions filled in (PRODUCT.md C5, issue 4 point 7).

"A new cloud service": the questions the first seed says must be answered before every new
cloud service, grouped by perspective, and the two alternatives almost every such case
compares (keep running it ourselves, or move it to the cloud service).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inventory.models import Hosting
from placement.models import Perspective, Redundancy

CLOUD_SERVICE = "cloud_service"
TEMPLATES = {CLOUD_SERVICE: gettext_lazy("A new cloud service")}


def _questions() -> list[tuple[str, str]]:
    return [
        (Perspective.SECURITY, _("Which information will the service hold, and how is it classified (K, R, T, S)?")),
        (Perspective.SECURITY, _("Which security requirements must the provider meet, and how will we verify them?")),
        (Perspective.LEGAL, _("In which countries is data stored, and from where can it be accessed (support, "
                              "sub-processors)?")),
        (Perspective.LEGAL, _("What is the provider's home jurisdiction, and is the provider certified under the "
                              "EU–US Data Privacy Framework?")),
        (Perspective.LEGAL, _("Does the provider only process or store the information technically (OSL 10 kap. "
                              "2 a §), and is that appropriate for each information type?")),
        (Perspective.LEGAL, _("Which information must not be placed in the service, and which rules will keep it "
                              "out?")),
        (Perspective.LEGAL, _("Is a processor agreement (GDPR art. 28) in place?")),
        (Perspective.TECHNICAL, _("Which availability does the provider promise, and what does the information "
                                  "require?")),
        (Perspective.TECHNICAL, _("How is the service made redundant, and where is the recovery site?")),
        (Perspective.TECHNICAL, _("How do we get our data out if we leave the service?")),
        (Perspective.ECONOMIC, _("What does the move cost once (consultants, migration) and every year (licences)?")),
        (Perspective.ECONOMIC, _("What would running it ourselves cost over the same years?")),
    ]


def cloud_service(service: str) -> dict:
    """The fields and alternatives a new cloud-service assessment starts with (in the active language)."""
    return {
        "background": _(
            "Background: what is %(service)s used for, and why is a move to a cloud service considered now?\n"
            "Scope: which information and systems are concerned?\n"
            "Decision: who decides, and by when?") % {"service": service},
        "checklist": [{"perspective": str(p), "question": q, "answer": ""} for p, q in _questions()],
        "alternatives": [
            {"name": _("Run it ourselves"), "hosting": Hosting.OWN_DATA_CENTRE, "storage_countries": ["SE"],
             "access_countries": ["SE"], "provider_jurisdiction": "SE", "redundancy": Redundancy.SINGLE_SITE},
            {"name": _("Cloud service"), "hosting": Hosting.CLOUD, "redundancy": Redundancy.SEPARATE_SITES},
        ],
    }
