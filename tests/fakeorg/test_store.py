import datetime as dt
import threading

import pytest

from salesforcepy.fakeorg import ids
from salesforcepy.fakeorg.errors import MultipleMatches, SalesforceError
from salesforcepy.fakeorg.schema import FieldDef
from salesforcepy.fakeorg.store import ADMIN_USERNAME, Store

V = "58.0"


def error_of(call, *args, **kwargs) -> SalesforceError:
    with pytest.raises(SalesforceError) as info:
        call(*args, **kwargs)
    return info.value


def make_account(store, **fields):
    return store.create("Account", {"Name": "Acme", **fields})


# ---- bootstrap ----------------------------------------------------------------------------------


def test_new_store_has_org_admin_and_standard_pricebook(store):
    assert ids.is_valid_id(store.org_id)
    assert store.org_id.startswith("00D")
    admin = store.get("User", store.admin_user_id, api_version=V)
    assert admin["Username"] == ADMIN_USERNAME
    assert admin["IsActive"] is True
    profile = store.get("Profile", admin["ProfileId"], ["Name"], api_version=V)
    assert profile["Name"] == "System Administrator"
    org = store.get("Organization", store.org_id, ["Name"], api_version=V)
    assert org["Name"]
    book = store.get(
        "Pricebook2", store.standard_pricebook_id, ["IsStandard", "Name"], api_version=V
    )
    assert book == {
        "attributes": book["attributes"],
        "IsStandard": True,
        "Name": "Standard Price Book",
    }


# ---- create -------------------------------------------------------------------------------------


def test_create_sets_id_system_fields_and_defaults(store, clock):
    record_id = store.create("Account", {"Name": "Acme"})
    assert ids.is_valid_id(record_id)
    assert len(record_id) == 18
    assert record_id.startswith("001")
    record = store.get("Account", record_id, api_version=V)
    stamp = "2024-05-15T12:30:00.000+0000"
    assert record["attributes"] == {
        "type": "Account",
        "url": f"/services/data/v{V}/sobjects/Account/{record_id}",
    }
    assert record["Id"] == record_id
    assert record["CreatedDate"] == record["LastModifiedDate"] == record["SystemModstamp"] == stamp
    assert (
        record["CreatedById"]
        == record["LastModifiedById"]
        == record["OwnerId"]
        == store.admin_user_id
    )
    assert record["IsDeleted"] is False
    assert record["BillingAddress"] is None


def test_create_as_another_user_sets_audit_and_owner(store):
    user = store.add_user("jo@example.com", last_name="Jones", first_name="Jo")
    record_id = store.create("Account", {"Name": "Acme"}, user_id=user)
    record = store.get(
        "Account", record_id, ["CreatedById", "LastModifiedById", "OwnerId"], api_version=V
    )
    assert record["CreatedById"] == record["LastModifiedById"] == record["OwnerId"] == user


def test_names_are_case_insensitive_and_output_is_canonical(store):
    record_id = store.create("aCCOUNT", {"name": "Acme", "INDUSTRY": "Banking"})
    record = store.get("ACCOUNT", record_id, ["NAME", "industry"], api_version=V)
    assert record == {"attributes": record["attributes"], "Name": "Acme", "Industry": "Banking"}
    assert record["attributes"]["type"] == "Account"
    assert store.object("oPpOrTuNiTy").name == "Opportunity"


def test_create_unknown_object_is_not_found(store):
    err = error_of(store.create, "Nope__c", {"Name": "x"})
    assert (err.status, err.error_code) == (404, "NOT_FOUND")


def test_create_unknown_field(store):
    err = error_of(store.create, "Account", {"Name": "Acme", "Colour__c": "red"})
    assert (err.status, err.error_code, err.fields) == (400, "INVALID_FIELD", ["Colour__c"])
    assert "Colour__c" in err.message


@pytest.mark.parametrize(
    "field", ["Id", "CreatedDate", "IsDeleted", "SystemModstamp", "BillingAddress"]
)
def test_create_read_only_field(store, field):
    value = {"Id": "001000000000000AAA", "IsDeleted": True, "BillingAddress": {}}.get(
        field, "2024-01-01T00:00:00Z"
    )
    err = error_of(store.create, "Account", {"Name": "Acme", field: value})
    assert (err.status, err.error_code, err.fields) == (
        400,
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        [field],
    )


def test_read_only_fields_are_all_listed(store):
    err = error_of(
        store.create,
        "Opportunity",
        {"Name": "x", "IsWon": True, "IsClosed": True, "StageName": "Prospecting"},
    )
    assert err.fields == ["IsWon", "IsClosed"]


def test_required_fields_missing(store):
    err = error_of(store.create, "Opportunity", {"Amount": 5})
    assert (err.status, err.error_code) == (400, "REQUIRED_FIELD_MISSING")
    assert err.fields == ["Name", "StageName", "CloseDate"]
    assert err.message == "Required fields are missing: [Name, StageName, CloseDate]"


def test_empty_string_counts_as_missing(store):
    err = error_of(store.create, "Account", {"Name": ""})
    assert (err.error_code, err.fields) == ("REQUIRED_FIELD_MISSING", ["Name"])


def test_type_errors(store):
    err = error_of(store.create, "Account", {"Name": "Acme", "NumberOfEmployees": "many"})
    assert (err.error_code, err.fields) == ("JSON_PARSER_ERROR", ["NumberOfEmployees"])
    err = error_of(store.create, "Account", {"Name": "x" * 256})
    assert (err.error_code, err.fields) == ("STRING_TOO_LONG", ["Name"])


def test_restricted_picklist(store):
    err = error_of(
        store.create,
        "Opportunity",
        {"Name": "o", "StageName": "Dreaming", "CloseDate": "2024-05-20"},
    )
    assert (err.error_code, err.fields) == (
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        ["StageName"],
    )
    # an unrestricted picklist takes any value
    record_id = make_account(store, Industry="Space Mining")
    assert (
        store.get("Account", record_id, ["Industry"], api_version=V)["Industry"] == "Space Mining"
    )


def test_picklist_defaults(store):
    lead = store.create("Lead", {"LastName": "Lee", "Company": "Lee Inc"})
    assert store.get("Lead", lead, ["Status"], api_version=V)["Status"] == "Open - Not Contacted"
    case = store.create("Case", {"Subject": "Broken"})
    record = store.get("Case", case, ["Status", "Priority", "CaseNumber"], api_version=V)
    assert (record["Status"], record["Priority"]) == ("New", "Medium")


def test_lookup_must_exist(store):
    missing = ids.IdGenerator(start=999_999).new("001")
    err = error_of(store.create, "Contact", {"LastName": "Doe", "AccountId": missing})
    assert (err.status, err.error_code, err.fields) == (
        400,
        "INVALID_CROSS_REFERENCE_KEY",
        ["AccountId"],
    )


def test_lookup_to_deleted_record(store):
    account = make_account(store)
    store.delete("Account", account)
    err = error_of(store.create, "Contact", {"LastName": "Doe", "AccountId": account})
    assert (err.error_code, err.fields) == ("INVALID_CROSS_REFERENCE_KEY", ["AccountId"])


def test_lookup_of_wrong_type(store):
    contact = store.create("Contact", {"LastName": "Doe"})
    err = error_of(store.create, "Contact", {"LastName": "Roe", "AccountId": contact})
    assert (err.error_code, err.fields) == ("MALFORMED_ID", ["AccountId"])
    err = error_of(store.create, "Task", {"Subject": "Call", "WhatId": contact})
    assert (err.error_code, err.fields) == ("FIELD_INTEGRITY_EXCEPTION", ["WhatId"])


def test_lookup_malformed(store):
    err = error_of(store.create, "Contact", {"LastName": "Roe", "AccountId": "garbage"})
    assert (err.error_code, err.fields) == ("MALFORMED_ID", ["AccountId"])


def test_lookup_accepts_15_char_and_lowercased_ids(store):
    account = make_account(store)
    first = store.create("Contact", {"LastName": "A", "AccountId": account[:15]})
    second = store.create("Contact", {"LastName": "B", "AccountId": account.lower()})
    for contact in (first, second):
        assert store.get("Contact", contact, ["AccountId"], api_version=V)["AccountId"] == account


def test_polymorphic_lookup(store):
    account = make_account(store)
    contact = store.create("Contact", {"LastName": "Doe", "AccountId": account})
    task = store.create("Task", {"Subject": "Call", "WhoId": contact})
    record = store.get("Task", task, ["WhoId", "AccountId", "Status", "IsClosed"], api_version=V)
    assert record["WhoId"] == contact
    assert record["AccountId"] == account
    assert (record["Status"], record["IsClosed"]) == ("Not Started", False)


# ---- get ----------------------------------------------------------------------------------------


def test_get_accepts_15_char_id(store):
    record_id = make_account(store)
    assert store.get("Account", record_id[:15], ["Name"], api_version=V)["Name"] == "Acme"


@pytest.mark.parametrize("bad", ["junk", "001", "0015g0000000001ZZZ", "0035g0000000001AAA"])
def test_get_bad_ids_are_not_found(store, bad):
    make_account(store)
    err = error_of(store.get, "Account", bad, api_version=V)
    assert (err.status, err.error_code) == (404, "NOT_FOUND")


def test_get_unknown_field(store):
    record_id = make_account(store)
    err = error_of(store.get, "Account", record_id, ["Name", "Nope"], api_version=V)
    assert (err.status, err.error_code, err.fields) == (400, "INVALID_FIELD", ["Nope"])


def test_get_assembles_addresses(store):
    record_id = make_account(
        store, BillingStreet="1 Main St", BillingCity="Springfield", BillingLatitude=1.5
    )
    record = store.get("Account", record_id, ["BillingAddress"], api_version=V)
    assert record["BillingAddress"] == {
        "city": "Springfield",
        "country": None,
        "countryCode": None,
        "geocodeAccuracy": None,
        "latitude": 1.5,
        "longitude": None,
        "postalCode": None,
        "state": None,
        "stateCode": None,
        "street": "1 Main St",
    }


def test_get_json_types(store):
    record_id = make_account(store, NumberOfEmployees="42", AnnualRevenue=1000)
    record = store.get(
        "Account", record_id, ["NumberOfEmployees", "AnnualRevenue", "IsDeleted"], api_version=V
    )
    assert (record["NumberOfEmployees"], type(record["NumberOfEmployees"])) == (42, int)
    assert (record["AnnualRevenue"], type(record["AnnualRevenue"])) == (1000.0, float)
    assert record["IsDeleted"] is False


def test_get_deleted_record(store):
    record_id = make_account(store)
    store.delete("Account", record_id)
    assert error_of(store.get, "Account", record_id, api_version=V).error_code == "NOT_FOUND"
    record = store.get("Account", record_id, ["IsDeleted"], api_version=V, include_deleted=True)
    assert record["IsDeleted"] is True


# ---- update -------------------------------------------------------------------------------------


def test_update_changes_fields_and_audit(store, clock):
    record_id = make_account(store, Industry="Banking", Phone="555")
    clock.advance(minutes=5)
    user = store.add_user("jo@example.com", last_name="Jones")
    store.update("account", record_id, {"name": "Acme 2", "Phone": None}, user_id=user)
    record = store.get("Account", record_id, api_version=V)
    assert (record["Name"], record["Phone"], record["Industry"]) == ("Acme 2", None, "Banking")
    assert record["LastModifiedDate"] == record["SystemModstamp"] == "2024-05-15T12:35:00.000+0000"
    assert record["CreatedDate"] == "2024-05-15T12:30:00.000+0000"
    assert record["LastModifiedById"] == user
    assert record["CreatedById"] == store.admin_user_id


def test_update_cannot_clear_required_field(store):
    record_id = make_account(store)
    err = error_of(store.update, "Account", record_id, {"Name": None})
    assert (err.error_code, err.fields) == ("REQUIRED_FIELD_MISSING", ["Name"])


def test_update_read_only_and_unknown_fields(store):
    record_id = make_account(store)
    assert error_of(store.update, "Account", record_id, {"CreatedDate": None}).error_code == (
        "INVALID_FIELD_FOR_INSERT_UPDATE"
    )
    assert error_of(store.update, "Account", record_id, {"Bogus": 1}).error_code == "INVALID_FIELD"


def test_update_create_only_field(store):
    account = make_account(store)
    attachment = store.create("Attachment", {"Name": "a.txt", "ParentId": account, "Body": "aGk="})
    err = error_of(store.update, "Attachment", attachment, {"ParentId": account})
    assert (err.error_code, err.fields) == ("INVALID_FIELD_FOR_INSERT_UPDATE", ["ParentId"])


def test_update_accepts_its_own_id_in_the_body(store):
    record_id = make_account(store)
    store.update("Account", record_id, {"Id": record_id[:15], "Name": "B"})
    assert store.get("Account", record_id, ["Name"], api_version=V)["Name"] == "B"
    other = make_account(store)
    err = error_of(store.update, "Account", record_id, {"Id": other})
    assert err.error_code == "INVALID_FIELD_FOR_INSERT_UPDATE"


def test_update_unknown_deleted_and_malformed(store):
    record_id = make_account(store)
    unknown = ids.IdGenerator(start=10**6).new("001")
    err = error_of(store.update, "Account", unknown, {"Name": "x"})
    assert (err.status, err.error_code) == (404, "NOT_FOUND")
    store.delete("Account", record_id)
    err = error_of(store.update, "Account", record_id, {"Name": "x"})
    assert (err.status, err.error_code) == (404, "ENTITY_IS_DELETED")
    err = error_of(store.update, "Account", "nonsense", {"Name": "x"})
    assert (err.status, err.error_code) == (400, "MALFORMED_ID")


def test_update_with_no_change_still_bumps_timestamps(store, clock):
    record_id = make_account(store)
    clock.advance(seconds=1)
    store.update("Account", record_id, {})
    record = store.get("Account", record_id, ["SystemModstamp"], api_version=V)
    assert record["SystemModstamp"] == "2024-05-15T12:30:01.000+0000"


# ---- unique / external ids ----------------------------------------------------------------------


@pytest.fixture
def ext_store(store):
    store.define_field(
        "Account", FieldDef("External_Id__c", "string", length=40, external_id=True, unique=True)
    )
    return store


def test_duplicate_external_id_is_rejected_case_insensitively(ext_store):
    first = make_account(ext_store, External_Id__c="ABC-1")
    err = error_of(make_account, ext_store, External_Id__c="abc-1")
    assert (err.status, err.error_code) == (400, "DUPLICATE_VALUE")
    assert first in err.message
    second = make_account(ext_store, External_Id__c="ABC-2")
    err = error_of(ext_store.update, "Account", second, {"External_Id__c": "Abc-1"})
    assert err.error_code == "DUPLICATE_VALUE"
    # setting a record's own value again is no clash
    ext_store.update("Account", first, {"External_Id__c": "ABC-1"})


def test_deleted_records_do_not_hold_unique_values(ext_store):
    first = make_account(ext_store, External_Id__c="X")
    ext_store.delete("Account", first)
    second = make_account(ext_store, External_Id__c="X")
    assert second != first
    assert ext_store.find_by_external_id("Account", "External_Id__c", "X") == [second]


def test_duplicate_username(store):
    store.add_user("a@example.com", last_name="A")
    err = error_of(store.add_user, "A@EXAMPLE.com", last_name="B")
    assert (err.error_code, err.fields) == ("DUPLICATE_USERNAME", ["Username"])


def test_find_by_external_id(ext_store):
    first = make_account(ext_store, External_Id__c="K1")
    assert ext_store.find_by_external_id("account", "external_id__c", "k1") == [first]
    assert ext_store.find_by_external_id("Account", "External_Id__c", "K2") == []
    assert ext_store.find_by_external_id("Account", "Id", first) == [first]
    assert ext_store.find_by_external_id("Account", "Id", first[:15]) == [first]
    assert ext_store.find_by_external_id("Account", "Id", "junk") == []


@pytest.mark.parametrize("field", ["Name", "Nope__c"])
def test_find_by_non_external_field_is_not_found(ext_store, field):
    err = error_of(ext_store.find_by_external_id, "Account", field, "x")
    assert (err.status, err.error_code) == (404, "NOT_FOUND")


def test_upsert_inserts_then_updates(ext_store):
    record_id, created = ext_store.upsert("Account", "External_Id__c", "U1", {"Name": "First"})
    assert created
    assert (
        ext_store.get("Account", record_id, ["External_Id__c", "Name"], api_version=V)[
            "External_Id__c"
        ]
        == "U1"
    )
    again, created = ext_store.upsert("Account", "external_id__c", "u1", {"Name": "Second"})
    assert (again, created) == (record_id, False)
    assert ext_store.get("Account", record_id, ["Name"], api_version=V)["Name"] == "Second"
    assert ext_store.count("Account") == 1


def test_upsert_validation_errors(ext_store):
    err = error_of(ext_store.upsert, "Account", "External_Id__c", "U1", {"Industry": "Banking"})
    assert (err.error_code, err.fields) == ("REQUIRED_FIELD_MISSING", ["Name"])
    assert ext_store.count("Account") == 0


def test_upsert_multiple_matches(store):
    store.define_field("Account", FieldDef("Code__c", "string", length=20, external_id=True))
    a = make_account(store, Code__c="dup")
    b = make_account(store, Code__c="DUP")
    with pytest.raises(MultipleMatches) as info:
        store.upsert("Account", "Code__c", "dup", {"Name": "changed"})
    assert (info.value.status, sorted(info.value.ids)) == (300, sorted([a, b]))
    assert info.value.object_name == "Account"
    names = {store.get("Account", i, ["Name"], api_version=V)["Name"] for i in (a, b)}
    assert names == {"Acme"}


def test_upsert_by_id(store):
    record_id, created = store.upsert("Account", "Id", "", {"Name": "New"})
    assert created
    same, created = store.upsert("Account", "id", record_id, {"Name": "Changed"})
    assert (same, created) == (record_id, False)
    unknown = ids.IdGenerator(start=10**6).new("001")
    assert error_of(store.upsert, "Account", "Id", unknown, {"Name": "x"}).error_code == "NOT_FOUND"


# ---- delete -------------------------------------------------------------------------------------


def test_soft_delete(store, clock):
    record_id = make_account(store)
    clock.advance(hours=1)
    store.delete("Account", record_id)
    assert store.count("Account") == 0
    assert store.count("Account", include_deleted=True) == 1
    row = store.read_row("Account", record_id)
    assert (row["IsDeleted"], row["SystemModstamp"]) == (1, "2024-05-15T13:30:00.000+0000")
    err = error_of(store.delete, "Account", record_id)
    assert (err.status, err.error_code) == (404, "ENTITY_IS_DELETED")


def test_hard_delete(store):
    record_id = make_account(store)
    store.delete("Account", record_id, hard=True)
    assert store.count("Account", include_deleted=True) == 0
    assert error_of(store.delete, "Account", record_id).error_code == "NOT_FOUND"


def test_hard_delete_of_soft_deleted_record(store):
    record_id = make_account(store)
    store.delete("Account", record_id)
    store.delete("Account", record_id, hard=True)
    assert store.read_row("Account", record_id) is None


def test_delete_unknown_and_malformed(store):
    unknown = ids.IdGenerator(start=10**6).new("001")
    assert error_of(store.delete, "Account", unknown).error_code == "NOT_FOUND"
    assert error_of(store.delete, "Account", "x").error_code == "MALFORMED_ID"


def test_cascade_delete(store):
    account = make_account(store)
    contact = store.create("Contact", {"LastName": "Doe", "AccountId": account})
    opportunity = store.create(
        "Opportunity",
        {"Name": "O", "StageName": "Prospecting", "CloseDate": "2024-06-01", "AccountId": account},
    )
    role = store.create(
        "OpportunityContactRole", {"OpportunityId": opportunity, "ContactId": contact}
    )
    unrelated = store.create("Contact", {"LastName": "Other"})
    store.delete("Account", account)
    for name, record_id in (
        ("Contact", contact),
        ("Opportunity", opportunity),
        ("OpportunityContactRole", role),
    ):
        assert store.read_row(name, record_id)["IsDeleted"] == 1, name
    assert store.read_row("Contact", unrelated)["IsDeleted"] == 0


def test_cascade_hard_delete_removes_children(store):
    account = make_account(store)
    contact = store.create("Contact", {"LastName": "Doe", "AccountId": account})
    store.delete("Account", account, hard=True)
    assert store.read_row("Contact", contact) is None


def test_non_deletable_object(store):
    err = error_of(store.delete, "User", store.admin_user_id)
    assert err.error_code == "INVALID_TYPE_FOR_OPERATION"


def test_non_createable_object(store):
    err = error_of(store.create, "Organization", {})
    assert err.error_code == "INVALID_TYPE_FOR_OPERATION"


# ---- deleted / updated ranges ------------------------------------------------------------------


def test_deleted_and_updated_between(store, clock):
    start = clock.current
    kept = make_account(store)
    gone = make_account(store)
    clock.advance(minutes=10)
    store.delete("Account", gone)
    end = clock.advance(minutes=1)
    assert store.deleted_between("Account", start, end) == [
        {"id": gone, "deletedDate": "2024-05-15T12:40:00.000+0000"}
    ]
    assert store.deleted_between("Account", start, start + dt.timedelta(minutes=5)) == []
    assert store.updated_between("Account", start, end) == [kept]
    clock.advance(minutes=10)
    store.update("Account", kept, {"Phone": "1"})
    assert store.updated_between("Account", end, clock.current) == [kept]
    assert store.updated_between("Account", start, end) == []


# ---- blobs --------------------------------------------------------------------------------------


def test_blob_roundtrip(store):
    account = make_account(store)
    attachment = store.create(
        "Attachment",
        {
            "Name": "hello.txt",
            "ParentId": account,
            "Body": "SGVsbG8gd29ybGQ=",
            "ContentType": "text/plain",
        },
    )
    assert store.get_blob("attachment", attachment, "body") == b"Hello world"
    record = store.get("Attachment", attachment, api_version=V)
    assert record["Body"] == f"/services/data/v{V}/sobjects/Attachment/{attachment}/Body"
    assert record["BodyLength"] == 11


def test_blob_from_bytes_and_update(store):
    account = make_account(store)
    attachment = store.create(
        "Attachment", {"Name": "a.bin", "ParentId": account, "Body": b"\x00\x01"}
    )
    store.update("Attachment", attachment, {"Body": b"abc"})
    assert store.get_blob("Attachment", attachment, "Body") == b"abc"
    assert store.get("Attachment", attachment, ["BodyLength"], api_version=V)["BodyLength"] == 3


def test_blob_errors(store):
    account = make_account(store)
    err = error_of(store.create, "Attachment", {"Name": "a", "ParentId": account})
    assert (err.error_code, err.fields) == ("REQUIRED_FIELD_MISSING", ["Body"])
    err = error_of(
        store.create, "Attachment", {"Name": "a", "ParentId": account, "Body": "not base64!"}
    )
    assert err.error_code == "JSON_PARSER_ERROR"
    document = store.create(
        "Document", {"Name": "link", "FolderId": store.admin_user_id, "Url": "https://x"}
    )
    assert error_of(store.get_blob, "Document", document, "Body").error_code == "NOT_FOUND"
    assert error_of(store.get_blob, "Account", account, "Name").error_code == "NOT_FOUND"
    assert error_of(store.get_blob, "Document", "junk", "Body").error_code == "NOT_FOUND"


# ---- transactions -------------------------------------------------------------------------------


def test_transaction_commits(store):
    with store.transaction():
        make_account(store)
        make_account(store)
    assert store.count("Account") == 2


def test_transaction_rolls_back_on_error(store):
    kept = make_account(store)

    def group():
        with store.transaction():
            make_account(store)
            store.update("Account", kept, {"Name": "Changed"})
            store.create("Account", {})

    assert error_of(group).error_code == "REQUIRED_FIELD_MISSING"
    assert store.count("Account") == 1
    assert store.get("Account", kept, ["Name"], api_version=V)["Name"] == "Acme"


def test_nested_transaction_rolls_back_only_inner_block(store):
    with store.transaction():
        make_account(store, Name="outer")
        try:
            with store.transaction():
                make_account(store, Name="inner")
                raise LookupError("boom")
        except LookupError:
            pass
        make_account(store, Name="after")
    names = sorted(r["Name"] for r in store.execute('SELECT "Name" FROM "Account"'))
    assert names == ["after", "outer"]


def test_failed_create_leaves_nothing_behind(store):
    # ContentVersion creates its ContentDocument first; a later failure must undo it.
    err = error_of(
        store.create,
        "ContentVersion",
        {
            "PathOnClient": "a.txt",
            "VersionData": "aGk=",
            "FirstPublishLocationId": "001000000000000AAA",
        },
    )
    assert err.error_code == "INVALID_CROSS_REFERENCE_KEY"
    assert store.count("ContentDocument") == 0


def test_schema_change_rolled_back_with_transaction(store):
    def change_then_fail():
        with store.transaction():
            store.define_object("Temp__c")
            store.define_field("Account", FieldDef("Temp__c", "string"))
            raise RuntimeError("undo")

    with pytest.raises(RuntimeError, match="undo"):
        change_then_fail()
    assert "Temp__c" not in store.schema
    assert store.object("Account").field("Temp__c") is None
    assert error_of(store.create, "Temp__c", {}).error_code == "NOT_FOUND"
    # and the names are free again
    store.define_object("Temp__c")
    store.define_field("Account", FieldDef("Temp__c", "string"))


def test_store_is_usable_from_many_threads(store):
    errors = []

    def work(n):
        try:
            for i in range(50):
                store.create("Account", {"Name": f"T{n}-{i}"})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count("Account") == 200


# ---- custom objects and fields -----------------------------------------------------------------


def test_define_object(store):
    obj = store.define_object(
        "Invoice__c",
        [
            FieldDef("Amount__c", "currency", precision=18, scale=2),
            FieldDef(
                "Account__c",
                "reference",
                reference_to=["Account"],
                child_relationship_name="Invoices__r",
            ),
        ],
        label="Invoice",
    )
    assert (obj.key_prefix, obj.custom) == ("a00", True)
    assert obj.field("Name").name_field
    assert obj.field("Account__c").relationship_name == "Account__r"
    assert obj.field("OwnerId") is not None
    account = make_account(store)
    invoice = store.create("invoice__c", {"amount__c": 12.5, "Account__c": account})
    record = store.get("Invoice__c", invoice, ["Name", "Amount__c", "Account__c"], api_version=V)
    assert record["Name"] == invoice  # an empty Name defaults to the id
    assert record["Amount__c"] == 12.5
    assert invoice.startswith("a00")
    assert [r.relationship_name for r in store.schema.child_relationships("Account")].count(
        "Invoices__r"
    ) == 1
    assert store.define_object("Second__c").key_prefix == "a01"


@pytest.mark.parametrize("name", ["Invoice", "Account", "1Bad__c"])
def test_define_object_rejects_bad_names(store, name):
    with pytest.raises(ValueError, match="Invoice__c"):
        store.define_object(name)


def test_define_object_twice(store):
    store.define_object("Invoice__c")
    with pytest.raises(ValueError, match="already exists"):
        store.define_object("INVOICE__c")


def test_define_field_rules(store):
    with pytest.raises(ValueError, match="__c"):
        store.define_field("Account", FieldDef("Colour", "string"))
    store.define_field("Account", FieldDef("Colour__c", "string"))
    with pytest.raises(ValueError, match="already has"):
        store.define_field("Account", FieldDef("colour__c", "string"))
    with pytest.raises(SalesforceError):
        store.define_field("Nope__c", FieldDef("X__c", "string"))


def test_define_field_on_table_with_rows(store):
    record_id = make_account(store)
    store.define_field("Account", FieldDef("Active__c", "boolean"))
    store.define_field("Account", FieldDef("Score__c", "double", precision=5))
    record = store.get("Account", record_id, ["Active__c", "Score__c"], api_version=V)
    assert (record["Active__c"], record["Score__c"]) == (False, None)
    store.update("Account", record_id, {"Score__c": 4})
    assert store.get("Account", record_id, ["Score__c"], api_version=V)["Score__c"] == 4.0


def test_master_detail_style_custom_field_cascades(store):
    store.define_object(
        "Line__c",
        [FieldDef("Account__c", "reference", reference_to=["Account"], cascade_delete=True)],
    )
    account = make_account(store)
    line = store.create("Line__c", {"Account__c": account})
    store.delete("Account", account)
    assert store.read_row("Line__c", line)["IsDeleted"] == 1


# ---- file databases -----------------------------------------------------------------------------


def test_reopened_file_keeps_records_custom_schema_and_id_sequence(tmp_path, clock):
    path = str(tmp_path / "org.db")
    with Store(path, clock=clock) as first:
        org_id, admin = first.org_id, first.admin_user_id
        first.define_object(
            "Invoice__c", [FieldDef("Total__c", "currency", precision=18, scale=2)], label="Invoice"
        )
        first.define_field(
            "Account", FieldDef("External_Id__c", "string", external_id=True, unique=True)
        )
        account = first.create("Account", {"Name": "Acme", "External_Id__c": "E1"})
        invoice = first.create("Invoice__c", {"Total__c": 10})
        last = first.create("Account", {"Name": "Gone"})
        first.delete("Account", last, hard=True)

    with Store(path, clock=clock) as second:
        assert (second.org_id, second.admin_user_id) == (org_id, admin)
        assert second.get("Invoice__c", invoice, ["Total__c"], api_version=V)["Total__c"] == 10.0
        assert second.object("invoice__c").label == "Invoice"
        assert second.object("Account").field("External_Id__c").external_id
        assert second.find_by_external_id("Account", "External_Id__c", "e1") == [account]
        fresh = second.create("Account", {"Name": "New"})
        assert fresh not in (account, invoice, last)
        assert fresh[6:15] > last[6:15]  # base-62 counters sort as text
        assert second.count("User") == 1  # no second bootstrap


def test_two_stores_on_one_file_see_each_others_writes(tmp_path):
    path = str(tmp_path / "org.db")
    with Store(path) as writer, Store(path) as reader:
        record_id = writer.create("Account", {"Name": "Shared"})
        assert reader.get("Account", record_id, ["Name"], api_version=V)["Name"] == "Shared"


# ---- execute / now ------------------------------------------------------------------------------


def test_execute_returns_rows_and_case_insensitive_text(store):
    make_account(store, Name="Acme")
    rows = store.execute('SELECT "Name" FROM "Account" WHERE "Name" = ?', ["ACME"])
    assert [r["Name"] for r in rows] == ["Acme"]


def test_now_uses_the_clock(store, clock):
    assert store.now() == clock.current
    with Store(clock=lambda: dt.datetime(2024, 1, 1, 0, 0)) as naive:
        assert naive.now().tzinfo is not None


def test_create_system_allows_read_only_fields_and_fixed_ids(store):
    fixed = "0010Y0000055YG7QAM"
    record_id = store.create_system(
        "Account", {"Name": "Fixed", "CreatedDate": "2020-01-01T00:00:00Z"}, record_id=fixed[:15]
    )
    assert record_id == fixed
    assert store.get("Account", fixed, ["CreatedDate"], api_version=V)["CreatedDate"] == (
        "2020-01-01T00:00:00.000+0000"
    )
    with pytest.raises(ValueError, match="Account"):
        store.create_system("Account", {"Name": "x"}, record_id="0035g0000000001AAA")


def test_create_system_with_a_taken_id(store):
    record_id = make_account(store)
    err = error_of(store.create_system, "Account", {"Name": "Again"}, record_id=record_id)
    assert (err.error_code, err.fields) == ("DUPLICATE_VALUE", ["Id"])


def test_create_system_with_one_of_our_ids_moves_the_generator(store):
    ahead = ids.IdGenerator(start=10**6).new("001")
    store.create_system("Account", {"Name": "Ahead"}, record_id=ahead)
    assert make_account(store)[6:15] > ahead[6:15]


def test_define_object_with_a_taken_key_prefix_changes_nothing(store):
    store.define_object("First__c")
    with pytest.raises(ValueError, match="prefix"):
        store.define_object("Second__c", key_prefix="a00")
    assert "Second__c" not in store.schema
    assert store.define_object("Second__c").key_prefix == "a01"


def test_custom_reference_fields_are_checked(store):
    with pytest.raises(ValueError, match="unknown object"):
        store.define_field("Account", FieldDef("Thing__c", "reference", reference_to=["Nope__c"]))
    with pytest.raises(ValueError, match="reference_to"):
        store.define_field("Account", FieldDef("Thing__c", "reference"))
    node = store.define_object(
        "Node__c", [FieldDef("Parent__c", "reference", reference_to=["node__C"])]
    )
    assert node.field("Parent__c").reference_to == ("Node__c",)
    field = store.define_field(
        "Contact", FieldDef("Best__c", "reference", reference_to=["account"])
    )
    assert field.reference_to == ("Account",)
    root = store.create("Node__c", {"Name": "root"})
    leaf = store.create("Node__c", {"Name": "leaf", "Parent__c": root})
    assert store.get("Node__c", leaf, ["Parent__c"], api_version=V)["Parent__c"] == root


def test_update_system_may_set_read_only_fields(store):
    record_id = make_account(store)
    store.update_system("Account", record_id, {"LastActivityDate": "2024-05-01"})
    assert store.get("Account", record_id, ["LastActivityDate"], api_version=V) == {
        "attributes": {
            "type": "Account",
            "url": f"/services/data/v{V}/sobjects/Account/{record_id}",
        },
        "LastActivityDate": "2024-05-01",
    }
    err = error_of(store.update, "Account", record_id, {"LastActivityDate": "2024-05-02"})
    assert err.error_code == "INVALID_FIELD_FOR_INSERT_UPDATE"


def test_non_updateable_object(store):
    err = error_of(store.update, "Organization", store.org_id, {"Name": "x"})
    assert err.error_code == "INVALID_TYPE_FOR_OPERATION"
    err = error_of(store.upsert, "Organization", "Id", store.org_id, {"Name": "x"})
    assert err.error_code == "INVALID_TYPE_FOR_OPERATION"


def test_new_id_never_collides_with_records(store):
    made = store.new_id("a0B")
    assert ids.is_valid_id(made)
    assert made.startswith("a0B")
    assert make_account(store)[6:15] > made[6:15]


def test_store_is_a_context_manager(tmp_path):
    path = str(tmp_path / "cm.db")
    with Store(path) as first:
        record_id = first.create("Account", {"Name": "Kept"})
    with Store(path) as second:
        assert second.get("Account", record_id, ["Name"], api_version=V)["Name"] == "Kept"


def test_read_row_returns_storage_form(store):
    record_id = make_account(store, NumberOfEmployees=3)
    row = store.read_row("account", record_id[:15])
    assert (row["Id"], row["NumberOfEmployees"], row["IsDeleted"]) == (record_id, 3, 0)
    assert store.read_row("Account", "junk") is None


# ---- foreign keys by external id ---------------------------------------------------------------


def test_lookup_by_parent_external_id_in_json(ext_store):
    account = make_account(ext_store, External_Id__c="P-1")
    contact = ext_store.create("Contact", {"LastName": "Doe", "account": {"external_id__c": "p-1"}})
    assert ext_store.get("Contact", contact, ["AccountId"], api_version=V)["AccountId"] == account
    ext_store.update("Contact", contact, {"Account": None})
    assert ext_store.get("Contact", contact, ["AccountId"], api_version=V)["AccountId"] is None
    ext_store.update("Contact", contact, {"Account": {"Id": account}})
    assert ext_store.get("Contact", contact, ["AccountId"], api_version=V)["AccountId"] == account


def test_lookup_by_parent_external_id_in_csv(ext_store):
    account = make_account(ext_store, External_Id__c="P-2")
    contact = ext_store.create(
        "Contact", {"LastName": "Doe", "Account.External_Id__c": "P-2"}, source="text"
    )
    assert ext_store.get("Contact", contact, ["AccountId"], api_version=V)["AccountId"] == account
    ext_store.update("Contact", contact, {"Account.External_Id__c": ""}, source="text")
    assert ext_store.get("Contact", contact, ["AccountId"], api_version=V)["AccountId"] == account
    ext_store.update("Contact", contact, {"Account.External_Id__c": "#N/A"}, source="text")
    assert ext_store.get("Contact", contact, ["AccountId"], api_version=V)["AccountId"] is None


def test_polymorphic_lookup_by_external_id(ext_store):
    account = make_account(ext_store, External_Id__c="P-3")
    task = ext_store.create(
        "Task",
        {"Subject": "Call", "What": {"attributes": {"type": "Account"}, "External_Id__c": "P-3"}},
    )
    assert ext_store.get("Task", task, ["WhatId"], api_version=V)["WhatId"] == account
    other = ext_store.create(
        "Task", {"Subject": "Call", "Account:What.External_Id__c": "P-3"}, source="text"
    )
    assert ext_store.get("Task", other, ["WhatId"], api_version=V)["WhatId"] == account
    err = error_of(ext_store.create, "Task", {"Subject": "x", "What": {"External_Id__c": "P-3"}})
    assert (err.error_code, err.fields) == ("INVALID_FIELD", ["WhatId"])


def test_owner_by_username(store):
    user = store.add_user("owner@example.com", last_name="Owner")
    record_id = store.create(
        "Account", {"Name": "Owned", "Owner": {"Username": "OWNER@example.com"}}
    )
    assert store.get("Account", record_id, ["OwnerId"], api_version=V)["OwnerId"] == user


def test_foreign_key_errors(ext_store):
    make_account(ext_store, External_Id__c="D-1")
    err = error_of(
        ext_store.create, "Contact", {"LastName": "x", "Account": {"External_Id__c": "none"}}
    )
    assert (err.error_code, err.fields) == ("INVALID_FIELD", ["AccountId"])
    assert "none" in err.message
    err = error_of(ext_store.create, "Contact", {"LastName": "x", "Account": {"Name": "Acme"}})
    assert (err.error_code, err.fields) == ("INVALID_FIELD", ["AccountId"])
    err = error_of(
        ext_store.create,
        "Contact",
        {"LastName": "x", "Account": {"External_Id__c": "D-1", "Id": "1"}},
    )
    assert err.error_code == "INVALID_FIELD"
    err = error_of(ext_store.create, "Contact", {"LastName": "x", "Account": "D-1"})
    assert (err.error_code, err.fields) == ("INVALID_FIELD", ["Account"])
    ext_store.define_field("Account", FieldDef("Code__c", "string", external_id=True))
    make_account(ext_store, Code__c="same")
    make_account(ext_store, Code__c="SAME")
    err = error_of(ext_store.create, "Contact", {"LastName": "x", "Account": {"Code__c": "same"}})
    assert (err.error_code, err.fields) == ("DUPLICATE_EXTERNAL_ID", ["AccountId"])
