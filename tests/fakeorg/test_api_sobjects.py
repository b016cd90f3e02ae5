"""sObject endpoints over a real socket: CRUD, upsert by external id, blobs, deleted/updated."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid

import pytest

from salesforcepy.fakeorg.ids import is_valid_id
from salesforcepy.fakeorg.schema import FieldDef

pytestmark = pytest.mark.integration

NOT_FOUND = [{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]


@pytest.fixture(scope="module", autouse=True)
def external_id_field(org):
    org.define_field("Account", FieldDef("External_Id__c", "string", length=80, external_id=True))


def unique(prefix: str = "T") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def create_account(rest, **fields) -> str:
    response = rest.post("/sobjects/Account", json={"Name": unique("Acct"), **fields})
    assert response.status_code == 201, response.text
    return response.json()["id"]


# ---- create -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/sobjects/Account", "/sobjects/Account/", "/sobjects/account"])
def test_create(rest, path):
    response = rest.post(path, json={"Name": "Created", "Industry": "Banking"})
    assert response.status_code == 201
    body = response.json()
    assert body == {"id": body["id"], "success": True, "errors": []}
    assert is_valid_id(body["id"])
    assert body["id"].startswith("001")
    assert response.headers["Location"] == f"/services/data/v58.0/sobjects/Account/{body['id']}"


def test_create_ignores_attributes(rest):
    response = rest.post(
        "/sobjects/Account", json={"attributes": {"type": "Account"}, "Name": "With attrs"}
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"Nme": "typo"}, 400, "INVALID_FIELD"),
        ({"Industry": "Banking"}, 400, "REQUIRED_FIELD_MISSING"),
        ({"Name": "x", "Id": "001000000000001AAA"}, 400, "INVALID_FIELD_FOR_INSERT_UPDATE"),
        ([{"Name": "x"}], 400, "JSON_PARSER_ERROR"),
        ({"Name": "x", "NumberOfEmployees": "many"}, 400, "JSON_PARSER_ERROR"),
    ],
)
def test_create_errors(rest, body, status, code):
    response = rest.post("/sobjects/Account", json=body)
    assert response.status_code == status
    assert response.json()[0]["errorCode"] == code


def test_create_required_field_lists_fields(rest):
    error = rest.post("/sobjects/Account", json={}).json()[0]
    assert error["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert error["fields"] == ["Name"]


def test_create_malformed_json(rest):
    response = rest.post(
        "/sobjects/Account", data=b'{"Name": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_unknown_object_is_not_found(rest):
    assert rest.post("/sobjects/Nope__c", json={"Name": "x"}).json() == NOT_FOUND
    assert rest.get("/sobjects/Nope__c/001000000000001AAA").status_code == 404


def test_create_via_id_pseudo_external_id(rest):
    response = rest.post("/sobjects/Account/Id", json={"Name": "Via Id"})
    assert response.status_code == 201
    assert rest.get(f"/sobjects/Account/{response.json()['id']}").json()["Name"] == "Via Id"


def test_create_via_id_needs_v37(rest):
    # The Id pseudo external id takes a POST from v37.0 on; before, .../Account/Id is just a
    # record path, and records take no POST.
    response = rest.post("/sobjects/Account/Id", json={"Name": "Too Early"}, version="36.0")

    later = rest.post("/sobjects/Account/Id", json={"Name": "v37"}, version="37.0")

    assert response.status_code == 405
    assert response.json()[0]["errorCode"] == "METHOD_NOT_ALLOWED"
    assert later.status_code == 201


def test_post_to_a_record_is_not_allowed(rest):
    record_id = create_account(rest)
    response = rest.post(f"/sobjects/Account/{record_id}", json={"Name": "x"})
    assert response.status_code == 405
    assert response.json()[0]["errorCode"] == "METHOD_NOT_ALLOWED"


# ---- read ----------------------------------------------------------------------------------------


def test_get_record_with_all_fields(rest, org):
    record_id = create_account(rest, Industry="Energy")
    response = rest.get(f"/sobjects/Account/{record_id}")
    assert response.status_code == 200
    record = response.json()
    assert record["attributes"] == {
        "type": "Account",
        "url": f"/services/data/v58.0/sobjects/Account/{record_id}",
    }
    assert record["Id"] == record_id
    assert record["Industry"] == "Energy"
    assert record["IsDeleted"] is False
    assert record["OwnerId"] == org.state.admin_user_id
    assert "Last-Modified" in response.headers
    assert response.headers["Last-Modified"].endswith(" GMT")


def test_get_record_with_some_fields(rest):
    record_id = create_account(rest, Industry="Energy")
    record = rest.get(f"/sobjects/account/{record_id}", params={"fields": "industry, Name"}).json()
    assert set(record) == {"attributes", "Industry", "Name"}


def test_get_record_unknown_field(rest):
    record_id = create_account(rest)
    response = rest.get(f"/sobjects/Account/{record_id}", params={"fields": "Nope"})
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_FIELD"


def test_get_record_by_15_char_id(rest):
    record_id = create_account(rest)
    assert rest.get(f"/sobjects/Account/{record_id[:15]}").json()["Id"] == record_id


@pytest.mark.parametrize("bad", ["001000000000001AAA", "junk", "0035g0000000001AAA"])
def test_get_unknown_or_malformed_id(rest, bad):
    response = rest.get(f"/sobjects/Account/{bad}")
    assert response.status_code == 404


def test_head_record(rest):
    record_id = create_account(rest)
    response = rest.request("HEAD", f"/sobjects/Account/{record_id}")
    assert response.status_code == 200
    assert response.content == b""


# ---- update and delete ---------------------------------------------------------------------------


def test_update(rest):
    record_id = create_account(rest, Industry="Energy")
    response = rest.patch(
        f"/sobjects/Account/{record_id}", json={"Name": "Renamed", "Industry": None}
    )
    assert response.status_code == 204
    assert response.content == b""
    record = rest.get(f"/sobjects/Account/{record_id}").json()
    assert record["Name"] == "Renamed"
    assert record["Industry"] is None


def test_update_tunnelled_through_post(rest):
    record_id = create_account(rest)
    response = rest.post(
        f"/sobjects/Account/{record_id}", params={"_HttpMethod": "PATCH"}, json={"Name": "Tunnel"}
    )
    assert response.status_code == 204
    assert rest.get(f"/sobjects/Account/{record_id}").json()["Name"] == "Tunnel"


def test_update_errors(rest):
    record_id = create_account(rest)
    assert (
        rest.patch(f"/sobjects/Account/{record_id}", json={"Bogus": 1}).json()[0]["errorCode"]
        == "INVALID_FIELD"
    )
    assert rest.patch(f"/sobjects/Account/{record_id}", json={"Name": None}).json()[0][
        "errorCode"
    ] == ("REQUIRED_FIELD_MISSING")
    assert rest.patch("/sobjects/Account/001000000000001AAA", json={"Name": "x"}).status_code == 404


def test_delete(rest):
    record_id = create_account(rest)
    response = rest.delete(f"/sobjects/Account/{record_id}")
    assert response.status_code == 204
    assert response.content == b""
    assert rest.get(f"/sobjects/Account/{record_id}").status_code == 404
    again = rest.delete(f"/sobjects/Account/{record_id}")
    assert again.status_code == 404
    assert again.json()[0]["errorCode"] == "ENTITY_IS_DELETED"
    assert rest.patch(f"/sobjects/Account/{record_id}", json={"Name": "x"}).json()[0][
        "errorCode"
    ] == ("ENTITY_IS_DELETED")


def test_delete_unknown(rest):
    response = rest.delete("/sobjects/Account/001000000000001AAA")
    assert response.status_code == 404
    assert response.json()[0]["errorCode"] == "NOT_FOUND"


# ---- external ids --------------------------------------------------------------------------------


def test_upsert_v46_and_later(rest):
    key = unique("ext")
    inserted = rest.patch(f"/sobjects/Account/External_Id__c/{key}", json={"Name": "Upserted"})
    assert inserted.status_code == 201
    body = inserted.json()
    assert body == {"id": body["id"], "success": True, "errors": [], "created": True}
    assert inserted.headers["Location"].endswith(body["id"])
    updated = rest.patch(f"/sobjects/Account/external_id__c/{key}", json={"Name": "Upserted again"})
    assert updated.status_code == 200
    assert updated.json() == {"id": body["id"], "success": True, "errors": [], "created": False}
    record = rest.get(f"/sobjects/Account/{body['id']}").json()
    assert record["Name"] == "Upserted again"
    assert record["External_Id__c"] == key


@pytest.mark.parametrize(
    ("version", "update_status"), [("45.0", 204), ("37.0", 204), ("46.0", 200)]
)
def test_upsert_status_by_version(rest, version, update_status):
    key = unique("ext")
    inserted = rest.patch(
        f"/sobjects/Account/External_Id__c/{key}", json={"Name": "V"}, version=version
    )
    assert inserted.status_code == 201
    expected_keys = {"id", "success", "errors"} | ({"created"} if float(version) >= 46 else set())
    assert set(inserted.json()) == expected_keys
    updated = rest.patch(
        f"/sobjects/Account/External_Id__c/{key}", json={"Name": "W"}, version=version
    )
    assert updated.status_code == update_status
    if update_status == 204:
        assert updated.content == b""


def test_external_id_with_encoded_slash(rest):
    key = unique("a/b")
    inserted = rest.patch(
        f"/sobjects/Account/External_Id__c/{key.replace('/', '%2F')}", json={"Name": "S"}
    )
    assert inserted.status_code == 201
    record = rest.get(f"/sobjects/Account/{inserted.json()['id']}").json()
    assert record["External_Id__c"] == key


def test_upsert_tolerates_the_key_in_the_body(rest):
    key = unique("ext")
    response = rest.patch(
        f"/sobjects/Account/External_Id__c/{key}", json={"Name": "K", "External_Id__c": key}
    )
    assert response.status_code == 201


@pytest.mark.parametrize("body_value", ["other", None])
def test_upsert_refuses_another_key_in_the_body(rest, body_value):
    # The record matched by the URL's key must not be re-keyed by the body (it used to be: the
    # update wrote the body's value, while an insert silently dropped it).
    key = unique("ext")
    record_id = create_account(rest, External_Id__c=key)

    updating = rest.patch(
        f"/sobjects/Account/External_Id__c/{key}", json={"Name": "K", "External_Id__c": body_value}
    )
    inserting = rest.patch(
        f"/sobjects/Account/External_Id__c/{unique('ext')}",
        json={"Name": "K", "external_id__c": body_value},
    )

    assert updating.status_code == 400
    assert updating.json()[0]["errorCode"] == "INVALID_FIELD"
    assert updating.json()[0]["fields"] == ["External_Id__c"]
    assert inserting.status_code == 400
    assert rest.get(f"/sobjects/Account/{record_id}").json()["External_Id__c"] == key


def test_upsert_tunnelled_through_post(rest):
    key = unique("ext")
    response = rest.post(
        f"/sobjects/Account/External_Id__c/{key}",
        params={"_HttpMethod": "PATCH"},
        json={"Name": "P"},
    )
    assert response.status_code == 201


def test_multiple_matches_is_300_with_urls(rest, org):
    key = unique("dup")
    first = create_account(rest, External_Id__c=key)
    second = create_account(rest, External_Id__c=key)
    expected = sorted(f"/services/data/v58.0/sobjects/Account/{i}" for i in (first, second))
    upsert = rest.patch(f"/sobjects/Account/External_Id__c/{key}", json={"Name": "Nope"})
    assert upsert.status_code == 300
    assert sorted(upsert.json()) == expected
    read = rest.get(f"/sobjects/Account/External_Id__c/{key}")
    assert read.status_code == 300
    assert sorted(read.json()) == expected
    assert rest.delete(f"/sobjects/Account/External_Id__c/{key}").status_code == 300
    names = {rest.get(f"/sobjects/Account/{i}").json()["Name"] for i in (first, second)}
    assert "Nope" not in names


def test_get_and_delete_by_external_id(rest):
    key = unique("ext")
    record_id = create_account(rest, External_Id__c=key)
    record = rest.get(f"/sobjects/Account/External_Id__c/{key}", params={"fields": "Name"})
    assert record.status_code == 200
    assert record.json()["attributes"]["url"].endswith(record_id)
    assert rest.get(f"/sobjects/Account/External_Id__c/{key}/").json()["Id"] == record_id
    assert rest.delete(f"/sobjects/Account/External_Id__c/{key}").status_code == 204
    assert rest.get(f"/sobjects/Account/External_Id__c/{key}").json() == NOT_FOUND


@pytest.mark.parametrize("field", ["Nope__c", "Name"])
def test_not_an_external_id_field(rest, field):
    assert rest.get(f"/sobjects/Account/{field}/x").json() == NOT_FOUND
    assert rest.patch(f"/sobjects/Account/{field}/x", json={"Name": "x"}).status_code == 404


def test_update_only_upsert(rest):
    key = unique("ext")
    missing = rest.patch(
        f"/sobjects/Account/External_Id__c/{key}",
        params={"updateOnly": "true"},
        json={"Name": "U"},
        version="61.0",
    )
    assert missing.status_code == 404
    assert rest.get(f"/sobjects/Account/External_Id__c/{key}").status_code == 404
    create_account(rest, External_Id__c=key)
    present = rest.patch(
        f"/sobjects/Account/External_Id__c/{key}",
        params={"updateOnly": "true"},
        json={"Name": "U"},
        version="61.0",
    )
    assert present.status_code == 200
    assert present.json()["created"] is False


def test_upsert_by_id_field(rest):
    record_id = create_account(rest)
    response = rest.patch(f"/sobjects/Account/Id/{record_id}", json={"Name": "By Id"})
    assert response.status_code == 200
    assert rest.get(f"/sobjects/Account/{record_id}").json()["Name"] == "By Id"


# ---- blobs ---------------------------------------------------------------------------------------

# Bytes that look like multipart framing, CRLFs, NULs and invalid UTF-8.
AWKWARD = b"--boundary_string\r\n\x00\xff\xfe" + os.urandom(5000) + b"\r\n--boundary_string--\r\n"


def multipart(
    json_name: str, fields: dict, blob_name: str, data: bytes, filename: str = "file.bin"
):
    return {
        json_name: (None, json.dumps(fields), "application/json"),
        blob_name: (filename, data, "application/octet-stream"),
    }


@pytest.mark.parametrize(
    ("sobject", "json_name", "blob_field", "fields"),
    [
        (
            "ContentVersion",
            "entity_content",
            "VersionData",
            {"PathOnClient": "a.bin", "Title": "A"},
        ),
        ("Attachment", "entity_attachment", "Body", {"Name": "a.bin"}),
        ("Attachment", "whatever_name", "body", {"Name": "b.bin"}),
    ],
)
def test_multipart_insert_and_blob_read_back(rest, sobject, json_name, blob_field, fields):
    if sobject == "Attachment":
        fields = {**fields, "ParentId": create_account(rest)}
    response = rest.post(
        f"/sobjects/{sobject}", files=multipart(json_name, fields, blob_field, AWKWARD)
    )
    assert response.status_code == 201, response.text
    record_id = response.json()["id"]
    canonical = "VersionData" if sobject == "ContentVersion" else "Body"
    record = rest.get(f"/sobjects/{sobject}/{record_id}").json()
    assert record[canonical] == f"/services/data/v58.0/sobjects/{sobject}/{record_id}/{canonical}"
    blob = rest.get(record[canonical])
    assert blob.status_code == 200
    assert rest.get(record[canonical] + "/").content == AWKWARD
    assert blob.headers["Content-Type"] == "application/octet-stream"
    assert blob.content == AWKWARD


def test_multipart_update_replaces_the_blob(rest):
    parent = create_account(rest)
    created = rest.post(
        "/sobjects/Attachment",
        files=multipart("entity_attachment", {"Name": "v1", "ParentId": parent}, "Body", b"one"),
    )
    record_id = created.json()["id"]
    updated = rest.patch(
        f"/sobjects/Attachment/{record_id}",
        files=multipart("entity_attachment", {"Name": "v2"}, "Body", b"two"),
    )
    assert updated.status_code == 204
    assert rest.get(f"/sobjects/Attachment/{record_id}/Body").content == b"two"
    assert rest.get(f"/sobjects/Attachment/{record_id}").json()["Name"] == "v2"


def test_multipart_without_binary_part(rest):
    response = rest.post(
        "/sobjects/ContentVersion",
        files={"entity_content": (None, '{"PathOnClient": "x"}', "application/json")},
    )
    assert response.status_code == 400
    error = response.json()[0]
    assert error["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert error["fields"] == ["VersionData"]


def test_multipart_with_bad_json_part(rest):
    response = rest.post(
        "/sobjects/ContentVersion",
        files=multipart("entity_content", {}, "VersionData", b"x")
        | {"entity_content": (None, "{nope", "application/json")},
    )
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_base64_json_body_is_accepted(rest):
    import base64

    response = rest.post(
        "/sobjects/ContentVersion",
        json={"PathOnClient": "b64.txt", "VersionData": base64.b64encode(b"hello blob").decode()},
    )
    assert response.status_code == 201
    assert (
        rest.get(f"/sobjects/ContentVersion/{response.json()['id']}/VersionData").content
        == b"hello blob"
    )


def test_blob_of_unknown_record(rest):
    assert rest.get("/sobjects/Attachment/00P000000000001AAA/Body").status_code == 404


# ---- deleted / updated ---------------------------------------------------------------------------


def window(hours_back: float = 1, hours_ahead: float = 1) -> dict[str, str]:
    now = dt.datetime.now(dt.timezone.utc)
    return {
        "start": (now - dt.timedelta(hours=hours_back)).isoformat(),
        "end": (now + dt.timedelta(hours=hours_ahead)).isoformat(),
    }


def test_deleted_range(rest):
    record_id = create_account(rest)
    rest.delete(f"/sobjects/Account/{record_id}")
    response = rest.get("/sobjects/Account/deleted/", params=window())
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"deletedRecords", "earliestDateAvailable", "latestDateCovered"}
    entry = next(r for r in body["deletedRecords"] if r["id"] == record_id)
    assert entry["deletedDate"].endswith("+0000")
    assert body["latestDateCovered"].endswith(":00.000+0000")


def test_updated_range(rest):
    record_id = create_account(rest)
    response = rest.get("/sobjects/account/updated", params=window())
    assert response.status_code == 200
    body = response.json()
    assert record_id in body["ids"]
    assert set(body) == {"ids", "latestDateCovered"}


def test_updated_range_excludes_later_changes(rest):
    record_id = create_account(rest)
    response = rest.get("/sobjects/Account/updated", params=window(hours_back=3, hours_ahead=-2))
    assert record_id not in response.json()["ids"]


@pytest.mark.parametrize(
    ("kind", "params", "code"),
    [
        ("deleted", window(hours_back=24 * 16), "INVALID_REPLICATION_DATE"),
        ("updated", window(hours_back=24 * 31), "INVALID_REPLICATION_DATE"),
        ("updated", {"start": "2024-01-01T00:00:00Z"}, "MISSING_ARGUMENT"),
        ("deleted", {"start": "yesterday", "end": "today"}, "INVALID_PARAMETER_VALUE"),
        ("updated", window(hours_back=-2, hours_ahead=-3), "INVALID_REPLICATION_DATE"),
    ],
)
def test_range_errors(rest, kind, params, code):
    response = rest.get(f"/sobjects/Account/{kind}", params=params)
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == code


# ---- describe ------------------------------------------------------------------------------------


def test_describe_global(rest):
    response = rest.get("/sobjects/")
    assert response.status_code == 200
    body = response.json()
    assert body["encoding"] == "UTF-8"
    assert body["maxBatchSize"] == 200
    by_name = {entry["name"]: entry for entry in body["sobjects"]}
    for name, prefix in (
        ("Account", "001"),
        ("Contact", "003"),
        ("Lead", "00Q"),
        ("ContentVersion", "068"),
    ):
        assert by_name[name]["keyPrefix"] == prefix
    assert by_name["Account"]["urls"]["sobject"] == "/services/data/v58.0/sobjects/Account"
    assert "Last-Modified" in response.headers


def test_describe_global_if_modified_since(rest, org):
    last_modified = rest.get("/sobjects").headers["Last-Modified"]
    unchanged = rest.get("/sobjects", headers={"If-Modified-Since": last_modified})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert (
        rest.get(
            "/sobjects", headers={"If-Modified-Since": "Tue, 23 Mar 2015 00:00:00 GMT"}
        ).status_code
        == 200
    )
    assert rest.get("/sobjects", headers={"If-Modified-Since": "garbage"}).status_code == 200
    org.clock.advance(dt.timedelta(seconds=5))
    try:
        org.define_field("Contact", FieldDef("Shoe_Size__c", "double", precision=4, scale=1))
        changed = rest.get("/sobjects", headers={"If-Modified-Since": last_modified})
        assert changed.status_code == 200
        describe = rest.get(
            "/sobjects/Contact/describe", headers={"If-Modified-Since": last_modified}
        )
        assert describe.status_code == 200
        assert "Shoe_Size__c" in {f["name"] for f in describe.json()["fields"]}
    finally:
        org.clock.reset()


def test_basic_info(rest):
    record_id = create_account(rest, Name="Most Recent")
    body = rest.get("/sobjects/account").json()
    assert body["objectDescribe"]["name"] == "Account"
    assert body["objectDescribe"]["keyPrefix"] == "001"
    assert body["recentItems"][0]["Id"] == record_id
    assert body["recentItems"][0]["Name"] == "Most Recent"


def test_describe(rest, org):
    response = rest.get("/sobjects/contact/describe/")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Contact"
    fields = {f["name"]: f for f in body["fields"]}
    assert fields["AccountId"]["type"] == "reference"
    assert fields["AccountId"]["referenceTo"] == ["Account"]
    assert fields["Id"]["type"] == "id"
    assert body["urls"]["uiDetailTemplate"].startswith(org.instance_url)
    last_modified = response.headers["Last-Modified"]
    assert (
        rest.get(
            "/sobjects/Contact/describe", headers={"If-Modified-Since": last_modified}
        ).status_code
        == 304
    )


def test_describe_unknown_object(rest):
    assert rest.get("/sobjects/Nope/describe").json() == NOT_FOUND
    assert rest.get("/sobjects/Nope").json() == NOT_FOUND
