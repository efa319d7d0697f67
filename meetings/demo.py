"""Demo: Mellanskogs IT AB's samarbetsforum with its four owner municipalities during 2026."""

import datetime
from zoneinfo import ZoneInfo

from core.tenancy import Tenant
from meetings import services
from meetings.models import Meeting, MeetingKind, MeetingStatus
from organisations.models import Membership

TZ = ZoneInfo("Europe/Stockholm")
NAMES = {"bjorkvik": "Björkviks kommun", "ekholma": "Ekholma kommun", "granas": "Granås kommun", "lindo": "Lindö kommun"}


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def _coordinator(slug: str) -> Tenant | None:
    membership = Membership.objects.filter(user__email=f"samordnare@{slug}.example", organisation__slug=slug
                                           ).select_related("organisation", "user").first()
    return Tenant(membership) if membership else None


class _Loader:
    def __init__(self, supplier, customers, users):
        self.supplier = supplier
        self.customers = {c.slug: c for c in customers}
        self.users = users
        membership = Membership.objects.select_related("organisation", "user").get(
            organisation=supplier, user=users["service_manager"])
        self.tenant = Tenant(membership)

    def meeting(self, *, kind, title, day, hour, hours, slugs, status, location="", minutes="", attendees=(),
                agenda=(), decisions=(), items=(), take=(), approve_after=5):
        t = self.tenant
        start = _at(day, hour)
        meeting = services.meeting_save(tenant=t, meeting=None, data={
            "kind": kind, "title": title, "starts_at": start, "ends_at": start + datetime.timedelta(hours=hours),
            "location": location or "Mellanskogs IT AB, Storgatan 1, samt Teams",
            "chair": self.users["service_manager"], "secretary": self.users["security_lead"],
            "shared_with": [self.customers[s] for s in slugs if s in self.customers],
        })
        for name, role, slug, present in attendees:
            services.attendee_save(tenant=t, meeting=meeting, attendee=None, data={
                "name": name, "role_title": role, "present": present,
                "represents": self.customers.get(slug) if slug else None})
        for n, (title_, description, presenter) in enumerate(agenda, start=1):
            services.agenda_item_save(tenant=t, meeting=meeting, item=None, data={
                "position": n, "title": title_, "description": description, "presenter": presenter})
        if status in (MeetingStatus.HELD, MeetingStatus.APPROVED):
            for text in decisions:
                services.decision_save(tenant=t, meeting=meeting, decision=None, data={"text": text})
            made = []
            for title_, description, slug, due in items:
                made.append((slug, services.action_item_save(tenant=t, meeting=meeting, item=None, data={
                    "title": title_, "description": description, "due_date": due,
                    "responsible": self.customers.get(slug) if slug else None})))
            services.minutes_save(tenant=t, meeting=meeting, data={"minutes": minutes, "status": MeetingStatus.HELD})
            if status == MeetingStatus.APPROVED:
                meeting = services.minutes_approve(tenant=t, meeting=meeting)
                meeting.minutes_approved_at = meeting.ends_at + datetime.timedelta(days=approve_after)
                meeting.save()
            for slug, item in made:
                if slug and slug in take:
                    municipal = _coordinator(slug)
                    if municipal is not None:
                        services.action_item_take(tenant=municipal, item=item, owner=municipal.user,
                                                  due_date=item.due_date)
        elif status == MeetingStatus.CANCELLED:
            services.minutes_save(tenant=t, meeting=meeting, data={"status": MeetingStatus.CANCELLED})
        return meeting


def _people(slugs, *, supplier_too=True):
    rows = []
    if supplier_too:
        rows += [("Tjänsteansvarig, Mellanskogs IT AB", "Tjänsteansvarig", None, True),
                 ("Säkerhetsansvarig, Mellanskogs IT AB", "Säkerhetsansvarig", None, True)]
    for slug in slugs:
        rows.append((f"Digitaliseringschef, {NAMES[slug]}", "Digitaliseringschef", slug, slug != "lindo"))
        rows.append((f"Informationssäkerhetssamordnare, {NAMES[slug]}", "Informationssäkerhetssamordnare", slug, True))
    return rows


ALL = ("bjorkvik", "ekholma", "granas", "lindo")


def load_supplier(*, supplier, customers, users):
    if Meeting.objects.filter(organisation=supplier).exists():
        return
    if not all(k in users for k in ("service_manager", "security_lead")):
        return
    m = _Loader(supplier, customers, users)
    d = datetime.date
    # Kundråd IT each quarter; the last one, in December, is still ahead.
    councils = [(d(2026, 3, 12), MeetingStatus.APPROVED), (d(2026, 6, 11), MeetingStatus.APPROVED),
                (d(2026, 9, 17), MeetingStatus.APPROVED), (d(2026, 12, 10), MeetingStatus.PLANNED)]
    for n, (day, status) in enumerate(councils, start=1):
        m.meeting(
            kind=MeetingKind.COUNCIL, title=f"Kundråd IT, kvartal {n} 2026", day=day, hour=9, hours=3, slugs=ALL,
            status=status, attendees=_people(ALL),
            agenda=[("Leverans- och serviceuppföljning", "Tillgänglighet, ärendeloggar och handläggningstider.",
                     "Tjänsteansvarig, Mellanskogs IT AB"),
                    ("Förslag till nya tjänster", "Gemensam e-arkivtjänst och säker filöverföring.",
                     "Tjänsteansvarig, Mellanskogs IT AB"),
                    ("Informationssäkerhet i leveransen", "Status för säkerhetsbilagor och rapportering av nyckeltal.",
                     "Säkerhetsansvarig, Mellanskogs IT AB"),
                    ("Gemensamma investeringar", "Behov inför budgetåret.", "Digitaliseringschef, Björkviks kommun")],
            minutes=("Kundrådet gick igenom leveransuppföljningen för kvartalet. Handläggningstiden för ärenden "
                     "av prioritet 3 ligger fortfarande över målet.\n\nLindö kommun påtalade att huvudavtalet från "
                     "2016 saknar säkerhetsbilaga och att nyckeltal för IT inte rapporteras till kommunen."),
            decisions=["Kundrådet ger Mellanskogs IT AB i uppdrag att ta fram en säkerhetsbilaga till huvudavtalet.",
                       "Nyckeltal för tillgänglighet och handläggningstid rapporteras månadsvis till samtliga ägarkommuner."],
            items=[("Ta fram förslag till säkerhetsbilaga", "Utgå från MSB:s vägledning för leverantörsstyrning.", None,
                    day + datetime.timedelta(days=60)),
                   ("Utse kontaktperson för nyckeltalsrapportering", "", "ekholma", day + datetime.timedelta(days=30)),
                   ("Besvara leverantörens frågor om klassning", "Frågorna har legat obesvarade sedan föregående kvartal.",
                    "lindo", day + datetime.timedelta(days=30)),
                   ("Se över avtalets säkerhetskrav", "", "bjorkvik", day + datetime.timedelta(days=45))],
            take=("bjorkvik", "ekholma"),
        )
    # The owners' new pre-meeting before two councils: held by Björkvik, which leads the owners' group.
    bjorkvik = _coordinator("bjorkvik")
    if bjorkvik is not None and bjorkvik.can("meetings.edit"):
        for day, status in ((d(2026, 9, 10), MeetingStatus.HELD), (d(2026, 12, 3), MeetingStatus.PLANNED)):
            start = _at(day, 13)
            meeting = services.meeting_save(tenant=bjorkvik, meeting=None, data={
                "kind": MeetingKind.PRE_MEETING, "title": "Ägarkommunernas förmöte inför kundråd IT",
                "starts_at": start, "ends_at": start + datetime.timedelta(hours=2), "location": "Teams",
                "chair": bjorkvik.user, "secretary": bjorkvik.user, "shared_with": []})
            services.agenda_item_save(tenant=bjorkvik, meeting=meeting, item=None, data={
                "position": 1, "title": "Gemensam hållning inför kundrådet",
                "description": "Krav på säkerhetsbilaga och nyckeltal för IT.", "presenter": "Digitaliseringschef"})
            services.attendee_save(tenant=bjorkvik, meeting=meeting, attendee=None, data={
                "name": "Digitaliseringschef, Björkviks kommun", "role_title": "Digitaliseringschef", "present": True})
            if status == MeetingStatus.HELD:
                services.minutes_save(tenant=bjorkvik, meeting=meeting, data={
                    "status": MeetingStatus.HELD,
                    "minutes": "Ägarkommunerna enades om att gemensamt kräva en säkerhetsbilaga och månatlig rapportering."})
                services.minutes_approve(tenant=bjorkvik, meeting=meeting)
    # A municipality-specific council with Lindö only.
    m.meeting(kind=MeetingKind.COUNCIL, title="Kommunspecifikt kundråd, Lindö kommun", day=d(2026, 10, 8), hour=10,
              hours=2, slugs=("lindo",), status=MeetingStatus.APPROVED, attendees=_people(("lindo",)),
              agenda=[("Obesvarade frågor i klassningsarbetet", "", "Informationssäkerhetssamordnare, Lindö kommun"),
                      ("Styrande dokument", "Policy från 2006 och instruktioner från 2003 behöver revideras.",
                       "Informationssäkerhetssamordnare, Lindö kommun")],
              minutes=("Lindö kommun har flera klassningar som står still i väntan på svar från leverantören. "
                       "Mellanskogs IT AB lovade svar inom fyra veckor."),
              decisions=["Leverantören besvarar kommunens öppna frågor inom fyra veckor."],
              items=[("Besvara Lindö kommuns frågor om systemens drift", "", None, d(2026, 11, 5)),
                     ("Revidera informationssäkerhetspolicyn", "Policyn är från 2006.", "lindo", d(2027, 3, 31))])
    # Monthly operations meetings: ticket-log follow-up.
    for month in range(1, 13):
        day = d(2026, month, 14)
        status = (MeetingStatus.PLANNED if month == 12 else MeetingStatus.HELD if month == 11
                  else MeetingStatus.APPROVED)
        m.meeting(kind=MeetingKind.OPERATIONS, title=f"Driftmöte {day:%Y-%m}", day=day, hour=13, hours=1,
                  slugs=ALL, status=status, location="Teams",
                  attendees=_people(("bjorkvik", "granas"), supplier_too=True)[:5],
                  agenda=[("Ärendelogg", "Öppna ärenden per kommun och prioritet.", "Tjänsteansvarig, Mellanskogs IT AB"),
                          ("Långa handläggningstider", "Ärenden äldre än 30 dagar.", "Tjänsteansvarig, Mellanskogs IT AB"),
                          ("Planerade driftstopp", "", "Säkerhetsansvarig, Mellanskogs IT AB")],
                  minutes=("Ärendeloggen gicks igenom. Antalet ärenden äldre än 30 dagar har minskat något men "
                           "handläggningstiden är fortsatt lång för behörighetsärenden."),
                  decisions=["Ärenden äldre än 30 dagar eskaleras till tjänsteansvarig."],
                  items=[("Redovisa orsaker till långa handläggningstider", "", None, day + datetime.timedelta(days=28)),
                         ("Rensa inaktuella ärenden i kommunens kö", "", "granas", day + datetime.timedelta(days=21))],
                  take=("granas",) if month % 2 else ())
    # Orders meetings for assignments outside the ordinary delivery.
    for day in (d(2026, 2, 19), d(2026, 5, 21), d(2026, 8, 20), d(2026, 11, 19)):
        m.meeting(kind=MeetingKind.ORDERS, title=f"UB-möte {day:%Y-%m-%d}", day=day, hour=10, hours=1,
                  slugs=("bjorkvik", "ekholma", "granas"), status=MeetingStatus.APPROVED, location="Teams",
                  attendees=_people(("bjorkvik", "ekholma"))[:4],
                  agenda=[("Uppföljning av pågående uppdragsbeställningar", "", "Tjänsteansvarig, Mellanskogs IT AB"),
                          ("Prioritering av nya beställningar", "", "Tjänsteansvarig, Mellanskogs IT AB")],
                  minutes="Pågående beställningar följdes upp. Två nya beställningar prioriterades.",
                  decisions=["Beställningen av ny lösning för säker filöverföring prioriteras."],
                  items=[("Offerera säker filöverföring", "", None, day + datetime.timedelta(days=30))])
    # CAB every other week; the latest one still lacks approved minutes.
    day = d(2026, 1, 7)
    while day < d(2026, 12, 31):
        past = day < d(2026, 11, 25)
        status = MeetingStatus.APPROVED if past else MeetingStatus.HELD if day <= d(2026, 12, 1) else MeetingStatus.PLANNED
        m.meeting(kind=MeetingKind.CAB, title=f"CAB-möte {day:%Y-%m-%d}", day=day, hour=9, hours=1, slugs=ALL,
                  status=status, location="Teams", attendees=_people(("ekholma",))[:3],
                  agenda=[("Ändringar för godkännande", "", "Säkerhetsansvarig, Mellanskogs IT AB"),
                          ("Genomförda ändringar och utfall", "", "Säkerhetsansvarig, Mellanskogs IT AB")],
                  minutes="Föreslagna ändringar gicks igenom och godkändes för genomförande i nästa servicefönster.",
                  decisions=["Ändringarna genomförs i servicefönstret kommande torsdag."], approve_after=2)
        day += datetime.timedelta(days=14)
