import datetime as dt

import pytest

from salesforcepy.fakeorg import ids, seed
from salesforcepy.fakeorg.schema import sql_ident
from salesforcepy.fakeorg.standard_objects import INDUSTRIES
from salesforcepy.fakeorg.store import Store

V = "58.0"


def dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, in id order."""
    tables = {}
    for obj in store.schema:
        rows = store.execute(f'SELECT * FROM {sql_ident(obj.name)} ORDER BY "Id"')  # noqa: S608
        tables[obj.name] = [tuple(r) for r in rows]
    return tables


def test_two_loads_give_identical_data(make_store):
    assert dump(make_store(demo=True)) == dump(make_store(demo=True))


def test_size(demo_store):
    counts = {
        name: demo_store.count(name)
        for name in ("Account", "Contact", "Opportunity", "Lead", "Case")
    }
    assert counts["Account"] == seed.ACCOUNT_COUNT
    assert counts["Contact"] >= 2 * seed.ACCOUNT_COUNT
    assert counts["Opportunity"] >= seed.ACCOUNT_COUNT
    assert counts["Lead"] == 200
    assert counts["Case"] == 250
    assert demo_store.count("User") >= 3
    assert demo_store.count("Product2") == 5
    assert demo_store.count("PricebookEntry") == 5
    assert demo_store.count("OpportunityLineItem") > 0


def test_every_industry_is_present(demo_store):
    rows = demo_store.execute('SELECT DISTINCT "Industry" FROM "Account"')
    assert {r[0] for r in rows} == set(INDUSTRIES)


def test_every_account_has_a_unique_external_id(demo_store):
    field = demo_store.object("Account").field("External_Id__c")
    assert (field.external_id, field.unique) == (True, True)
    rows = demo_store.execute('SELECT "External_Id__c" FROM "Account" ORDER BY "External_Id__c"')
    values = [r[0] for r in rows]
    assert None not in values
    assert len(set(values)) == seed.ACCOUNT_COUNT
    assert values[0] == "EXT-00001"
    [match] = demo_store.find_by_external_id("Account", "External_Id__c", "ext-00001")
    assert match == seed.WELL_KNOWN["account_update"]


def test_well_known_records(demo_store):
    for key, record_id in seed.WELL_KNOWN.items():
        assert ids.is_valid_id(record_id), key
        name = "Account" if key.startswith("account") else "User"
        assert demo_store.get(name, record_id, ["Id"], api_version=V)["Id"] == record_id
    account = demo_store.get("Account", seed.WELL_KNOWN["account_update"], ["Name"], api_version=V)
    assert account["Name"] == "SalesforcePy"


def test_stages_and_dates_are_varied(demo_store):
    stages = {r[0] for r in demo_store.execute('SELECT DISTINCT "StageName" FROM "Opportunity"')}
    assert {"Prospecting", "Closed Won", "Closed Lost"} <= stages
    today = demo_store.now().date()
    month = today.strftime("%Y-%m")
    this_month = demo_store.execute(
        'SELECT COUNT(*) FROM "Opportunity" WHERE substr("CloseDate", 1, 7) = ?', (month,)
    )[0][0]
    assert this_month > 10
    future = demo_store.execute(
        'SELECT COUNT(*) FROM "Opportunity" WHERE "CloseDate" > ? AND "IsClosed" = 0',
        (today.isoformat(),),
    )[0][0]
    assert future > 10
    created = demo_store.execute('SELECT MIN("CreatedDate"), MAX("CreatedDate") FROM "Account"')[0]
    assert created[0] < created[1] <= demo_store.now().strftime("%Y-%m-%dT%H:%M:%S.999+0000")


def test_records_reference_live_parents(demo_store):
    orphans = demo_store.execute(
        'SELECT COUNT(*) FROM "Contact" c LEFT JOIN "Account" a ON a."Id" = c."AccountId" '
        'WHERE a."Id" IS NULL'
    )[0][0]
    assert orphans == 0
    assert demo_store.execute('SELECT COUNT(*) FROM "Case" WHERE "ContactId" IS NULL')[0][0] == 0


def test_loading_twice_is_a_no_op(make_store):
    store = make_store()
    assert seed.load_demo(store) is not None
    before = store.count("Account")
    assert seed.load_demo(store) is None
    assert store.count("Account") == before


def test_reopened_seeded_file_is_not_seeded_again(tmp_path):
    path = str(tmp_path / "demo.db")
    with Store(path) as first:
        seed.load_demo(first)
    with Store(path) as second:
        assert seed.load_demo(second) is None
        assert second.count("Account") == seed.ACCOUNT_COUNT


@pytest.mark.parametrize(
    "when",
    [
        dt.datetime(2024, 2, 29, 23, 59, tzinfo=dt.timezone.utc),
        dt.datetime(2023, 12, 31, 0, 0, tzinfo=dt.timezone.utc),
        dt.datetime(2025, 1, 1, 0, 0, tzinfo=dt.timezone.utc),
    ],
)
def test_seed_works_at_any_date(make_store, when):
    store = make_store(now=when, demo=True)
    month = when.strftime("%Y-%m")
    rows = store.execute(
        'SELECT COUNT(*) FROM "Opportunity" WHERE substr("CloseDate", 1, 7) = ?', (month,)
    )
    assert rows[0][0] > 0


def test_extra_steps_run_after_the_standard_ones(make_store):
    seen = {}

    def step(ctx: seed.DemoContext) -> None:
        seen["accounts"] = len(ctx.ids["Account"])
        ctx.create("Account", {"Name": "Extra", "External_Id__c": "EXTRA-1"})

    store = make_store()
    ctx = seed.load_demo(store, extra_steps=[step])
    assert seen["accounts"] == seed.ACCOUNT_COUNT
    [extra] = store.find_by_external_id("Account", "External_Id__c", "EXTRA-1")
    assert ctx.ids["Account"][-1] == extra
