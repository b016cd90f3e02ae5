import pytest

from salesforcepy.fakeorg.standard_objects import build_schema

# Key prefixes from the wire reference, section 5.13.
PREFIXES = {
    "Account": "001",
    "Contact": "003",
    "Lead": "00Q",
    "Opportunity": "006",
    "OpportunityLineItem": "00k",
    "OpportunityContactRole": "00K",
    "Case": "500",
    "Task": "00T",
    "Event": "00U",
    "User": "005",
    "Organization": "00D",
    "Profile": "00e",
    "UserRole": "00E",
    "Group": "00G",
    "RecordType": "012",
    "Attachment": "00P",
    "Document": "015",
    "ContentVersion": "068",
    "ContentDocument": "069",
    "Folder": "00l",
    "Campaign": "701",
    "CampaignMember": "00v",
    "Product2": "01t",
    "Pricebook2": "01s",
    "PricebookEntry": "01u",
    "FeedItem": "0D5",
    "FeedComment": "0D7",
    "CollaborationGroup": "0F9",
}

REQUIRED = {
    "Account": ["Name"],
    "Contact": ["LastName"],
    "Lead": ["LastName", "Company"],
    "Opportunity": ["Name", "StageName", "CloseDate"],
    "Attachment": ["ParentId", "Name", "Body"],
    "User": [
        "Username",
        "LastName",
        "Email",
        "Alias",
        "TimeZoneSidKey",
        "LocaleSidKey",
        "EmailEncodingKey",
        "ProfileId",
        "LanguageLocaleKey",
    ],
    "Case": [],
    "FeedComment": ["FeedItemId", "CommentBody"],
}


@pytest.fixture(scope="module")
def schema():
    return build_schema()


def test_build_schema_returns_independent_copies():
    first, second = build_schema(), build_schema()
    assert first.get("Account") is not second.get("Account")


@pytest.mark.parametrize(("name", "prefix"), sorted(PREFIXES.items()))
def test_key_prefixes(schema, name, prefix):
    assert schema.get(name).key_prefix == prefix


@pytest.mark.parametrize(("name", "required"), sorted(REQUIRED.items()))
def test_required_fields(schema, name, required):
    assert [f.name for f in schema.get(name).fields if f.required] == required


def test_every_reference_points_at_known_objects(schema):
    for obj in schema:
        for field in obj.fields:
            if field.type == "reference":
                assert field.reference_to, f"{obj.name}.{field.name}"
                for target in field.reference_to:
                    assert target in schema, f"{obj.name}.{field.name} -> {target}"
                assert field.relationship_name, f"{obj.name}.{field.name}"


def test_child_relationship_names_are_unique_per_parent(schema):
    for obj in schema:
        names = [r.relationship_name.lower() for r in schema.child_relationships(obj.name)]
        assert len(names) == len(set(names)), obj.name


def test_relationship_names_are_unique_per_object(schema):
    for obj in schema:
        names = [f.relationship_name.lower() for f in obj.fields if f.relationship_name]
        assert len(names) == len(set(names)), obj.name


def test_compound_fields_list_existing_components(schema):
    for obj in schema:
        for field in obj.fields:
            if field.type in ("address", "location"):
                assert not field.createable
                assert not field.updateable
                for component in field.components:
                    part = obj.field(component)
                    assert part is not None, f"{obj.name}.{component}"
                    assert part.compound_field_name == field.name


def test_address_fields(schema):
    account = schema.get("Account")
    billing = account.field("BillingAddress")
    assert billing.type == "address"
    assert billing.components[:5] == (
        "BillingStreet",
        "BillingCity",
        "BillingState",
        "BillingPostalCode",
        "BillingCountry",
    )
    assert account.field("ShippingAddress") is not None
    assert schema.get("Contact").field("MailingAddress") is not None
    assert schema.get("Lead").field("Address").components[0] == "Street"


def test_well_known_relationships(schema):
    assert schema.child_relationship("Account", "Contacts").field == "AccountId"
    assert schema.child_relationship("Account", "Opportunities").child_object == "Opportunity"
    assert schema.child_relationship("Account", "Cases").child_object == "Case"
    assert schema.child_relationship("Opportunity", "OpportunityLineItems").cascade_delete
    assert schema.child_relationship("Campaign", "CampaignMembers").cascade_delete
    assert schema.child_relationship("FeedItem", "FeedComments").field == "FeedItemId"
    assert schema.get("Contact").relationship("Account").name == "AccountId"
    task = schema.get("Task")
    assert task.field("WhatId").reference_to[0] == "Account"
    assert task.field("WhoId").reference_to == ("Contact", "Lead")
    assert schema.get("Case").field("OwnerId").reference_to == ("Group", "User")


def test_picklists(schema):
    industry = [p.value for p in schema.get("Account").field("Industry").picklist_values]
    assert industry[:4] == ["Agriculture", "Apparel", "Banking", "Biotechnology"]
    assert "Technology" in industry
    stage = schema.get("Opportunity").field("StageName")
    assert stage.restricted_picklist
    assert next(p.value for p in stage.picklist_values) == "Prospecting"
    status = schema.get("Lead").field("Status")
    assert status.restricted_picklist
    assert [p.value for p in status.picklist_values if p.default] == ["Open - Not Contacted"]


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("Attachment", "BodyLength"),
        ("Document", "BodyLength"),
        ("Contact", "Name"),
        ("Opportunity", "IsWon"),
        ("Opportunity", "ExpectedRevenue"),
        ("Case", "CaseNumber"),
        ("ContentVersion", "ContentSize"),
        ("FeedItem", "CommentCount"),
        ("Organization", "Name"),
    ],
)
def test_read_only_fields(schema, name, field):
    definition = schema.get(name).field(field)
    assert not definition.createable
    assert not definition.updateable


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("Attachment", "ParentId"),
        ("OpportunityLineItem", "OpportunityId"),
        ("FeedItem", "ParentId"),
    ],
)
def test_create_only_fields(schema, name, field):
    definition = schema.get(name).field(field)
    assert definition.createable
    assert not definition.updateable


def test_object_flags(schema):
    organization = schema.get("Organization")
    assert not (organization.createable)
    assert not (organization.updateable)
    assert not (organization.deletable)
    assert not schema.get("ContentDocument").createable
    assert not schema.get("User").deletable
    assert schema.get("Account").label_plural == "Accounts"
    assert schema.get("Opportunity").label_plural == "Opportunities"


def test_name_fields(schema):
    for name in ("Account", "Contact", "Lead", "Opportunity", "Case", "User", "Product2"):
        assert schema.get(name).name_field is not None, name
    assert schema.get("Case").name_field.name == "CaseNumber"


def test_long_text_areas_are_not_filterable(schema):
    description = schema.get("Account").field("Description")
    assert not (description.filterable)
    assert not (description.sortable)
    assert not (description.groupable)
    assert schema.get("Account").field("BillingStreet").filterable
