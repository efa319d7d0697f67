"""Demo change management: a year of changes at Mellanskogs IT AB across its four municipalities.

The second seed's situation (3.4, observation 4.5) first: until the summer nobody required that
development, test and deployment are done by different people, so the developer tested and
deployed the changes himself; from July the IT company's rule per risk level applies (high: three
different people; medium: the developer does not deploy). Every change goes to the CAB held every
other week (meetings.demo), with each municipality's own decision; Ekholma asks for acceptance
tests, Lindö never confirms a closing report, Granås raises a remark that becomes an action. Three
municipalities pre-approved the monthly security updates. An emergency change in March was
deployed before the CAB and reviewed at the next one; one deployment in September was made under
an authorised exception. Coming: a change on the next CAB with its papers sent (one municipality
approved with conditions, the others still to decide), a change in progress awaiting Ekholma's
acceptance test, and Granås's request for a change not yet registered.

Historic CAB meetings are in the past, which the services refuse for new papers; for them the
agenda and the papers' date are set on the change directly, everything else goes through the
services with its time.
"""

import datetime

from django.utils import timezone

from changes import services
from changes.models import Change, ChangeSettings, Kind, Separation, StandingApproval
from core.tenancy import Tenant
from inventory.models import System
from meetings.models import Meeting, MeetingKind
from organisations.models import Membership
from organisations.roles import Role
from trail.context import acting_as

STANDARD_CLASS = "Månatliga säkerhetsuppdateringar"
# The rule from 1 July: the IT company's own decision after the audit's observation.
RULE_FROM = datetime.date(2026, 7, 1)
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december"]

# (title, kind, likelihood, consequence, systems, municipalities (None: every owner), description, rollback)
CHANGES = [
    ("Uppgradering av katalogtjänsten till ny funktionsnivå", Kind.NORMAL, 2, 4, ["Katalogtjänst (AD)"], None,
     "Domänens funktionsnivå höjs efter att de sista äldre domänkontrollanterna avvecklats.",
     "Återställning av domänkontrollanter från säkerhetskopia."),
    ("Ny version av verksamhetssystemet för socialtjänst", Kind.MAJOR, 3, 4,
     ["Verksamhetssystem för socialtjänst"], ["bjorkvik", "ekholma"],
     "Huvudversion med nytt gränssnitt för utredningar och ändrad behörighetsmodell.",
     "Databasen återställs från ögonblicksbild tagen före uppgraderingen."),
    ("Byte av certifikat för federerad inloggning", Kind.NORMAL, 2, 3, ["Federerad inloggning"], None,
     "Signeringscertifikatet förnyas och publiceras i metadata för alla anslutna tjänster.",
     "Det gamla certifikatet ligger kvar som sekundärt i 30 dagar."),
    ("Nya brandväggsregler för skolnätet", Kind.NORMAL, 2, 2, ["Nätverk och brandväggar"], ["granas", "lindo"],
     "Utgående trafik från elevnätet begränsas till godkända tjänster.", "Regeluppsättningen återställs."),
    ("Uppgradering av lönesystemet inför årsskiftet", Kind.NORMAL, 3, 3, ["Lönesystem"], None,
     "Ny version med årets skattetabeller och ändrade rapporter.", "Återgång till föregående version i testad ordning."),
    ("Flytt av loggservern till ny lagringsplattform", Kind.NORMAL, 2, 3, ["Loggserver (SIEM)"], None,
     "Loggarkivet flyttas till den nya lagringen i datacentret.", "Insamlingen pekas om till den gamla servern."),
    ("Ny integration mellan bygglovssystemet och e-arkivet", Kind.NORMAL, 2, 2, ["Bygglovssystem", "E-arkiv"],
     ["ekholma", "granas"], "Avslutade bygglovsärenden levereras automatiskt till e-arkivet.",
     "Integrationen stängs av; leveranser görs manuellt."),
    ("Ändrad policy för säkerhetskopiering av servrar", Kind.NORMAL, 1, 3, ["Säkerhetskopiering"], None,
     "Lagringstiden för dagliga kopior förlängs och en kopia per vecka skickas till separat plats.",
     "Den tidigare policyn aktiveras igen."),
    ("Uppgradering av journalsystemet för hälso- och sjukvård", Kind.NORMAL, 3, 4,
     ["Hälso- och sjukvårdsjournal"], ["bjorkvik", "ekholma", "granas"],
     "Ny version med ändrad läkemedelsmodul.", "Återställning från ögonblicksbild."),
    ("Ny klientavbild med uppdaterad webbläsare", Kind.NORMAL, 2, 2, ["Klientplattform"], None,
     "Ny standardavbild för kommunernas datorer.", "Föregående avbild distribueras igen."),
]


def _tenant(org, role) -> Tenant | None:
    membership = (Membership.objects.select_related("organisation", "user")
                  .filter(organisation=org, role=role).order_by("pk").first())
    return Tenant(membership) if membership else None


def load(*, organisation, users):
    """A municipality's pre-approval of the monthly security updates (Lindö has none: it takes
    part in too little, the audit's observation)."""
    if organisation.slug == "lindo" or "coordinator" not in users:
        return
    it_company = organisation.suppliers.filter(slug="mellanskog-it").first()
    if it_company is None or StandingApproval.objects.filter(organisation=organisation).exists():
        return
    tenant = _tenant(organisation, Role.COORDINATOR)
    with acting_as(users["coordinator"], source="cli"):
        services.standing_approval_save(
            tenant=tenant, supplier=it_company, change_class=STANDARD_CLASS,
            comment="Gäller operativsystemens och kontorsprogrammens månatliga uppdateringar enligt "
                    "överenskommen rutin.")


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class _Loader:
    def __init__(self, supplier, customers, users):
        self.supplier = supplier
        self.customers = {c.slug: c for c in customers}
        self.users = users
        self.it = Tenant(Membership.objects.select_related("organisation", "user").get(
            organisation=supplier, user=users["service_manager"]))
        self.lead = Tenant(Membership.objects.select_related("organisation", "user").get(
            organisation=supplier, user=users["security_lead"]))
        self.deciders = {slug: _tenant(org, Role.COORDINATOR) for slug, org in self.customers.items()}
        self.owners = {slug: _tenant(org, Role.SYSTEM_OWNER) for slug, org in self.customers.items()}

    def systems(self, names, slugs):
        qs = System.objects.filter(shared_with=self.supplier, name__in=names).select_related("organisation")
        if slugs is not None:
            qs = qs.filter(organisation__slug__in=slugs)
        return list(qs)

    def register(self, title, kind, likelihood, consequence, systems, description, rollback, window, *,
                 standard_class="", shared_with=(), request=None):
        return services.change_save(tenant=self.it, change=None, data={
            "title": title, "description": description, "reason": "Förvaltning enligt leveransavtalet.",
            "kind": kind, "standard_class": standard_class, "likelihood": likelihood, "consequence": consequence,
            "window_start": window, "window_end": window + datetime.timedelta(hours=4), "rollback_plan": rollback,
            "systems": systems, "shared_with": list(shared_with), "request": request,
            "requested_date": window.date()})

    @staticmethod
    def on_agenda(change, meeting, sent: datetime.datetime):
        # A past CAB: the services refuse new papers for it, so the history is set directly.
        change.refresh_from_db()
        change.cab_meeting = meeting
        change.papers_sent_at = sent
        if change.status == "registered":
            change.status = "papers_sent"
        change.save()

    def decide(self, change, slug, decision="approve", *, at, **extra):
        tenant = self.owners[slug] if extra.pop("owner", False) else self.deciders[slug]
        with acting_as(tenant.user, source="cli"):
            return services.decision_set(tenant=tenant, change=change, decision=decision, at=at, **extra)

    def step(self, change, kind, who, at, *, by=None, **extra):
        tenant = by or self.it
        return services.step_record(tenant=tenant, change=change, kind=kind, performed_by=self.users[who],
                                    performed_at=at, **extra)

    def close(self, change, at, report):
        return services.change_close(tenant=self.it, change=change, report=report, at=at)

    def answer(self, change, slug, at, outcome="confirmed", comment=""):
        tenant = self.deciders[slug]
        with acting_as(tenant.user, source="cli"):
            return services.closing_answer(tenant=tenant, change=change, outcome=outcome, comment=comment, at=at)

    def accept(self, change, slug, at, passed=True, comment=""):
        tenant = self.deciders[slug]
        with acting_as(tenant.user, source="cli"):
            return services.acceptance_record(tenant=tenant, change=change, tested_by=tenant.user, tested_at=at,
                                              passed=passed, comment=comment)


def load_supplier(*, supplier, customers, users):
    """A year of changes (idempotent: nothing is added when the IT company has changes)."""
    if Change.objects.filter(organisation=supplier).exists():
        return
    if not {"service_manager", "security_lead", "admin"} <= set(users) or len(customers) < 4:
        return
    cabs = list(Meeting.objects.filter(organisation=supplier, kind=MeetingKind.CAB).order_by("starts_at"))
    if not cabs:
        return
    loader = _Loader(supplier, customers, users)
    now = timezone.now()
    past = [m for m in cabs if m.starts_at < now - datetime.timedelta(days=7)]
    coming = [m for m in cabs if m.starts_at > now and m.status == "planned"]
    with acting_as(users["security_lead"], source="cli"):
        ChangeSettings.objects.create(organisation=supplier, papers_lead_days=5, separation_high=Separation.NONE,
                                      separation_medium=Separation.NONE, separation_low=Separation.NONE)
    with acting_as(users["service_manager"], source="cli"):
        _history(loader, past)
        if coming:
            _coming(loader, coming)


def _history(loader: _Loader, past: list) -> None:
    slugs = list(loader.customers)
    rule_set = False
    for index, meeting in enumerate(past):
        cab_day = timezone.localtime(meeting.starts_at).date()
        if not rule_set and cab_day >= RULE_FROM:
            with acting_as(loader.users["security_lead"], source="cli"):
                services.settings_save(tenant=loader.lead, data={
                    "separation_high": Separation.ALL_DIFFERENT, "separation_medium": Separation.DEVELOPER_NOT_DEPLOYER,
                    "separation_low": Separation.NONE})
            rule_set = True
        title, kind, likelihood, consequence, names, only, description, rollback = CHANGES[index % len(CHANGES)]
        window = _at(cab_day + datetime.timedelta(days=2), 18)
        papers = _at(cab_day - datetime.timedelta(days=5), 8)
        year_round = f"{title}, {MONTHS[cab_day.month - 1]}" if index >= len(CHANGES) else title
        change = loader.register(year_round, kind, likelihood, consequence, loader.systems(names, only), description,
                                 rollback, window)
        loader.on_agenda(change, meeting, papers)
        addressed = sorted(change.shared_with.values_list("slug", flat=True))
        decided_at = _at(cab_day, 9)
        for slug in addressed:
            if slug == "ekholma" and change.risk_level == "high":
                loader.decide(change, slug, "conditions", at=decided_at, wants_acceptance_test=True,
                              conditions="Kommunens systemförvaltare testar i testmiljön innan driftsättning.",
                              wants_test_environment=True,
                              participation="Systemförvaltaren deltar i projektets styrgrupp."
                              if kind == Kind.MAJOR else "")
            elif slug == "granas" and index % 7 == 3:
                loader.decide(change, slug, "conditions", at=decided_at,
                              conditions="Informera verksamheten minst en vecka före servicefönstret.")
            elif slug == "lindo" and index % 5 == 2:
                loader.decide(change, slug, "abstain", at=decided_at,
                              comment="Ingen företrädare hade möjlighet att bereda ärendet.")
            else:
                loader.decide(change, slug, at=decided_at)
        if "lindo" in addressed and index % 5 == 2:
            # Lindö abstained: it is asked again at the next meeting and approves then.
            loader.decide(change, "lindo", at=decided_at + datetime.timedelta(days=1))
        if "ekholma" in addressed and change.risk_level == "high":
            services.test_environment_set(tenant=loader.it, change=change, organisation=loader.customers["ekholma"],
                                          provided=index % 2 == 0)
        develop_at = window - datetime.timedelta(hours=30)
        loader.step(change, "develop", "service_manager", develop_at, comment="Förberett och paketerat.")
        if "ekholma" in addressed and change.risk_level == "high":
            loader.accept(change, "ekholma", develop_at + datetime.timedelta(hours=4))
        if not rule_set:
            # The seed's situation: the developer tests and deploys the change himself.
            loader.step(change, "test", "service_manager", develop_at + datetime.timedelta(hours=2))
            loader.step(change, "deploy", "service_manager", window + datetime.timedelta(hours=1))
        elif index % 9 == 4 and change.risk_level == "medium":
            loader.step(change, "deploy", "service_manager", window + datetime.timedelta(hours=1), by=loader.lead,
                        exception_reason="Endast en tekniker i beredskap under servicefönstret; "
                                         "ändringen granskades i efterhand av säkerhetsansvarig.")
        else:
            loader.step(change, "test", "security_lead", develop_at + datetime.timedelta(hours=6))
            loader.step(change, "deploy", "admin", window + datetime.timedelta(hours=1))
        closed_at = window + datetime.timedelta(days=3)
        loader.close(change, closed_at, "Ändringen genomfördes i servicefönstret utan driftstörning. "
                                        "Uppföljning i driftmötet visade inga nya ärenden.")
        for slug in addressed:
            if slug == "lindo":
                continue  # Lindö never answers a closing report
            if slug == "granas" and index == 6:
                loader.answer(change, slug, closed_at + datetime.timedelta(days=2), "remark",
                              "Verksamheten fick ingen information om ändringen i förväg trots villkoret.")
            elif index % 4 != 1:
                loader.answer(change, slug, closed_at + datetime.timedelta(days=2))
        if index == 4:
            _emergency(loader, cab_day, past[index + 1] if index + 1 < len(past) else None, slugs)
        if index % 3 == 0:
            _standard(loader, meeting, cab_day)


def _emergency(loader: _Loader, day: datetime.date, next_cab, slugs) -> None:
    """A critical vulnerability in the firewalls: patched the same night, reviewed at the next CAB.
    Björkvik had asked for an acceptance test of the firewall changes, which the night did not allow."""
    at = _at(day + datetime.timedelta(days=4), 22)
    change = loader.register("Akut säkerhetsrättning av brandväggarna", Kind.EMERGENCY, 4, 4,
                             loader.systems(["Nätverk och brandväggar"], None),
                             "Leverantören publicerade en kritisk sårbarhet som utnyttjas aktivt.",
                             "Föregående firmware finns kvar på standbyenheten.", at)
    loader.decide(change, "bjorkvik", at=at - datetime.timedelta(hours=2), wants_acceptance_test=True,
                  comment="Godkänns i brådskande ordning.")
    loader.step(change, "develop", "service_manager", at)
    loader.step(change, "test", "security_lead", at + datetime.timedelta(minutes=40))
    loader.step(change, "deploy", "admin", at + datetime.timedelta(hours=1))
    if next_cab is not None:
        review = timezone.localtime(next_cab.starts_at)
        loader.on_agenda(change, next_cab, review - datetime.timedelta(days=5))
        for slug in sorted(change.shared_with.values_list("slug", flat=True)):
            if slug not in ("bjorkvik", "lindo"):
                loader.decide(change, slug, at=review, comment="Granskad i efterhand vid CAB.")
    loader.close(change, at + datetime.timedelta(days=2), "Sårbarheten är åtgärdad på alla brandväggar.")


def _standard(loader: _Loader, meeting, day: datetime.date) -> None:
    """The monthly security updates: pre-approved by three municipalities, Lindö decides each time."""
    window = _at(day + datetime.timedelta(days=8), 19)
    change = loader.register(f"Säkerhetsuppdateringar {day:%Y-%m}", Kind.STANDARD, 1, 2,
                             loader.systems(["Klientplattform"], None),
                             "Månadens säkerhetsuppdateringar för operativsystem och kontorsprogram.",
                             "Uppdateringen avinstalleras via klienthanteringen.", window,
                             standard_class=STANDARD_CLASS)
    loader.on_agenda(change, meeting, _at(day - datetime.timedelta(days=5), 8))
    loader.decide(change, "lindo", at=_at(day, 9))
    loader.step(change, "develop", "service_manager", window - datetime.timedelta(hours=5))
    loader.step(change, "deploy", "security_lead", window + datetime.timedelta(hours=1))
    loader.close(change, window + datetime.timedelta(days=1), "Uppdateringarna installerades på 98 % av klienterna; "
                                                              "resterande vid nästa inloggning.")


def _coming(loader: _Loader, coming: list) -> None:
    next_cab = coming[0]
    cab_day = timezone.localtime(next_cab.starts_at).date()
    now = timezone.now()
    # The scenario: two municipalities affected, papers sent, one approved with conditions.
    window = _at(cab_day + datetime.timedelta(days=9), 18)
    change = loader.register("Uppgradering av verksamhetssystemet för äldreomsorg", Kind.NORMAL, 3, 4,
                             loader.systems(["Verksamhetssystem för äldreomsorg"], ["bjorkvik", "ekholma"]),
                             "Ny version med ändrad modul för genomförandeplaner och nya behörighetsroller.",
                             "Återställning från ögonblicksbild tagen före uppgraderingen.", window)
    services.change_schedule(tenant=loader.it, change=change, meeting=next_cab)
    change.refresh_from_db()
    change.papers_sent_at = min(now, timezone.localtime(next_cab.starts_at) - datetime.timedelta(days=5))
    change.status = "papers_sent"
    change.save()
    loader.decide(change, "ekholma", "conditions", at=now - datetime.timedelta(hours=3),
                  conditions="Kommunens systemförvaltare genomför acceptanstest i testmiljön före driftsättning.",
                  wants_acceptance_test=True, wants_test_environment=True)
    # On the CAB after: registered, papers not yet sent (the IT company's work queue and reminders).
    if len(coming) > 1:
        later = coming[1]
        window = _at(timezone.localtime(later.starts_at).date() + datetime.timedelta(days=3), 18)
        planned = loader.register("Ny version av ekonomisystemet", Kind.NORMAL, 2, 3,
                                  loader.systems(["Ekonomisystem"], None),
                                  "Årets huvudversion med ny attestmodul.", "Återgång till föregående version.", window)
        services.change_schedule(tenant=loader.it, change=planned, meeting=later)
    # In progress: approved by all, developed, awaiting Ekholma's acceptance test.
    window = _at(cab_day + datetime.timedelta(days=2), 18)
    progress = loader.register("Ny integration mellan e-tjänstplattform och ärendesystem", Kind.NORMAL, 2, 3,
                               loader.systems(["Ärende- och dokumenthanteringssystem"], ["ekholma", "granas"]),
                               "E-tjänsternas ärenden skapas direkt i ärendesystemet.",
                               "Integrationen stängs av; ärenden registreras manuellt.", window)
    loader.on_agenda(progress, next_cab, now - datetime.timedelta(days=6))
    loader.decide(progress, "granas", at=now - datetime.timedelta(days=2))
    loader.decide(progress, "ekholma", at=now - datetime.timedelta(days=2), wants_acceptance_test=True)
    loader.step(progress, "develop", "service_manager", now - datetime.timedelta(days=1))
    # Granås asks for a change that the IT company has not registered yet.
    granas = loader.deciders["granas"]
    with acting_as(granas.user, source="cli"):
        services.request_save(tenant=granas, request=None, data={
            "addressed_to": loader.supplier, "title": "Tvåfaktorsinloggning för hemtjänstens mobiler",
            "description": "Hemtjänstens personal loggar in i verksamhetssystemet från mobiler; vi vill kräva "
                           "tvåfaktorsinloggning.", "reason": "Resultat av kommunens riskanalys.", "kind": Kind.NORMAL,
            "requested_date": (now + datetime.timedelta(days=60)).date(), "wants_acceptance_test": True,
            "systems": list(System.objects.filter(organisation=loader.customers["granas"],
                                                  name="Federerad inloggning"))})

