"""The ``demo`` dataset: a realistic, deterministic small org for the demo, tests and benchmarks.

``load_demo(store)`` adds two users, 300 accounts across every industry (each with
``Account.External_Id__c`` = ``EXT-00001``...), their contacts, opportunities (all stages, amounts,
close dates around today), leads, cases, tasks, campaigns with members, five products in the
standard price book and some opportunity line items.

Determinism: every choice comes from ``random.Random`` with a fixed seed, and every date is an
offset from the store clock's current date (so ``THIS_MONTH`` or ``LAST_N_DAYS:30`` always match
rows). With the same clock, two loads produce identical records, ids included.

The records the SalesforcePy usage examples (seed 001) name by id exist with exactly those ids:
accounts ``0010Y0000055YG7QAM``, ``0010Y0000056ljcQAA``, ``00161000011ueBVAAY`` and users
``00561000000j3h2AAA``, ``005610000027SlYAAU`` (see ``WELL_KNOWN``).

For the other API families the seed adds the approval processes ``test_account`` (Account, the
usage examples' process) and ``large_opportunity`` (Opportunity, two steps), the Apex classes
``EchoResource`` and ``AccountService``, the CRM Analytics dataset ``opportunities`` under the ids
the usage examples' SAQL loads (``WAVE_OPPORTUNITIES``), a few Chatter posts (one mentioning the
approver) and the Einstein prompt template ``Account_Summary``.

Extending: a step is a function ``step(ctx: DemoContext) -> None``; ``DEMO_STEPS`` lists them in
order and ``load_demo`` runs them inside one transaction. Later steps find earlier records in
``ctx.ids`` (lists of ids per kind, e.g. ``ctx.ids["Account"]``). Add a step by appending to
``DEMO_STEPS`` (or pass ``extra_steps``): appending keeps every earlier record, id and value as it
was, because the earlier steps consume the random source in the same order.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from . import ids
from .schema import FieldDef, format_datetime
from .standard_objects import (
    ACCOUNT_TYPES,
    CASE_ORIGINS,
    CASE_PRIORITIES,
    CASE_REASONS,
    CASE_TYPES,
    INDUSTRIES,
    LEAD_SOURCES,
    OPPORTUNITY_STAGES,
    OPPORTUNITY_TYPES,
)

if TYPE_CHECKING:
    from .store import Store

SEED = 20240515
ACCOUNT_COUNT = 300
_LOADED_KEY = "demo_seed_loaded"

# Ids that the SalesforcePy usage examples use verbatim.
WELL_KNOWN = {
    "account_update": ids.to18("0010Y0000055YG7"),
    "account_query": ids.to18("0010Y0000056ljc"),
    "account_approval": ids.to18("00161000011ueBV"),
    "user_approver": ids.to18("00561000000j3h2"),
    "user_submitter": ids.to18("005610000027SlY"),
}

_FIRST_NAMES = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Steven",
    "Ashley",
    "Paul",
    "Kimberly",
    "Andrew",
    "Emily",
    "Joshua",
    "Donna",
    "Kenneth",
    "Michelle",
    "Kevin",
    "Carol",
    "Brian",
    "Amanda",
    "George",
    "Melissa",
    "Timothy",
    "Deborah",
    "Ronald",
    "Stephanie",
    "Jason",
    "Rebecca",
    "Aisha",
    "Wei",
    "Priya",
    "Mateo",
    "Sofia",
    "Yuki",
    "Omar",
    "Ingrid",
    "Lars",
    "Chiara",
    "Tomasz",
    "Amara",
    "Kenji",
    "Leila",
    "Diego",
]
_LAST_NAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Okafor",
    "Tanaka",
    "Schmidt",
    "Rossi",
    "Kowalski",
    "Larsen",
    "Haddad",
    "Chen",
    "Patel",
    "Novak",
    "O'Brien",
    "Dubois",
    "Silva",
    "Yamamoto",
]
_NAME_WORDS = [
    "Blue",
    "Harbor",
    "Summit",
    "Pioneer",
    "Granite",
    "Silver",
    "Maple",
    "Northwind",
    "Evergreen",
    "Redwood",
    "Atlas",
    "Beacon",
    "Cascade",
    "Crescent",
    "Falcon",
    "Horizon",
    "Ironwood",
    "Juniper",
    "Keystone",
    "Lakeside",
    "Meridian",
    "Nova",
    "Orchid",
    "Pinnacle",
    "Quantum",
    "Riverbend",
    "Sterling",
    "Tidewater",
    "Unity",
    "Vertex",
    "Willow",
    "Zenith",
    "Aurora",
    "Bayview",
    "Cobalt",
    "Driftwood",
    "Emerald",
    "Foxglove",
    "Golden",
    "Highland",
    "Indigo",
    "Jade",
    "Kestrel",
    "Lumen",
    "Monarch",
]
_INDUSTRY_WORDS = {
    "Agriculture": ["Farms", "Agri Co-op", "Growers"],
    "Apparel": ["Apparel", "Outfitters", "Textiles"],
    "Banking": ["Bank", "Savings & Loan", "Financial Trust"],
    "Biotechnology": ["Biosciences", "Genomics", "Therapeutics"],
    "Chemicals": ["Chemicals", "Polymers", "Materials"],
    "Communications": ["Communications", "Media Networks", "Broadcasting"],
    "Construction": ["Builders", "Construction", "Contractors"],
    "Consulting": ["Consulting", "Advisors", "Partners"],
    "Education": ["Academy", "Learning", "Institute"],
    "Electronics": ["Electronics", "Devices", "Circuits"],
    "Energy": ["Energy", "Power", "Renewables"],
    "Engineering": ["Engineering", "Design Works", "Systems"],
    "Entertainment": ["Studios", "Entertainment", "Productions"],
    "Environmental": ["Environmental", "Clean Water", "Recycling"],
    "Finance": ["Capital", "Investments", "Asset Management"],
    "Food & Beverage": ["Foods", "Beverages", "Bakery"],
    "Government": ["County Services", "Municipal Authority", "Public Works"],
    "Healthcare": ["Health", "Medical Group", "Clinics"],
    "Hospitality": ["Hotels", "Resorts", "Hospitality"],
    "Insurance": ["Insurance", "Assurance", "Mutual"],
    "Machinery": ["Machinery", "Equipment", "Tools"],
    "Manufacturing": ["Manufacturing", "Industries", "Fabrication"],
    "Media": ["Media", "Publishing", "Press"],
    "Not For Profit": ["Foundation", "Charities", "Relief Fund"],
    "Other": ["Holdings", "Group", "Enterprises"],
    "Recreation": ["Outdoors", "Sports", "Adventures"],
    "Retail": ["Stores", "Market", "Retail"],
    "Shipping": ["Shipping", "Freight", "Logistics"],
    "Technology": ["Software", "Technologies", "Labs"],
    "Telecommunications": ["Telecom", "Wireless", "Networks"],
    "Transportation": ["Transit", "Transport", "Motors"],
    "Utilities": ["Utilities", "Water & Power", "Gas"],
}
_CITIES = [
    ("San Francisco", "CA", "94105", "United States"),
    ("New York", "NY", "10001", "United States"),
    ("Chicago", "IL", "60601", "United States"),
    ("Austin", "TX", "73301", "United States"),
    ("Seattle", "WA", "98101", "United States"),
    ("Boston", "MA", "02108", "United States"),
    ("Denver", "CO", "80202", "United States"),
    ("Atlanta", "GA", "30303", "United States"),
    ("Toronto", "ON", "M5H 2N2", "Canada"),
    ("London", None, "EC1A 1BB", "United Kingdom"),
    ("Paris", None, "75001", "France"),
    ("Berlin", None, "10115", "Germany"),
    ("Amsterdam", None, "1012 JS", "Netherlands"),
    ("Sydney", "NSW", "2000", "Australia"),
    ("Tokyo", None, "100-0001", "Japan"),
    ("Singapore", None, "018956", "Singapore"),
]
_STREETS = ["Main St", "Market St", "Oak Ave", "Pine St", "Harbor Blvd", "Mission St", "1st Ave"]
_TITLES = [
    "CEO",
    "CFO",
    "CTO",
    "VP Sales",
    "VP Marketing",
    "Director of Operations",
    "IT Manager",
    "Procurement Manager",
    "Account Manager",
    "Engineer",
    "Analyst",
    "Office Manager",
]
_DEPARTMENTS = ["Executive", "Finance", "IT", "Sales", "Marketing", "Operations", "Procurement"]
_CASE_SUBJECTS = [
    "Cannot log in to the portal",
    "Invoice shows the wrong amount",
    "Shipment arrived damaged",
    "Request for a product demo",
    "Integration returns error 500",
    "Need to change billing address",
    "Performance is degraded since the upgrade",
    "Question about contract renewal",
    "Device does not power on",
    "Password reset e-mail never arrives",
]
_PRODUCTS = [
    ("GenWatt Diesel 10kW", "GC1020", "Hardware", 5000.0),
    ("GenWatt Gasoline 300kW", "GC5020", "Hardware", 35000.0),
    ("Installation: Industrial - Medium", "IN7040", "Services", 4000.0),
    ("SLA: Gold", "SL9040", "Services", 1200.0),
    ("Monitoring Software License", "SW1100", "Software", 800.0),
]


@attrs.define
class DemoContext:
    """What the demo steps share: the store, the random source, dates and the ids made so far."""

    store: Store
    rng: random.Random
    today: dt.date
    now: dt.datetime
    ids: dict[str, list[str]] = attrs.field(factory=dict)

    def add(self, kind: str, record_id: str) -> str:
        self.ids.setdefault(kind, []).append(record_id)
        return record_id

    def stamp(self, days_ago: float) -> str:
        """A datetime ``days_ago`` before now, in storage format (for CreatedDate and friends)."""
        return format_datetime(self.now - dt.timedelta(days=days_ago))

    def create(
        self,
        kind: str,
        fields: dict[str, Any],
        *,
        days_ago: float | None = None,
        record_id: str | None = None,
        user_id: str | None = None,
    ) -> str:
        """Create a record (audit dates ``days_ago`` in the past) and remember its id."""
        body = {k: v for k, v in fields.items() if v is not None}
        if days_ago is not None:
            when = self.stamp(days_ago)
            body.update(CreatedDate=when, LastModifiedDate=when, SystemModstamp=when)
        made = self.store.create_system(kind, body, record_id=record_id, user_id=user_id)
        return self.add(kind, made)


Step = Callable[[DemoContext], None]


def _users(ctx: DemoContext) -> None:
    store = ctx.store
    ctx.add("User", store.admin_user_id)
    profiles = {r[1]: r[0] for r in store.execute('SELECT "Id", "Name" FROM "Profile"')}
    people = [
        ("sales@fakeorg.test", "Sam", "Sales", "Standard User", "Account Executive", None),
        ("support@fakeorg.test", "Casey", "Support", "Standard User", "Support Agent", None),
        (
            "approver@fakeorg.test",
            "Avery",
            "Approver",
            "System Administrator",
            "Sales Director",
            WELL_KNOWN["user_approver"],
        ),
        (
            "submitter@fakeorg.test",
            "Sydney",
            "Submitter",
            "Standard User",
            "Sales Representative",
            WELL_KNOWN["user_submitter"],
        ),
    ]
    for username, first, last, profile, title, fixed in people:
        ctx.create(
            "User",
            {
                "Username": username,
                "FirstName": first,
                "LastName": last,
                "Email": username,
                "Alias": (first[0] + last)[:8].lower(),
                "Title": title,
                "CompanyName": "Fake Org",
                "TimeZoneSidKey": "America/Los_Angeles",
                "LocaleSidKey": "en_US",
                "EmailEncodingKey": "UTF-8",
                "LanguageLocaleKey": "en_US",
                "ProfileId": profiles[profile],
            },
            days_ago=400,
            record_id=fixed,
        )


def _ensure_external_id(store: Store) -> None:
    if store.object("Account").field("External_Id__c") is None:
        store.define_field(
            "Account",
            FieldDef(
                "External_Id__c",
                "string",
                label="External Id",
                length=40,
                external_id=True,
                unique=True,
            ),
        )


def _account_names(rng: random.Random, industries: Sequence[str]) -> list[str]:
    names: list[str] = []
    taken: set[str] = set()
    for industry in industries:
        while True:
            name = f"{rng.choice(_NAME_WORDS)} {rng.choice(_INDUSTRY_WORDS[industry])}"
            if name not in taken:
                break
        taken.add(name)
        names.append(name)
    return names


def _accounts(ctx: DemoContext) -> None:
    rng, store = ctx.rng, ctx.store
    _ensure_external_id(store)
    # Every industry at least a few times, then random ones; the shuffle keeps them mixed.
    industries = list(INDUSTRIES) * 3
    industries += [rng.choice(INDUSTRIES) for _ in range(ACCOUNT_COUNT - len(industries))]
    rng.shuffle(industries)
    names = _account_names(rng, industries)
    names[:3] = ["SalesforcePy", "SalesforcePy Test Account", "Approval Test Account"]
    fixed = [
        WELL_KNOWN["account_update"],
        WELL_KNOWN["account_query"],
        WELL_KNOWN["account_approval"],
    ]
    owners = ctx.ids["User"][:3]
    for n, (industry, name) in enumerate(zip(industries, names)):
        city, state, postal, country = rng.choice(_CITIES)
        employees = int(rng.lognormvariate(5, 1.6)) + 1
        parent = None
        if n > 20 and rng.random() < 0.1:
            parent = rng.choice(ctx.ids["Account"][3:20])
        slug = "".join(c for c in name.lower() if c.isalnum())[:20]
        ctx.create(
            "Account",
            {
                "Name": name,
                "External_Id__c": f"EXT-{n + 1:05d}",
                "AccountNumber": f"CD{rng.randrange(100000, 999999)}",
                "Industry": industry,
                "Type": rng.choices(ACCOUNT_TYPES, [4, 6, 3, 2, 1, 2, 1])[0],
                "Rating": rng.choice(["Hot", "Warm", "Warm", "Cold"]),
                "AnnualRevenue": float(employees * rng.randrange(80, 400) * 1000),
                "NumberOfEmployees": employees,
                "Ownership": rng.choice(["Public", "Private", "Private", "Subsidiary"]),
                "Phone": f"({rng.randrange(200, 999)}) 555-{rng.randrange(1000, 9999)}",
                "Website": f"www.{slug}.example.com",
                "BillingStreet": f"{rng.randrange(1, 9999)} {rng.choice(_STREETS)}",
                "BillingCity": city,
                "BillingState": state,
                "BillingPostalCode": postal,
                "BillingCountry": country,
                "ShippingCity": city,
                "ShippingCountry": country,
                "AccountSource": rng.choice(LEAD_SOURCES),
                "Description": f"{name} is a {industry.lower()} company based in {city}.",
                "ParentId": parent,
                "OwnerId": rng.choice(owners),
            },
            days_ago=rng.uniform(30, 720),
            record_id=fixed[n] if n < len(fixed) else None,
        )


def _contacts(ctx: DemoContext) -> None:
    rng = ctx.rng
    for account in ctx.ids["Account"]:
        row = ctx.store.read_row("Account", account)
        assert row is not None
        domain = str(row["Website"]).removeprefix("www.")
        for _ in range(rng.choice([1, 2, 2, 3, 3, 4])):
            first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
            local = f"{first}.{last}".lower().replace("'", "")
            ctx.create(
                "Contact",
                {
                    "AccountId": account,
                    "FirstName": first,
                    "LastName": last,
                    "Salutation": rng.choice(["Mr.", "Ms.", "Mrs.", "Dr.", None]),
                    "Title": rng.choice(_TITLES),
                    "Department": rng.choice(_DEPARTMENTS),
                    "Email": f"{local}@{domain}",
                    "Phone": row["Phone"],
                    "MobilePhone": f"({rng.randrange(200, 999)}) 555-{rng.randrange(1000, 9999)}",
                    "MailingCity": row["BillingCity"],
                    "MailingCountry": row["BillingCountry"],
                    "LeadSource": rng.choice(LEAD_SOURCES),
                    "Birthdate": (
                        ctx.today - dt.timedelta(days=rng.randrange(25 * 365, 65 * 365))
                    ).isoformat(),
                    "OwnerId": row["OwnerId"],
                },
                days_ago=rng.uniform(1, 365),
            )


def _close_date(ctx: DemoContext, closed: bool) -> dt.date:
    rng = ctx.rng
    if rng.random() < 0.2:
        # Some in the current month, whatever the clock says, for THIS_MONTH queries.
        first = ctx.today.replace(day=1)
        next_month = (first + dt.timedelta(days=32)).replace(day=1)
        return first + dt.timedelta(days=rng.randrange((next_month - first).days))
    if closed:
        return ctx.today - dt.timedelta(days=rng.randrange(1, 365))
    return ctx.today + dt.timedelta(days=rng.randrange(1, 270))


def _opportunities(ctx: DemoContext) -> None:
    rng = ctx.rng
    stages = [s[0] for s in OPPORTUNITY_STAGES]
    weights = [10, 9, 8, 7, 6, 5, 5, 4, 14, 8]
    products = ["Generators", "Installation", "SLA", "Monitoring", "Upgrade", "Expansion"]
    for account in ctx.ids["Account"]:
        row = ctx.store.read_row("Account", account)
        assert row is not None
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            stage = rng.choices(stages, weights)[0]
            closed = stage.startswith("Closed")
            ctx.create(
                "Opportunity",
                {
                    "AccountId": account,
                    "Name": f"{row['Name']} - {rng.choice(products)}",
                    "StageName": stage,
                    "Amount": float(rng.randrange(5, 500) * 1000),
                    "CloseDate": _close_date(ctx, closed).isoformat(),
                    "Type": rng.choice(OPPORTUNITY_TYPES),
                    "LeadSource": rng.choice(LEAD_SOURCES),
                    "NextStep": None if closed else rng.choice(["Demo", "Send proposal", "Call"]),
                    "OwnerId": row["OwnerId"],
                },
                days_ago=rng.uniform(1, 300),
            )


def _products(ctx: DemoContext) -> None:
    store = ctx.store
    for name, code, family, price in _PRODUCTS:
        product = ctx.create(
            "Product2",
            {"Name": name, "ProductCode": code, "Family": family, "IsActive": True},
            days_ago=500,
        )
        ctx.create(
            "PricebookEntry",
            {
                "Pricebook2Id": store.standard_pricebook_id,
                "Product2Id": product,
                "UnitPrice": price,
                "IsActive": True,
            },
            days_ago=500,
        )
    # Line items on a sample of won deals: their Amount becomes the sum of the items.
    won = [
        r[0]
        for r in store.execute(
            'SELECT "Id" FROM "Opportunity" WHERE "StageName" = ? ORDER BY "Id"', ("Closed Won",)
        )
    ]
    for opportunity in won[::3]:
        store.update_system(
            "Opportunity", opportunity, {"Pricebook2Id": store.standard_pricebook_id}
        )
        for entry in ctx.rng.sample(ctx.ids["PricebookEntry"], ctx.rng.choice([1, 2])):
            entry_row = store.read_row("PricebookEntry", entry)
            assert entry_row is not None
            ctx.create(
                "OpportunityLineItem",
                {
                    "OpportunityId": opportunity,
                    "PricebookEntryId": entry,
                    "Quantity": float(ctx.rng.randrange(1, 10)),
                    "UnitPrice": entry_row["UnitPrice"],
                },
            )


def _leads(ctx: DemoContext) -> None:
    rng = ctx.rng
    statuses = ["Open - Not Contacted", "Working - Contacted", "Closed - Not Converted"]
    for _ in range(200):
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        industry = rng.choice(INDUSTRIES)
        company = f"{rng.choice(_NAME_WORDS)} {rng.choice(_INDUSTRY_WORDS[industry])}"
        city, state, postal, country = rng.choice(_CITIES)
        slug = "".join(c for c in company.lower() if c.isalnum())[:20]
        ctx.create(
            "Lead",
            {
                "FirstName": first,
                "LastName": last,
                "Company": company,
                "Title": rng.choice(_TITLES),
                "Email": f"{first[0]}{last}@{slug}.example.com".lower().replace("'", ""),
                "Phone": f"({rng.randrange(200, 999)}) 555-{rng.randrange(1000, 9999)}",
                "Status": rng.choices(statuses, [5, 3, 2])[0],
                "LeadSource": rng.choice(LEAD_SOURCES),
                "Industry": industry,
                "Rating": rng.choice(["Hot", "Warm", "Cold", None]),
                "City": city,
                "State": state,
                "PostalCode": postal,
                "Country": country,
                "AnnualRevenue": float(rng.randrange(1, 500) * 100000),
                "NumberOfEmployees": rng.randrange(5, 5000),
                "OwnerId": rng.choice(ctx.ids["User"][:2]),
            },
            days_ago=rng.uniform(0, 180),
        )


def _cases(ctx: DemoContext) -> None:
    rng, store = ctx.rng, ctx.store
    contacts = store.execute(
        'SELECT "Id", "AccountId" FROM "Contact" WHERE "IsDeleted" = 0 ORDER BY "Id"'
    )
    support = ctx.ids["User"][2]
    for contact, account in rng.sample(contacts, 250):
        status = rng.choices(["New", "Working", "Escalated", "Closed"], [3, 3, 1, 5])[0]
        ctx.create(
            "Case",
            {
                "ContactId": contact,
                "AccountId": account,
                "Subject": rng.choice(_CASE_SUBJECTS),
                "Description": "Reported by the customer; see the case history for details.",
                "Status": status,
                "Origin": rng.choice(CASE_ORIGINS),
                "Priority": rng.choices(CASE_PRIORITIES, [1, 3, 2])[0],
                "Type": rng.choice(CASE_TYPES),
                "Reason": rng.choice(CASE_REASONS),
                "IsEscalated": status == "Escalated",
                "OwnerId": support,
            },
            days_ago=rng.uniform(0, 120),
        )


def _activities(ctx: DemoContext) -> None:
    rng, store = ctx.rng, ctx.store
    opportunities = store.execute(
        'SELECT "Id", "AccountId", "OwnerId", "IsClosed" FROM "Opportunity" ORDER BY "Id"'
    )
    for opportunity, account, owner, closed in opportunities[::2]:
        contacts = ctx.store.execute(
            'SELECT "Id" FROM "Contact" WHERE "AccountId" = ? ORDER BY "Id" LIMIT 1', (account,)
        )
        due = ctx.today + dt.timedelta(days=rng.randrange(-30, 30))
        ctx.create(
            "Task",
            {
                "Subject": rng.choice(["Call", "Send Quote", "Send Letter", "Other"]),
                "WhatId": opportunity,
                "WhoId": contacts[0][0] if contacts else None,
                "ActivityDate": due.isoformat(),
                "Status": "Completed" if closed or due < ctx.today else "Not Started",
                "Priority": rng.choice(["High", "Normal", "Normal", "Low"]),
                "OwnerId": owner,
            },
            days_ago=rng.uniform(0, 60),
        )
    for account in ctx.ids["Account"][:40]:
        start = ctx.now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(
            days=rng.randrange(-20, 20), hours=rng.randrange(-4, 4)
        )
        ctx.create(
            "Event",
            {
                "Subject": "Meeting",
                "WhatId": account,
                "StartDateTime": format_datetime(start),
                "DurationInMinutes": rng.choice([30, 60, 90]),
                "Location": "Video call",
            },
            days_ago=rng.uniform(20, 40),
        )


def _campaigns(ctx: DemoContext) -> None:
    rng, store = ctx.rng, ctx.store
    specs = [
        ("Spring Webinar Series", "Webinar", "Completed", -90, -60),
        ("Annual User Conference", "Conference", "In Progress", -10, 20),
        ("Q3 Direct Mail", "Direct Mail", "Planned", 30, 90),
    ]
    for name, kind, status, start, end in specs:
        campaign = ctx.create(
            "Campaign",
            {
                "Name": name,
                "Type": kind,
                "Status": status,
                "IsActive": status != "Completed",
                "StartDate": (ctx.today + dt.timedelta(days=start)).isoformat(),
                "EndDate": (ctx.today + dt.timedelta(days=end)).isoformat(),
                "BudgetedCost": float(rng.randrange(10, 100) * 1000),
                "ExpectedRevenue": float(rng.randrange(100, 900) * 1000),
            },
            days_ago=120,
        )
        leads = rng.sample(ctx.ids["Lead"], 15)
        for lead in leads:
            ctx.create(
                "CampaignMember",
                {
                    "CampaignId": campaign,
                    "LeadId": lead,
                    "Status": rng.choice(["Sent", "Sent", "Responded"]),
                },
            )
        store.update_system("Campaign", campaign, {"NumberOfLeads": len(leads)})


# The CRM Analytics dataset/version pair that the usage examples' SAQL query loads verbatim.
WAVE_OPPORTUNITIES = ("0Fb0N000000XuvBSAS", "0Fc0N000001M5BMSA0")

_ECHO_CLASS = """@RestResource(urlMapping='/Echo/*')
global with sharing class EchoResource {
    // Answers every method with what it was sent.
    private static Map<String, Object> echo() {
        RestRequest req = RestContext.request;
        String body = req.requestBody == null ? null : req.requestBody.toString();
        return new Map<String, Object>{
            'method' => req.httpMethod,
            'path' => req.requestURI,
            'params' => req.params,
            'body' => String.isBlank(body) ? null : JSON.deserializeUntyped(body)
        };
    }
    @HttpGet global static Map<String, Object> doGet() { return echo(); }
    @HttpPost global static Map<String, Object> doPost() { return echo(); }
    @HttpPut global static Map<String, Object> doPut() { return echo(); }
    @HttpPatch global static Map<String, Object> doPatch() { return echo(); }
    @HttpDelete global static Map<String, Object> doDelete() { return echo(); }
}
"""
_ACCOUNT_SERVICE_CLASS = """public with sharing class AccountService {
    public static List<Account> byIndustry(String industry) {
        return [SELECT Id, Name FROM Account WHERE Industry = :industry ORDER BY Name];
    }
}
"""


def _approval_processes(ctx: DemoContext) -> None:
    from .approvals import ApprovalProcess, define_process

    approver = WELL_KNOWN["user_approver"]
    define_process(
        ctx.store,
        ApprovalProcess(
            "test_account",
            "Account",
            label="Test Account Approval",
            description="Account approval used by the SalesforcePy usage examples.",
            approvers=(approver,),
        ),
    )
    define_process(
        ctx.store,
        ApprovalProcess(
            "large_opportunity",
            "Opportunity",
            label="Opportunity Discount Approval",
            description="Two approvals for deals in negotiation.",
            approvers=(approver,),
            entry_criteria={"StageName": "Negotiation/Review"},
            steps=2,
        ),
    )


def _apex_classes(ctx: DemoContext) -> None:
    for name, body in (("EchoResource", _ECHO_CLASS), ("AccountService", _ACCOUNT_SERVICE_CLASS)):
        ctx.create(
            "ApexClass",
            {
                "Name": name,
                "ApiVersion": 58.0,
                "Status": "Active",
                "IsValid": True,
                "Body": body,
                "LengthWithoutComments": len(body),
                "BodyCrc": float(sum(body.encode()) % 2**32),
            },
            days_ago=200,
        )


def _wave_datasets(ctx: DemoContext) -> None:
    from .api.wave import define_dataset
    from .wave import demo_datasets

    for definition in demo_datasets():
        if definition.name == "opportunities":
            dataset_id, version_id = WAVE_OPPORTUNITIES
            define_dataset(ctx.store, definition, dataset_id=dataset_id, version_id=version_id)
        else:
            define_dataset(ctx.store, definition)


def _chatter_posts(ctx: DemoContext) -> None:
    from .chatter import Chatter

    chatter = Chatter(ctx.store, "58.0")
    admin = ctx.store.admin_user_id
    approver, submitter = WELL_KNOWN["user_approver"], WELL_KNOWN["user_submitter"]
    account = WELL_KNOWN["account_approval"]
    welcome = ctx.create(
        "FeedItem",
        {"ParentId": admin, "Body": "Welcome to the fake org!"},
        days_ago=30,
        user_id=admin,
    )
    ctx.create(
        "FeedComment",
        {"FeedItemId": welcome, "CommentBody": "Glad to be here."},
        days_ago=29,
        user_id=submitter,
    )
    segments = [
        {"type": "Text", "text": "Submitted this account for approval, "},
        {"type": "Mention", "id": approver},
        {"type": "Text", "text": " please take a look. "},
        {"type": "Hashtag", "tag": "approvals"},
    ]
    mention = ctx.create(
        "FeedItem",
        {"ParentId": account, "Body": chatter.plain_text(segments)},
        days_ago=2,
        user_id=submitter,
    )
    chatter.keep_segments(mention, segments)
    ctx.create(
        "FeedItem",
        {"ParentId": account, "Body": "Kick-off call went well."},
        days_ago=1,
        user_id=admin,
    )


def _prompt_templates(ctx: DemoContext) -> None:
    from .api.einstein import define_prompt_template

    define_prompt_template(
        ctx.store,
        "Account_Summary",
        "Summarize the account {!$Input:Account.Name} ({!$Input:Account.Industry}) "
        "for a sales rep in two sentences.",
    )


DEMO_STEPS: list[Step] = [
    _users,
    _accounts,
    _contacts,
    _opportunities,
    _products,
    _leads,
    _cases,
    _activities,
    _campaigns,
    _approval_processes,
    _apex_classes,
    _wave_datasets,
    _chatter_posts,
    _prompt_templates,
]


def load_demo(store: Store, *, extra_steps: Iterable[Step] = ()) -> DemoContext | None:
    """Fill ``store`` with the demo dataset (in one transaction); returns the context with the ids.

    A store that already holds the demo data (a reopened file database) is left alone and None is
    returned.
    """
    rows = store.execute("SELECT value FROM _fakeorg_settings WHERE key = ?", (_LOADED_KEY,))
    if rows:
        return None
    now = store.now()
    ctx = DemoContext(store=store, rng=random.Random(SEED), today=now.date(), now=now)
    with store.transaction():
        for step in [*DEMO_STEPS, *extra_steps]:
            step(ctx)
        store.execute(
            "INSERT OR REPLACE INTO _fakeorg_settings (key, value) VALUES (?, ?)",
            (_LOADED_KEY, format_datetime(now)),
        )
    return ctx
