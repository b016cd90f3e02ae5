"""sObject Collections over a real socket: wire shapes, per-record statusCode, allOrNone, limits."""

from __future__ import annotations

import uuid

import pytest

from salesforcepy.fakeorg.ids import is_valid_id, to18
from salesforcepy.fakeorg.schema import FieldDef

pytestmark = pytest.mark.integration

ROLLED_BACK = {
    "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "message": "Record rolled back because not all records were valid and the request was using "
    "AllOrNone header",
    "fields": [],
}


@pytest.fixture(scope="module", autouse=True)
def external_id_field(org):
    org.define_field("Account", FieldDef("Ext__c", "string", length=80, external_id=True))


def unique(prefix: str = "T") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def account(name: str | None = None, **fields) -> dict:
    return {"attributes": {"type": "Account"}, "Name": name or unique("Acct"), **fields}


def contact(**fields) -> dict:
    return {"attributes": {"type": "Contact"}, "LastName": unique("Last"), **fields}


def create(rest, records, all_or_none=None):
    body: dict = {"records": records}
    if all_or_none is not None:
        body["allOrNone"] = all_or_none
    response = rest.post("/composite/sobjects", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def new_accounts(rest, count: int = 1, **fields) -> list[str]:
    results = create(rest, [account(**fields) for _ in range(count)])
    assert all(r["success"] for r in results), results
    return [r["id"] for r in results]


def get_account(rest, record_id: str) -> dict:
    response = rest.get(f"/sobjects/Account/{record_id}")
    assert response.status_code == 200, response.text
    return response.json()


# ---- create --------------------------------------------------------------------------------------


def test_create_mixed_types_in_order(rest, org):
    before = org.store.count("Account"), org.store.count("Contact")
    names = [unique("A"), unique("A")]
    results = create(rest, [account(names[0]), contact(), account(names[1])])
    assert [r["success"] for r in results] == [True, True, True]
    assert all(r["errors"] == [] for r in results)
    assert [r["id"][:3] for r in results] == ["001", "003", "001"]
    assert all(is_valid_id(r["id"]) for r in results)
    assert get_account(rest, results[0]["id"])["Name"] == names[0]
    assert get_account(rest, results[2]["id"])["Name"] == names[1]
    assert (org.store.count("Account"), org.store.count("Contact")) == (
        before[0] + 2,
        before[1] + 1,
    )


def test_create_partial_failure_uses_status_code(rest, org):
    before = org.store.count("Account")
    results = create(rest, [account(), {"attributes": {"type": "Account"}}, account()], False)
    assert results[0]["success"] is True
    assert results[2]["success"] is True
    assert results[1] == {
        "success": False,
        "errors": [
            {
                "statusCode": "REQUIRED_FIELD_MISSING",
                "message": "Required fields are missing: [Name]",
                "fields": ["Name"],
            }
        ],
    }
    assert org.store.count("Account") == before + 2


def test_create_all_or_none_rolls_back(rest, org):
    before = org.store.count("Account")
    results = create(rest, [account(), account(), {"attributes": {"type": "Account"}}], True)
    assert results[0] == {"id": None, "success": False, "errors": [ROLLED_BACK]}
    assert results[1] == {"id": None, "success": False, "errors": [ROLLED_BACK]}
    assert results[2]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert org.store.count("Account") == before


def test_create_all_or_none_success_keeps_everything(rest, org):
    before = org.store.count("Account")
    results = create(rest, [account(), account()], True)
    assert [r["success"] for r in results] == [True, True]
    assert org.store.count("Account") == before + 2


@pytest.mark.parametrize(
    ("record", "code"),
    [
        ({"Name": "no attributes"}, "INVALID_TYPE"),
        ({"attributes": {}, "Name": "no type"}, "INVALID_TYPE"),
        ({"attributes": {"type": "Nope__c"}, "Name": "x"}, "INVALID_TYPE"),
        (
            {"attributes": {"type": "Account"}, "Name": "x", "Id": "0015g0000000001AAA"},
            "INVALID_FIELD",
        ),
        ({"attributes": {"type": "Account"}, "Name": "x", "Bogus__c": 1}, "INVALID_FIELD"),
        ("not an object", "JSON_PARSER_ERROR"),
    ],
)
def test_create_record_errors(rest, record, code):
    results = create(rest, [record])
    assert results[0]["success"] is False
    error = results[0]["errors"][0]
    assert error["statusCode"] == code
    assert "errorCode" not in error
    assert set(error) == {"statusCode", "message", "fields"}


def test_create_type_names_are_case_insensitive(rest):
    results = create(rest, [{"attributes": {"type": "account"}, "Name": unique()}])
    assert results[0]["success"] is True
    assert results[0]["id"].startswith("001")


def test_create_200_records_is_the_limit(rest, org):
    before = org.store.count("Contact")
    results = create(rest, [contact() for _ in range(200)])
    assert len(results) == 200
    assert all(r["success"] for r in results)
    assert org.store.count("Contact") == before + 200

    response = rest.post("/composite/sobjects", json={"records": [contact() for _ in range(201)]})
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "EXCEEDED_ID_LIMIT"
    assert org.store.count("Contact") == before + 200


def test_create_more_than_ten_type_runs_is_refused(rest, org):
    before = org.store.count("Account")
    records = [account() if i % 2 == 0 else contact() for i in range(11)]
    response = rest.post("/composite/sobjects", json={"records": records})
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_BATCH_REQUEST"
    assert org.store.count("Account") == before
    # Ten runs are fine.
    assert all(r["success"] for r in create(rest, records[:10]))


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "JSON_PARSER_ERROR"),
        ({"records": {"Name": "x"}}, "JSON_PARSER_ERROR"),
        ({"records": [], "allOrNone": "yes"}, "JSON_PARSER_ERROR"),
        ([{"attributes": {"type": "Account"}, "Name": "x"}], "JSON_PARSER_ERROR"),
    ],
)
def test_malformed_requests_get_top_level_400(rest, body, code):
    for method in ("POST", "PATCH"):
        response = rest.request(method, "/composite/sobjects", json=body)
        assert response.status_code == 400
        assert response.json()[0]["errorCode"] == code


def test_invalid_json_body(rest):
    response = rest.post(
        "/composite/sobjects", data=b'{"records": [', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_empty_records(rest):
    assert create(rest, []) == []


def test_collections_need_api_42(rest):
    response = rest.post("/composite/sobjects", json={"records": [account()]}, version="41.0")
    assert response.status_code == 404
    assert response.json()[0]["errorCode"] == "NOT_FOUND"


# ---- update --------------------------------------------------------------------------------------


def update(rest, records, all_or_none=None):
    body: dict = {"records": records}
    if all_or_none is not None:
        body["allOrNone"] = all_or_none
    response = rest.patch("/composite/sobjects", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_update(rest):
    first, second = new_accounts(rest, 2)
    results = update(
        rest,
        [
            {"attributes": {"type": "Account"}, "id": first, "Name": "Renamed one"},
            {"attributes": {"type": "Account"}, "Id": second, "Industry": "Banking"},
        ],
    )
    assert results == [
        {"id": first, "success": True, "errors": []},
        {"id": second, "success": True, "errors": []},
    ]
    assert get_account(rest, first)["Name"] == "Renamed one"
    assert get_account(rest, second)["Industry"] == "Banking"


def test_update_accepts_15_char_ids_and_answers_18(rest):
    (record_id,) = new_accounts(rest)
    results = update(
        rest, [{"attributes": {"type": "Account"}, "id": record_id[:15], "Phone": "1"}]
    )
    assert results == [{"id": record_id, "success": True, "errors": []}]


def test_update_record_errors(rest):
    (live,) = new_accounts(rest)
    (gone,) = new_accounts(rest)
    assert rest.delete(f"/sobjects/Account/{gone}").status_code == 204
    unknown = "0015g00000zzzzzAAA"
    results = update(
        rest,
        [
            {"attributes": {"type": "Account"}, "Name": "no id"},
            {"attributes": {"type": "Account"}, "id": "nonsense", "Name": "x"},
            {"attributes": {"type": "Account"}, "id": unknown, "Name": "x"},
            {"attributes": {"type": "Account"}, "id": gone, "Name": "x"},
            {"attributes": {"type": "Account"}, "id": live, "Name": None},
            {"attributes": {"type": "Contact"}, "id": live, "LastName": "x"},
        ],
    )
    codes = [r["errors"][0]["statusCode"] for r in results]
    assert codes == [
        "MISSING_ARGUMENT",
        "MALFORMED_ID",
        "INVALID_CROSS_REFERENCE_KEY",
        "ENTITY_IS_DELETED",
        "REQUIRED_FIELD_MISSING",
        "MALFORMED_ID",
    ]
    assert [r["id"] for r in results] == [None, "nonsense", unknown, gone, live, live]
    assert all(r["success"] is False for r in results)


def test_update_all_or_none_rolls_back(rest):
    first, second = new_accounts(rest, 2, Industry="Energy")
    results = update(
        rest,
        [
            {"attributes": {"type": "Account"}, "id": first, "Industry": "Banking"},
            {"attributes": {"type": "Account"}, "id": second, "Name": None},
        ],
        all_or_none=True,
    )
    assert results[0] == {"id": first, "success": False, "errors": [ROLLED_BACK]}
    assert results[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert get_account(rest, first)["Industry"] == "Energy"


# ---- upsert --------------------------------------------------------------------------------------


def upsert(rest, records, all_or_none=None, field="Ext__c", sobject="Account", version=None):
    body: dict = {"records": records}
    if all_or_none is not None:
        body["allOrNone"] = all_or_none
    return rest.patch(f"/composite/sobjects/{sobject}/{field}", json=body, version=version)


def test_upsert_inserts_and_updates(rest, org):
    existing_key = unique("EXT")
    (existing,) = new_accounts(rest, Ext__c=existing_key, Industry="Energy")
    new_key = unique("EXT")
    before = org.store.count("Account")
    response = upsert(
        rest,
        [
            account("Inserted", Ext__c=new_key),
            {"attributes": {"type": "Account"}, "Ext__c": existing_key, "Industry": "Banking"},
        ],
    )
    assert response.status_code == 200
    inserted, updated = response.json()
    assert inserted["success"] is True
    assert inserted["created"] is True
    assert inserted["errors"] == []
    assert updated == {"id": existing, "success": True, "errors": [], "created": False}
    assert org.store.count("Account") == before + 1
    assert get_account(rest, inserted["id"])["Ext__c"] == new_key
    assert get_account(rest, existing)["Industry"] == "Banking"


def test_upsert_record_errors(rest, org):
    shared = unique("DUP")
    new_accounts(rest, 2)
    twice = unique("TWICE")
    for record_id in new_accounts(rest, 2):
        org.store.update("Account", record_id, {"Ext__c": twice})
    response = upsert(
        rest,
        [
            account("no key"),
            account("dup 1", Ext__c=shared),
            account("dup 2", Ext__c=shared),
            account("matches two", Ext__c=twice),
            {"attributes": {"type": "Contact"}, "Ext__c": unique(), "LastName": "x"},
        ],
    )
    results = response.json()
    codes = [r["errors"][0]["statusCode"] for r in results]
    assert codes == [
        "MISSING_ARGUMENT",
        "DUPLICATE_EXTERNAL_ID",
        "DUPLICATE_EXTERNAL_ID",
        "DUPLICATE_EXTERNAL_ID",
        "INVALID_TYPE",
    ]
    assert all(r["created"] is False and r["success"] is False for r in results)


def test_upsert_all_or_none_rolls_back(rest, org):
    before = org.store.count("Account")
    results = upsert(rest, [account(Ext__c=unique()), account("no key")], all_or_none=True).json()
    assert results[0] == {"id": None, "success": False, "errors": [ROLLED_BACK], "created": False}
    assert results[1]["errors"][0]["statusCode"] == "MISSING_ARGUMENT"
    assert org.store.count("Account") == before


def test_upsert_by_id_field(rest):
    (record_id,) = new_accounts(rest)
    results = upsert(
        rest, [{"attributes": {"type": "Account"}, "Id": record_id, "Phone": "42"}], field="Id"
    ).json()
    assert results == [{"id": record_id, "success": True, "errors": [], "created": False}]


@pytest.mark.parametrize(
    ("sobject", "field", "version"),
    [
        ("Account", "Name", None),
        ("Account", "Nope__c", None),
        ("Nope__c", "Ext__c", None),
        ("Account", "Ext__c", "45.0"),
    ],
)
def test_upsert_not_found(rest, sobject, field, version):
    response = upsert(rest, [account(Ext__c="x")], field=field, sobject=sobject, version=version)
    assert response.status_code == 404
    assert response.json()[0]["errorCode"] == "NOT_FOUND"


# ---- delete --------------------------------------------------------------------------------------


def delete(rest, ids, all_or_none=None):
    params = {"ids": ",".join(ids)}
    if all_or_none is not None:
        params["allOrNone"] = "true" if all_or_none else "false"
    return rest.delete("/composite/sobjects", params=params)


def test_delete(rest, org):
    ids = new_accounts(rest, 2)
    before = org.store.count("Account")
    response = delete(rest, ids)
    assert response.status_code == 200
    assert response.json() == [{"id": i, "success": True, "errors": []} for i in ids]
    assert org.store.count("Account") == before - 2


def test_delete_record_errors(rest):
    (gone,) = new_accounts(rest)
    delete(rest, [gone])
    results = delete(rest, [gone, "junk", "0015g00000zzzzzAAA", "zzz5g00000zzzzz"]).json()
    assert [r["errors"][0]["statusCode"] for r in results] == [
        "ENTITY_IS_DELETED",
        "MALFORMED_ID",
        "INVALID_CROSS_REFERENCE_KEY",
        "INVALID_CROSS_REFERENCE_KEY",
    ]
    assert [r["id"] for r in results][:2] == [gone, "junk"]


def test_delete_all_or_none_rolls_back(rest, org):
    ids = new_accounts(rest, 2)
    before = org.store.count("Account")
    results = delete(rest, [*ids, "junk"], all_or_none=True).json()
    assert results[0] == {"id": ids[0], "success": False, "errors": [ROLLED_BACK]}
    assert results[2]["errors"][0]["statusCode"] == "MALFORMED_ID"
    assert org.store.count("Account") == before


def test_delete_limits_and_arguments(rest):
    too_many = [to18(f"0015g{n:010d}") for n in range(201)]
    response = delete(rest, too_many)
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "EXCEEDED_ID_LIMIT"
    response = rest.delete("/composite/sobjects")
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "MISSING_ARGUMENT"
    response = rest.delete("/composite/sobjects", params={"ids": "x", "allOrNone": "maybe"})
    assert response.status_code == 400


# ---- retrieve ------------------------------------------------------------------------------------


def test_retrieve_get(rest):
    first, second = new_accounts(rest, 2, Industry="Energy")
    (gone,) = new_accounts(rest)
    delete(rest, [gone])
    contact_id = create(rest, [contact()])[0]["id"]
    response = rest.get(
        "/composite/sobjects/Account",
        params={"ids": f"{second},{gone},{first[:15]},{contact_id}", "fields": "Name,industry"},
    )
    assert response.status_code == 200
    records = response.json()
    assert records[1] is None
    assert records[3] is None
    assert records[0]["attributes"]["url"].endswith(second)
    assert records[2]["attributes"]["url"].endswith(first)
    assert set(records[0]) == {"attributes", "Name", "Industry"}
    assert records[0]["attributes"] == {
        "type": "Account",
        "url": f"/services/data/v58.0/sobjects/Account/{second}",
    }
    assert records[2]["Industry"] == "Energy"


def test_retrieve_post_body(rest):
    ids = new_accounts(rest, 3)
    response = rest.post("/composite/sobjects/Account", json={"ids": ids, "fields": ["Id", "Name"]})
    assert response.status_code == 200
    assert [r["Id"] for r in response.json()] == ids


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"ids": "0015g0000000001AAA"}, "MISSING_ARGUMENT"),
        ({"fields": "Name"}, "MISSING_ARGUMENT"),
        ({"ids": "0015g0000000001AAA", "fields": "Nope__c"}, "INVALID_FIELD"),
        ({"ids": "bad-id", "fields": "Name"}, "MALFORMED_ID"),
    ],
)
def test_retrieve_errors(rest, params, code):
    response = rest.get("/composite/sobjects/Account", params=params)
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == code


def test_retrieve_limits(rest):
    ids = [to18(f"0015g{n:010d}") for n in range(900_000, 902_001)]
    response = rest.post("/composite/sobjects/Account", json={"ids": ids, "fields": ["Name"]})
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "EXCEEDED_ID_LIMIT"
    response = rest.post(
        "/composite/sobjects/Account", json={"ids": ids[:2000], "fields": ["Name"]}
    )
    assert response.status_code == 200
    assert response.json() == [None] * 2000


def test_retrieve_unknown_object(rest):
    response = rest.get("/composite/sobjects/Nope__c", params={"ids": "x", "fields": "Name"})
    assert response.status_code == 404
