import datetime as dt

import pytest

from salesforcepy.fakeorg.errors import SalesforceError
from salesforcepy.fakeorg.schema import (
    ChildRelationship,
    FieldDef,
    ObjectDef,
    PicklistValue,
    Schema,
    blob_url,
    format_date,
    format_datetime,
    parse_date,
    parse_datetime,
    record_url,
    sql_ident,
)

# The keys of a describe ``fields[]`` entry (wire reference 5.3).
DESCRIBE_FIELD_KEYS = set(
    [
        "aggregatable",
        "autoNumber",
        "byteLength",
        "calculated",
        "calculatedFormula",
        "cascadeDelete",
        "caseSensitive",
        "compoundFieldName",
        "controllerName",
        "createable",
        "custom",
        "defaultValue",
        "defaultValueFormula",
        "defaultedOnCreate",
        "dependentPicklist",
        "deprecatedAndHidden",
        "digits",
        "displayLocationInDecimal",
        "encrypted",
        "externalId",
        "extraTypeInfo",
        "filterable",
        "filteredLookupInfo",
        "groupable",
        "highScaleNumber",
        "htmlFormatted",
        "idLookup",
        "inlineHelpText",
        "label",
        "length",
        "mask",
        "maskType",
        "name",
        "nameField",
        "namePointing",
        "nillable",
        "permissionable",
        "picklistValues",
        "polymorphicForeignKey",
        "precision",
        "queryByDistance",
        "referenceTargetField",
        "referenceTo",
        "relationshipName",
        "relationshipOrder",
        "restrictedDelete",
        "restrictedPicklist",
        "scale",
        "searchPrefilterable",
        "soapType",
        "sortable",
        "type",
        "unique",
        "updateable",
        "writeRequiresMasterRead",
    ]
)


def convert_error(field: FieldDef, value, source="json") -> SalesforceError:
    with pytest.raises(SalesforceError) as info:
        field.to_storage(value, source=source)
    return info.value


# ---- dates and times ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-20T20:49:32.000+0000", "2024-05-20T20:49:32.000+0000"),
        ("2024-05-20T20:49:32Z", "2024-05-20T20:49:32.000+0000"),
        ("2024-05-20T20:49:32.5Z", "2024-05-20T20:49:32.500+0000"),
        ("2024-05-20T22:49:32.123+02:00", "2024-05-20T20:49:32.123+0000"),
        ("2024-05-20T15:49:32-0500", "2024-05-20T20:49:32.000+0000"),
        ("2024-05-20 20:49", "2024-05-20T20:49:00.000+0000"),
        ("2024-05-20", "2024-05-20T00:00:00.000+0000"),
    ],
)
def test_datetime_storage(text, expected):
    field = FieldDef("When__c", "datetime")
    assert field.to_storage(text) == expected
    assert format_datetime(parse_datetime(text)) == expected


@pytest.mark.parametrize("bad", ["yesterday", "2024-13-01T00:00:00Z", "2024-02-30", 20240520])
def test_bad_datetime(bad):
    assert convert_error(FieldDef("When__c", "datetime"), bad).error_code == "JSON_PARSER_ERROR"


def test_stored_form_datetime_is_still_validated():
    err = convert_error(FieldDef("When__c", "datetime"), "2024-05-20T25:00:00.000+0000")
    assert err.error_code == "JSON_PARSER_ERROR"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-20", "2024-05-20"),
        ("2024-05-20T23:30:00-02:00", "2024-05-21"),
        (" 2024-05-20 ", "2024-05-20"),
    ],
)
def test_date_storage(text, expected):
    assert FieldDef("Day__c", "date").to_storage(text) == expected
    assert format_date(parse_date(text)) == expected


def test_bad_date():
    assert convert_error(FieldDef("Day__c", "date"), "2024-02-30").error_code == "JSON_PARSER_ERROR"
    err = convert_error(FieldDef("Day__c", "date"), "30/02/2024", source="text")
    assert err.error_code == "INVALID_TYPE_ON_FIELD_IN_RECORD"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13:30", "13:30:00.000Z"),
        ("13:30:05.1Z", "13:30:05.100Z"),
        ("08:00:00.000Z", "08:00:00.000Z"),
    ],
)
def test_time_storage(text, expected):
    assert FieldDef("At__c", "time").to_storage(text) == expected


def test_format_datetime_of_naive_and_offset_values():
    naive = dt.datetime(2024, 1, 2, 3, 4, 5, 678900)
    assert format_datetime(naive) == "2024-01-02T03:04:05.678+0000"
    aware = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    assert format_datetime(aware) == "2024-01-02T11:04:05.000+0000"


# ---- scalar conversions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "source", "expected"),
    [
        (True, "json", 1),
        (False, "json", 0),
        (None, "json", 0),
        ("true", "text", 1),
        ("FALSE", "text", 0),
        ("1", "text", 1),
        ("", "text", 0),
    ],
)
def test_boolean_storage(value, source, expected):
    assert FieldDef("Flag__c", "boolean").to_storage(value, source=source) == expected


def test_bad_boolean():
    field = FieldDef("Flag__c", "boolean")
    assert convert_error(field, "yes").error_code == "JSON_PARSER_ERROR"
    err = convert_error(field, "yes", source="text")
    assert (err.error_code, err.fields) == ("INVALID_TYPE_ON_FIELD_IN_RECORD", ["Flag__c"])


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("int", 42, 42),
        ("int", "42", 42),
        ("int", 42.0, 42),
        ("long", "9007199254740993", 9007199254740993),
        ("double", 1, 1.0),
        ("currency", "12.50", 12.5),
        ("percent", 7.5, 7.5),
    ],
)
def test_number_storage(kind, value, expected):
    stored = FieldDef("N__c", kind).to_storage(value)
    assert stored == expected
    assert type(stored) is type(expected)


@pytest.mark.parametrize(
    ("kind", "value"),
    [("int", 4.5), ("int", True), ("double", "nan"), ("double", "inf"), ("double", [1])],
)
def test_bad_numbers(kind, value):
    assert convert_error(FieldDef("N__c", kind), value).error_code == "JSON_PARSER_ERROR"


def test_text_storage_and_limits():
    field = FieldDef("Code__c", "string", length=5)
    assert field.to_storage("abc") == "abc"
    assert field.to_storage(12) == "12"
    assert field.to_storage("") is None
    err = convert_error(field, "abcdef")
    assert (err.error_code, err.fields) == ("STRING_TOO_LONG", ["Code__c"])
    assert convert_error(field, {"a": 1}).error_code == "JSON_PARSER_ERROR"
    assert convert_error(field, True).error_code == "JSON_PARSER_ERROR"


def test_default_lengths():
    assert FieldDef("A__c", "string").length == 255
    assert FieldDef("A__c", "email").length == 80
    assert FieldDef("A__c", "phone").length == 40
    assert FieldDef("A__c", "reference").length == 18
    assert FieldDef("A__c", "multipicklist").length == 4099


def test_id_storage_normalizes():
    field = FieldDef("Account__c", "reference", reference_to=["Account"])
    assert field.to_storage("001M000000qfPyS") == "001M000000qfPySIAU"
    assert field.to_storage("001m000000qfpysiau") == "001M000000qfPySIAU"
    assert field.to_storage("") is None
    err = convert_error(field, "001M000000qfPyS-")
    assert (err.error_code, err.fields) == ("MALFORMED_ID", ["Account__c"])


def test_restricted_picklists():
    single = FieldDef(
        "Size__c", "picklist", picklist_values=["S", "M", "L"], restricted_picklist=True
    )
    assert single.to_storage("M") == "M"
    err = convert_error(single, "XL")
    assert (err.error_code, err.fields) == ("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", ["Size__c"])
    inactive = FieldDef(
        "Size__c",
        "picklist",
        picklist_values=["S", PicklistValue("Old", active=False)],
        restricted_picklist=True,
    )
    assert convert_error(inactive, "Old").error_code == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    multi = FieldDef(
        "Tags__c", "multipicklist", picklist_values=["a", "b"], restricted_picklist=True
    )
    assert multi.to_storage("a;b") == "a;b"
    assert convert_error(multi, "a;c").error_code == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    free = FieldDef("Size__c", "picklist", picklist_values=["S"])
    assert free.to_storage("anything") == "anything"


def test_base64_storage():
    field = FieldDef("Body", "base64")
    assert field.to_storage("SGVsbG8=") == b"Hello"
    assert field.to_storage(b"raw") == b"raw"
    assert field.to_storage(bytearray(b"raw")) == b"raw"
    assert convert_error(field, "***").error_code == "JSON_PARSER_ERROR"


# ---- output conversions -------------------------------------------------------------------------


def test_to_json():
    assert FieldDef("F__c", "boolean").to_json(1) is True
    assert FieldDef("F__c", "boolean").to_json(None) is False
    assert FieldDef("F__c", "int").to_json(3) == 3
    assert FieldDef("F__c", "double").to_json(3) == 3.0
    assert FieldDef("F__c", "string").to_json(None) is None
    url = "/services/data/v58.0/sobjects/Attachment/00P/Body"
    assert FieldDef("Body", "base64").to_json(b"x", blob_url=url) == url


@pytest.mark.parametrize(
    ("kind", "stored", "text"),
    [
        ("boolean", 1, "true"),
        ("boolean", 0, "false"),
        ("double", 3.0, "3"),
        ("currency", 2.5, "2.5"),
        ("int", 7, "7"),
        ("string", None, ""),
        ("base64", b"Hello", "SGVsbG8="),
        ("date", "2024-05-20", "2024-05-20"),
    ],
)
def test_to_text(kind, stored, text):
    assert FieldDef("F__c", kind).to_text(stored) == text


# ---- compound fields ---------------------------------------------------------------------------


def test_assemble_address_and_location():
    address = FieldDef(
        "MailingAddress",
        "address",
        components=["MailingStreet", "MailingCity", "MailingLatitude"],
    )
    assert address.assemble({"MailingStreet": None, "MailingCity": None}) is None
    value = address.assemble(
        {"MailingStreet": "1 Main", "MailingCity": "Rome", "MailingLatitude": 4.0}
    )
    assert value == {
        "city": "Rome",
        "country": None,
        "countryCode": None,
        "geocodeAccuracy": None,
        "latitude": 4.0,
        "longitude": None,
        "postalCode": None,
        "state": None,
        "stateCode": None,
        "street": "1 Main",
    }
    location = FieldDef("SiteLocation", "location", components=["SiteLatitude", "SiteLongitude"])
    assert location.assemble({"SiteLatitude": 1.0, "SiteLongitude": 2.0}) == {
        "latitude": 1.0,
        "longitude": 2.0,
    }
    assert not location.stored


# ---- definitions --------------------------------------------------------------------------------


def test_field_describe_has_the_wire_keys():
    described = FieldDef("Account__c", "reference", reference_to=["Account"]).describe()
    assert set(described) == DESCRIBE_FIELD_KEYS
    assert (described["length"], described["byteLength"], described["soapType"]) == (
        18,
        18,
        "tns:ID",
    )
    picklist = FieldDef("Size__c", "picklist", picklist_values=[PicklistValue("S", default=True)])
    assert picklist.describe()["picklistValues"] == [
        {"active": True, "defaultValue": True, "label": "S", "validFor": None, "value": "S"}
    ]
    assert picklist.describe()["byteLength"] == 765


def test_field_defaults():
    field = FieldDef("Annual_Revenue__c", "currency", required=True)
    assert field.label == "Annual Revenue"
    assert field.nillable is False
    assert FieldDef("Flag__c", "boolean").nillable is False
    assert FieldDef("Flag__c", "boolean").default is False


def test_field_dict_roundtrip():
    field = FieldDef(
        "Stage__c",
        "picklist",
        label="Stage",
        picklist_values=["A", PicklistValue("B", label="Bee", default=True)],
        restricted_picklist=True,
        reference_to=(),
        external_id=False,
    )
    again = FieldDef.from_dict(field.to_dict())
    assert again == field
    ref = FieldDef(
        "Account__c", "reference", reference_to=["Account"], relationship_name="Account__r"
    )
    assert FieldDef.from_dict(ref.to_dict()) == ref


def test_field_validation():
    with pytest.raises(ValueError, match="name"):
        FieldDef("bad name", "string")
    with pytest.raises(ValueError, match="type"):
        FieldDef("Good__c", "colour")


def test_object_def_system_fields_and_lookup():
    obj = ObjectDef.build("Thing__c", "a05", [FieldDef("Size__c", "int")])
    names = [f.name for f in obj.fields]
    assert names == [
        "Id",
        "IsDeleted",
        "CreatedDate",
        "CreatedById",
        "LastModifiedDate",
        "LastModifiedById",
        "SystemModstamp",
        "OwnerId",
        "Size__c",
    ]
    assert obj.field("size__C").name == "Size__c"
    assert obj.field("nope") is None
    assert obj.relationship("owner").name == "OwnerId"
    assert obj.label_plural == "Things"
    unowned = ObjectDef.build("Line__c", "a06", has_owner=False)
    assert unowned.field("OwnerId") is None
    with pytest.raises(ValueError, match="already has"):
        obj.add_field(FieldDef("SIZE__c", "int"))


@pytest.mark.parametrize(
    ("label", "plural"),
    [
        ("Opportunity", "Opportunities"),
        ("Case", "Cases"),
        ("Address", "Addresses"),
        ("Day", "Days"),
    ],
)
def test_label_plurals(label, plural):
    assert ObjectDef("Thing__c", "a07", label=label).label_plural == plural


def test_create_table_sql_uses_collation_and_types():
    obj = ObjectDef.build(
        "Thing__c",
        "a05",
        [
            FieldDef("Title__c", "string"),
            FieldDef("Count__c", "int"),
            FieldDef("Flag__c", "boolean"),
            FieldDef("Blob__c", "base64"),
            FieldDef("Where__c", "address", components=[]),
        ],
    )
    sql = obj.create_table_sql()
    assert '"Id" TEXT PRIMARY KEY' in sql
    assert '"Title__c" TEXT COLLATE NOCASE' in sql
    assert '"OwnerId" TEXT,' in sql
    assert '"Count__c" INTEGER' in sql
    assert '"Flag__c" INTEGER NOT NULL DEFAULT 0' in sql
    assert '"Blob__c" BLOB' in sql
    assert "Where__c" not in sql
    assert obj.add_column_sql(obj.field("Title__c")) == (
        'ALTER TABLE "Thing__c" ADD COLUMN "Title__c" TEXT COLLATE NOCASE'
    )


@pytest.mark.parametrize("bad", ['x"; DROP TABLE y; --', "a b", "", "1abc", "a__b__c"])
def test_sql_ident_rejects_non_api_names(bad):
    with pytest.raises(ValueError, match="API name"):
        sql_ident(bad)


def test_schema_lookup_and_revision():
    schema = Schema()
    start = schema.revision
    parent = ObjectDef.build("Parent__c", "a00")
    child = ObjectDef.build(
        "Child__c",
        "a01",
        [
            FieldDef(
                "Parent__c",
                "reference",
                reference_to=["Parent__c"],
                relationship_name="Parent__r",
                child_relationship_name="Children__r",
                cascade_delete=True,
            )
        ],
    )
    schema.add(parent)
    schema.add(child)
    assert schema.revision == start + 2
    schema.touch()
    assert schema.revision == start + 3
    assert schema.get("PARENT__C") is parent
    assert "child__c" in schema
    assert schema.by_prefix("a01") is child
    assert schema.object_for_id("a00000000000001AAA") is parent
    assert schema.child_relationships("parent__c") == [
        ChildRelationship("Children__r", "Child__c", "Parent__c", True)
    ]
    assert schema.child_relationship("Parent__c", "children__R").child_object == "Child__c"
    assert schema.next_custom_prefix() == "a02"
    with pytest.raises(ValueError, match="already exists"):
        schema.add(ObjectDef.build("parent__c", "a09"))
    with pytest.raises(ValueError, match="prefix"):
        schema.add(ObjectDef.build("Other__c", "a00"))


def test_urls():
    assert record_url("Account", "001", "58.0") == "/services/data/v58.0/sobjects/Account/001"
    assert blob_url("Document", "015", "Body", "60.0") == (
        "/services/data/v60.0/sobjects/Document/015/Body"
    )


@pytest.mark.parametrize("good", ["a@b.co", "first.last+tag@sub.example.org", "o'brien@x.ie"])
def test_valid_emails(good):
    assert FieldDef("Email", "email").to_storage(good) == good


@pytest.mark.parametrize("bad", ["plain", "a@b", "a@@b.com", "a b@c.com", "a@b."])
def test_invalid_emails(bad):
    err = convert_error(FieldDef("Email", "email"), bad)
    assert (err.error_code, err.fields) == ("INVALID_EMAIL_ADDRESS", ["Email"])


def test_numbers_are_rounded_to_the_field_scale():
    amount = FieldDef("Amount", "currency", precision=18, scale=2)
    assert amount.to_storage(10.555) == 10.56
    assert amount.to_storage("-0.125") == -0.13
    assert FieldDef("Probability", "percent", precision=3).to_storage(33.5) == 34.0
    assert FieldDef("Free__c", "double").to_storage(1.23456789) == 1.23456789


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (FieldDef("Employees", "int", precision=8), 100_000_000),
        (FieldDef("Probability", "percent", precision=3), 1000),
        (FieldDef("Amount", "currency", precision=5, scale=2), -1000),
    ],
)
def test_numbers_outside_the_field_precision(field, value):
    err = convert_error(field, value)
    assert (err.error_code, err.fields) == ("NUMBER_OUTSIDE_VALID_RANGE", [field.name])
