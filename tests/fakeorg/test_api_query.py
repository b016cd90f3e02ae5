"""Query, queryAll and search over a real socket: paging with cursors, errors, SOSL wrappers."""

from __future__ import annotations

import pytest

from salesforcepy.fakeorg import FakeOrg
from salesforcepy.fakeorg.api import query as query_module

pytestmark = pytest.mark.integration

PAGED = 5000


def seed_paging(store) -> None:
    with store.transaction():
        for i in range(PAGED):
            store.create("Lead", {"LastName": f"Pager {i:05d}", "Company": f"Paging Co {i % 7}"})


@pytest.fixture(scope="module")
def org():
    """This module's own org: 5,000 leads to page through."""
    with FakeOrg(seed=seed_paging) as running:
        yield running


# ---- paging --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("batch", "pages"), [(200, 25), (2000, 3), (None, 3), (500, 10)])
def test_paging_returns_every_record_exactly_once(rest, batch, pages):
    headers = {"Sforce-Query-Options": f"batchSize={batch}"} if batch else {}
    records, bodies = rest.query_all_pages(
        "SELECT Id, LastName FROM Lead ORDER BY LastName", headers=headers
    )
    assert len(bodies) == pages
    assert len(records) == PAGED
    assert len({r["Id"] for r in records}) == PAGED
    assert [r["LastName"] for r in records] == [f"Pager {i:05d}" for i in range(PAGED)]
    assert all(body["totalSize"] == PAGED for body in bodies)
    size = batch or 2000
    assert [len(b["records"]) for b in bodies[:-1]] == [size] * (pages - 1)
    assert [b["done"] for b in bodies] == [False] * (pages - 1) + [True]
    assert "nextRecordsUrl" not in bodies[-1]


def test_next_records_url_shape(rest):
    body = rest.get(
        "/query",
        params={"q": "SELECT Id FROM Lead"},
        headers={"Sforce-Query-Options": "batchSize=200"},
    ).json()
    assert list(body) == ["totalSize", "done", "nextRecordsUrl", "records"]
    assert body["nextRecordsUrl"].startswith("/services/data/v58.0/query/01g")
    locator = body["nextRecordsUrl"].rsplit("/", 1)[1]
    cursor, offset = locator.split("-")
    assert len(cursor) == 18
    assert offset == "200"
    second = rest.get(body["nextRecordsUrl"]).json()
    assert second["nextRecordsUrl"].endswith(f"/query/{cursor}-400")


@pytest.mark.parametrize(("asked", "got"), [(50, 200), (5000, 2000), (1234, 1234)])
def test_batch_size_is_clamped(rest, asked, got):
    body = rest.get(
        "/query",
        params={"q": "SELECT Id FROM Lead"},
        headers={"Sforce-Query-Options": f"batchSize={asked}"},
    ).json()
    assert len(body["records"]) == got


def test_batch_size_header_on_query_more_changes_the_page(rest):
    first = rest.get(
        "/query",
        params={"q": "SELECT Id FROM Lead"},
        headers={"Sforce-Query-Options": "batchSize=200"},
    ).json()
    more = rest.get(
        first["nextRecordsUrl"], headers={"Sforce-Query-Options": "batchSize=300"}
    ).json()
    assert len(more["records"]) == 300
    same = rest.get(first["nextRecordsUrl"]).json()
    assert len(same["records"]) == 200


def test_a_page_can_be_read_again(rest):
    first = rest.get(
        "/query",
        params={"q": "SELECT Id FROM Lead ORDER BY Id"},
        headers={"Sforce-Query-Options": "batchSize=200"},
    ).json()
    again_1 = rest.get(first["nextRecordsUrl"]).json()
    again_2 = rest.get(first["nextRecordsUrl"]).json()
    assert again_1 == again_2


def test_query_all_locator_route(rest):
    first = rest.get(
        "/queryAll",
        params={"q": "SELECT Id FROM Lead"},
        headers={"Sforce-Query-Options": "batchSize=1000"},
    ).json()
    assert "/query/" in first["nextRecordsUrl"]
    locator = first["nextRecordsUrl"].rsplit("/", 1)[1]
    via_query_all = rest.get(f"/queryAll/{locator}")
    assert via_query_all.status_code == 200
    assert via_query_all.json() == rest.get(first["nextRecordsUrl"]).json()


@pytest.mark.parametrize(
    "locator", ["01g5g0000000000AAA-200", "junk", "01g5g0000000000AAA", "01g5g0000000000AAA-x"]
)
def test_unknown_locator(rest, locator):
    response = rest.get(f"/query/{locator}")
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_locator_offset_past_the_end(rest):
    first = rest.get(
        "/query",
        params={"q": "SELECT Id FROM Lead"},
        headers={"Sforce-Query-Options": "batchSize=200"},
    ).json()
    cursor = first["nextRecordsUrl"].rsplit("/", 1)[1].split("-")[0]
    assert (
        rest.get(f"/query/{cursor}-{PAGED + 1}").json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"
    )
    last = rest.get(f"/query/{cursor}-{PAGED - 1}").json()
    assert last["done"] is True
    assert len(last["records"]) == 1


def test_expired_cursor(rest, monkeypatch):
    first = rest.get(
        "/query",
        params={"q": "SELECT Id FROM Lead"},
        headers={"Sforce-Query-Options": "batchSize=200"},
    ).json()
    monkeypatch.setattr(query_module, "CURSOR_TTL", -1.0)
    response = rest.get(first["nextRecordsUrl"])
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_child_rows_count_towards_the_batch(rest, org):
    store = org.store
    account_ids = []
    with store.transaction():
        for i in range(3):
            account_id = store.create("Account", {"Name": f"Parent {i}"})
            account_ids.append(account_id)
            for j in range(150):
                store.create("Contact", {"LastName": f"Child {i}-{j}", "AccountId": account_id})
    soql = (
        "SELECT Name, (SELECT LastName FROM Contacts) FROM Account "
        "WHERE Name LIKE 'Parent %' ORDER BY Name"
    )
    records, bodies = rest.query_all_pages(soql, headers={"Sforce-Query-Options": "batchSize=200"})
    # 151 rows per account: one account per page fits a 200-row batch, two do not.
    assert [len(b["records"]) for b in bodies] == [1, 1, 1]
    assert [r["Name"] for r in records] == ["Parent 0", "Parent 1", "Parent 2"]
    assert all(r["Contacts"]["totalSize"] == 150 for r in records)


# ---- small results, errors, queryAll -------------------------------------------------------------


def test_small_result_is_one_page(rest):
    response = rest.get(
        "/query/", params={"q": "SELECT Id, LastName FROM Lead WHERE LastName = 'Pager 00042'"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["totalSize"] == 1
    assert body["done"] is True
    assert "nextRecordsUrl" not in body
    record = body["records"][0]
    assert record["attributes"]["type"] == "Lead"
    assert record["attributes"]["url"] == f"/services/data/v58.0/sobjects/Lead/{record['Id']}"


def test_count_query(rest):
    body = rest.get(
        "/query", params={"q": "SELECT COUNT() FROM Lead WHERE LastName LIKE 'Pager%'"}
    ).json()
    assert body == {"totalSize": PAGED, "done": True, "records": []}


def test_query_version_in_urls(rest):
    body = rest.get(
        "/query",
        params={"q": "SELECT Id FROM Lead"},
        version="45.0",
        headers={"Sforce-Query-Options": "batchSize=200"},
    ).json()
    assert body["nextRecordsUrl"].startswith("/services/data/v45.0/query/")
    assert body["records"][0]["attributes"]["url"].startswith("/services/data/v45.0/sobjects/Lead/")


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "MALFORMED_QUERY"),
        ({"q": "  "}, "MALFORMED_QUERY"),
        ({"q": "SELEKT Id FROM Lead"}, "MALFORMED_QUERY"),
        ({"q": "SELECT Foo FROM Lead"}, "INVALID_FIELD"),
        ({"q": "SELECT Id FROM Nope"}, "INVALID_TYPE"),
    ],
)
def test_query_errors(rest, params, code):
    response = rest.get("/query", params=params)
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == code


def test_query_all_includes_deleted(rest):
    created = rest.post("/sobjects/Lead", json={"LastName": "Gone Soon", "Company": "Deleted Co"})
    lead_id = created.json()["id"]
    assert rest.delete(f"/sobjects/Lead/{lead_id}").status_code == 204
    soql = f"SELECT Id, IsDeleted FROM Lead WHERE Id = '{lead_id}'"  # noqa: S608 - an id we made
    assert rest.get("/query", params={"q": soql}).json()["totalSize"] == 0
    everything = rest.get("/queryAll", params={"q": soql}).json()
    assert everything["totalSize"] == 1
    assert everything["records"][0]["IsDeleted"] is True


def test_query_needs_a_session(rest):
    response = rest.get("/query", params={"q": "SELECT Id FROM Lead"}, auth=False)
    assert response.status_code == 401
    assert response.json()[0]["errorCode"] == "INVALID_SESSION_ID"


def test_query_more_after_session_expiry_is_401(rest, org):
    first = rest.get(
        "/query",
        params={"q": "SELECT Id FROM Lead"},
        headers={"Sforce-Query-Options": "batchSize=200"},
    ).json()
    org.expire_sessions()
    assert rest.get(first["nextRecordsUrl"]).status_code == 401
    rest.token = rest.login().json()["access_token"]
    # The cursor survives the session: a new session can continue it.
    assert rest.get(first["nextRecordsUrl"]).status_code == 200


# ---- search --------------------------------------------------------------------------------------


def test_search_wrapper_from_v36(rest):
    sosl = "FIND {Pager 00007} IN NAME FIELDS RETURNING Lead(Id, LastName)"
    new = rest.get("/search", params={"q": sosl}, version="36.0")
    assert new.status_code == 200
    records = new.json()["searchRecords"]
    assert [r["LastName"] for r in records] == ["Pager 00007"]
    assert records[0]["attributes"]["type"] == "Lead"


def test_search_bare_array_before_v36(rest):
    sosl = "FIND {Pager 00007} IN NAME FIELDS RETURNING Lead(Id, LastName)"
    old = rest.get("/search/", params={"q": sosl}, version="35.0")
    assert old.status_code == 200
    assert isinstance(old.json(), list)
    assert [r["LastName"] for r in old.json()] == ["Pager 00007"]


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "FIND nothing-in-braces"}])
def test_search_errors(rest, params):
    response = rest.get("/search", params=params)
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "MALFORMED_SEARCH"
