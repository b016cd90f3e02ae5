import pytest

from salesforcepy.fakeorg import describe
from salesforcepy.fakeorg.errors import SalesforceError
from salesforcepy.fakeorg.schema import FieldDef

V = "58.0"
LAYOUTS = "/services/data/v58.0/sobjects/Account/describe/layouts/"

# Top-level keys of sObject describe observed in real responses (wire reference 5.3).
DESCRIBE_KEYS = set(
    [
        "actionOverrides",
        "activateable",
        "childRelationships",
        "compactLayoutable",
        "createable",
        "custom",
        "customSetting",
        "deletable",
        "deprecatedAndHidden",
        "feedEnabled",
        "fields",
        "hasSubtypes",
        "isSubtype",
        "keyPrefix",
        "label",
        "labelPlural",
        "layoutable",
        "listviewable",
        "lookupLayoutable",
        "mergeable",
        "mruEnabled",
        "name",
        "namedLayoutInfos",
        "networkScopeFieldName",
        "queryable",
        "recordTypeInfos",
        "replicateable",
        "retrieveable",
        "searchLayoutable",
        "searchable",
        "supportedScopes",
        "triggerable",
        "undeletable",
        "updateable",
        "urls",
    ]
)
# Keys of a describeGlobal entry (wire reference 5.1).
GLOBAL_KEYS = set(
    [
        "activateable",
        "createable",
        "custom",
        "customSetting",
        "deletable",
        "deprecatedAndHidden",
        "feedEnabled",
        "keyPrefix",
        "label",
        "labelPlural",
        "layoutable",
        "mergeable",
        "mruEnabled",
        "name",
        "queryable",
        "replicateable",
        "retrieveable",
        "searchable",
        "triggerable",
        "undeletable",
        "updateable",
        "urls",
    ]
)


def test_describe_global(store):
    body = describe.describe_global(store, V)
    assert (body["encoding"], body["maxBatchSize"]) == ("UTF-8", 200)
    names = [entry["name"] for entry in body["sobjects"]]
    assert names == sorted(names, key=str.lower)
    assert {"Account", "Contact", "Opportunity", "User", "ContentVersion"} <= set(names)
    account = next(e for e in body["sobjects"] if e["name"] == "Account")
    assert set(account) >= GLOBAL_KEYS
    assert (account["keyPrefix"], account["label"], account["labelPlural"]) == (
        "001",
        "Account",
        "Accounts",
    )
    assert account["urls"] == {
        "sobject": "/services/data/v58.0/sobjects/Account",
        "describe": "/services/data/v58.0/sobjects/Account/describe",
        "rowTemplate": "/services/data/v58.0/sobjects/Account/{ID}",
        "layouts": "/services/data/v58.0/sobjects/Account/describe/layouts",
        "compactLayouts": "/services/data/v58.0/sobjects/Account/describe/compactLayouts",
        "approvalLayouts": "/services/data/v58.0/sobjects/Account/describe/approvalLayouts",
        "listviews": "/services/data/v58.0/sobjects/Account/listviews",
        "quickActions": "/services/data/v58.0/sobjects/Account/quickActions",
        "defaultValues": "/services/data/v58.0/sobjects/Account/defaultValues?recordTypeId&fields",
    }
    organization = next(e for e in body["sobjects"] if e["name"] == "Organization")
    assert not (organization["createable"])
    assert not (organization["deletable"])


def test_describe_global_follows_the_version(store):
    entry = describe.describe_global(store, "60.0")["sobjects"][0]
    assert entry["urls"]["sobject"].startswith("/services/data/v60.0/sobjects/")


def test_describe_sobject_shape(store):
    body = describe.describe_sobject(store, "account", V)
    assert set(body) >= DESCRIBE_KEYS
    assert body["name"] == "Account"
    fields = {f["name"]: f for f in body["fields"]}
    assert list(fields)[:2] == ["Id", "IsDeleted"]
    assert fields["Name"]["nillable"] is False
    assert fields["Name"]["nameField"] is True
    assert fields["Id"]["type"] == "id"
    assert fields["Industry"]["type"] == "picklist"
    assert {
        k: v for k, v in fields["Industry"]["picklistValues"][1].items() if k != "validFor"
    } == {"value": "Apparel", "label": "Apparel", "active": True, "defaultValue": False}
    assert fields["BillingAddress"]["type"] == "address"
    assert fields["BillingCity"]["compoundFieldName"] == "BillingAddress"
    assert fields["ParentId"]["referenceTo"] == ["Account"]
    assert fields["ParentId"]["relationshipName"] == "Parent"
    contacts = next(r for r in body["childRelationships"] if r["relationshipName"] == "Contacts")
    assert contacts == {
        "cascadeDelete": True,
        "childSObject": "Contact",
        "deprecatedAndHidden": False,
        "field": "AccountId",
        "junctionIdListNames": [],
        "junctionReferenceTo": [],
        "relationshipName": "Contacts",
        "restrictedDelete": False,
    }
    assert body["urls"]["describe"] == "/services/data/v58.0/sobjects/Account/describe"
    assert "uiDetailTemplate" not in body["urls"]
    assert {s["name"] for s in body["supportedScopes"]} == {"everything", "mine"}


def test_describe_ui_urls_with_instance_url(store):
    body = describe.describe_sobject(store, "Account", V, instance_url="https://127.0.0.1:8443/")
    assert body["urls"]["uiDetailTemplate"] == "https://127.0.0.1:8443/{ID}"
    assert body["urls"]["uiNewRecord"] == "https://127.0.0.1:8443/001/e"


def test_record_type_infos(store):
    master = describe.describe_sobject(store, "Account", V)["recordTypeInfos"]
    assert master == [
        {
            "active": True,
            "available": True,
            "defaultRecordTypeMapping": True,
            "developerName": "Master",
            "master": True,
            "name": "Master",
            "recordTypeId": "012000000000000AAA",
            "urls": {"layout": LAYOUTS + "012000000000000AAA"},
        }
    ]
    partner = store.create(
        "RecordType", {"Name": "Partner", "DeveloperName": "Partner", "SobjectType": "Account"}
    )
    store.create(
        "RecordType",
        {"Name": "Old", "DeveloperName": "Old", "SobjectType": "Account", "IsActive": False},
    )
    infos = describe.describe_sobject(store, "Account", V)["recordTypeInfos"]
    assert [(i["recordTypeId"], i["defaultRecordTypeMapping"]) for i in infos] == [
        (partner, True),
        ("012000000000000AAA", False),
    ]


def test_describe_sees_custom_fields_and_objects(store):
    before = describe.describe_sobject(store, "Account", V)
    assert not any(f["name"] == "Tier__c" for f in before["fields"])
    store.define_field(
        "Account", FieldDef("Tier__c", "picklist", picklist_values=["Gold", "Silver"])
    )
    store.define_object(
        "Invoice__c",
        [
            FieldDef(
                "Account__c",
                "reference",
                reference_to=["Account"],
                child_relationship_name="Invoices__r",
            )
        ],
    )
    after = describe.describe_sobject(store, "Account", V)
    tier = next(f for f in after["fields"] if f["name"] == "Tier__c")
    assert (tier["custom"], tier["type"]) == (True, "picklist")
    assert any(r["relationshipName"] == "Invoices__r" for r in after["childRelationships"])
    invoice = describe.describe_sobject(store, "invoice__c", V)
    assert (invoice["custom"], invoice["keyPrefix"]) == (True, "a00")
    names = [e["name"] for e in describe.describe_global(store, V)["sobjects"]]
    assert "Invoice__c" in names


def test_basic_info(store, clock):
    first = store.create("Account", {"Name": "First"})
    clock.advance(seconds=1)
    second = store.create("Account", {"Name": "Second"})
    body = describe.basic_info(store, "ACCOUNT", V)
    assert body["objectDescribe"]["name"] == "Account"
    assert body["objectDescribe"]["urls"]["rowTemplate"].endswith("/Account/{ID}")
    assert body["recentItems"] == [
        {
            "attributes": {
                "type": "Account",
                "url": f"/services/data/v58.0/sobjects/Account/{second}",
            },
            "Id": second,
            "Name": "Second",
        },
        {
            "attributes": {
                "type": "Account",
                "url": f"/services/data/v58.0/sobjects/Account/{first}",
            },
            "Id": first,
            "Name": "First",
        },
    ]


def test_basic_info_of_object_without_records_or_name(store):
    body = describe.basic_info(store, "OpportunityContactRole", V)
    assert body["recentItems"] == []


@pytest.mark.parametrize("call", [describe.describe_sobject, describe.basic_info])
def test_unknown_object(store, call):
    with pytest.raises(SalesforceError) as info:
        call(store, "Nope__c", V)
    assert (info.value.status, info.value.error_code) == (404, "NOT_FOUND")


def test_schema_modified_moves_with_schema_changes(store, clock):
    before = store.schema_modified
    clock.advance(minutes=1)
    store.define_field("Account", FieldDef("Tier__c", "string"))
    assert store.schema_modified == clock.current
    assert store.schema_modified > before
