"""Save behaviour of standard objects (derived fields, auto numbers, roll-ups) and input forms."""

import hashlib

import pytest

from salesforcepy.fakeorg.errors import SalesforceError

V = "58.0"


def get(store, name, record_id, *fields):
    return store.get(name, record_id, list(fields), api_version=V)


def error_of(call, *args, **kwargs) -> SalesforceError:
    with pytest.raises(SalesforceError) as info:
        call(*args, **kwargs)
    return info.value


@pytest.fixture
def account(store):
    return store.create("Account", {"Name": "Acme"})


@pytest.fixture
def contact(store, account):
    return store.create(
        "Contact",
        {"FirstName": "Ada", "LastName": "Lovelace", "AccountId": account, "Email": "a@x.io"},
    )


def opportunity(store, **fields):
    body = {"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2024-08-15", **fields}
    return store.create("Opportunity", body)


# ---- person names -------------------------------------------------------------------------------


def test_contact_lead_and_user_names(store, contact):
    assert get(store, "Contact", contact, "Name")["Name"] == "Ada Lovelace"
    store.update("Contact", contact, {"FirstName": None})
    assert get(store, "Contact", contact, "Name")["Name"] == "Lovelace"
    lead = store.create("Lead", {"FirstName": "Grace", "LastName": "Hopper", "Company": "Navy"})
    assert get(store, "Lead", lead, "Name")["Name"] == "Grace Hopper"
    user = store.add_user("alan@example.com", first_name="Alan", last_name="Turing")
    record = get(store, "User", user, "Name", "CommunityNickname", "Alias", "UserType", "IsActive")
    assert record["Name"] == "Alan Turing"
    assert record["CommunityNickname"] == "alan"
    assert (record["Alias"], record["UserType"], record["IsActive"]) == (
        "aturing",
        "Standard",
        True,
    )


def test_user_nicknames_stay_unique(store):
    first = store.add_user("sam@one.example", last_name="One")
    second = store.add_user("sam@two.example", last_name="Two")
    nicknames = {
        get(store, "User", u, "CommunityNickname")["CommunityNickname"] for u in (first, second)
    }
    assert nicknames == {"sam", "sam2"}


def test_add_user_with_unknown_profile(store):
    with pytest.raises(ValueError, match="Wizard"):
        store.add_user("x@example.com", last_name="X", profile="Wizard")


# ---- opportunities ------------------------------------------------------------------------------


def test_opportunity_stage_drives_probability_and_flags(store):
    record_id = opportunity(store, Amount=1000)
    record = get(
        store,
        "Opportunity",
        record_id,
        "Probability",
        "IsClosed",
        "IsWon",
        "ForecastCategoryName",
        "ForecastCategory",
        "ExpectedRevenue",
        "FiscalYear",
        "FiscalQuarter",
        "Fiscal",
    )
    assert record == {
        "attributes": record["attributes"],
        "Probability": 10.0,
        "IsClosed": False,
        "IsWon": False,
        "ForecastCategoryName": "Pipeline",
        "ForecastCategory": "Pipeline",
        "ExpectedRevenue": 100.0,
        "FiscalYear": 2024,
        "FiscalQuarter": 3,
        "Fiscal": "2024 3",
    }
    store.update("Opportunity", record_id, {"StageName": "Closed Won"})
    record = get(
        store, "Opportunity", record_id, "Probability", "IsClosed", "IsWon", "ExpectedRevenue"
    )
    assert (record["Probability"], record["IsClosed"], record["IsWon"]) == (100.0, True, True)
    assert record["ExpectedRevenue"] == 1000.0
    store.update("Opportunity", record_id, {"StageName": "Closed Lost"})
    record = get(store, "Opportunity", record_id, "IsClosed", "IsWon", "ForecastCategoryName")
    assert (record["IsClosed"], record["IsWon"], record["ForecastCategoryName"]) == (
        True,
        False,
        "Omitted",
    )


def test_explicit_probability_is_kept(store):
    record_id = opportunity(store, Probability=33, Amount=300)
    record = get(store, "Opportunity", record_id, "Probability", "ExpectedRevenue")
    assert (record["Probability"], record["ExpectedRevenue"]) == (33.0, 99.0)
    store.update("Opportunity", record_id, {"Amount": 600})
    assert get(store, "Opportunity", record_id, "Probability")["Probability"] == 33.0


# ---- cases, tasks, events -----------------------------------------------------------------------


def test_case_numbers_and_closing(store, clock, contact, account):
    first = store.create("Case", {"Subject": "A", "ContactId": contact})
    second = store.create("Case", {"Subject": "B"})
    assert get(store, "Case", first, "CaseNumber")["CaseNumber"] == "00001000"
    assert get(store, "Case", second, "CaseNumber")["CaseNumber"] == "00001001"
    record = get(store, "Case", first, "AccountId", "ContactEmail", "IsClosed", "ClosedDate")
    assert (record["AccountId"], record["ContactEmail"]) == (account, "a@x.io")
    assert (record["IsClosed"], record["ClosedDate"]) == (False, None)
    clock.advance(hours=2)
    store.update("Case", first, {"Status": "Closed"})
    record = get(store, "Case", first, "IsClosed", "ClosedDate")
    assert record == {
        "attributes": record["attributes"],
        "IsClosed": True,
        "ClosedDate": "2024-05-15T14:30:00.000+0000",
    }
    store.update("Case", first, {"Status": "Working"})
    assert get(store, "Case", first, "ClosedDate")["ClosedDate"] is None


def test_case_numbers_are_not_reused_after_delete(store):
    first = store.create("Case", {"Subject": "A"})
    store.delete("Case", first)
    second = store.create("Case", {"Subject": "B"})
    assert get(store, "Case", second, "CaseNumber")["CaseNumber"] == "00001001"


def test_task_flags_and_account(store, account, contact):
    deal = opportunity(store, AccountId=account)
    task = store.create("Task", {"Subject": "Call", "WhatId": deal, "Priority": "High"})
    record = get(store, "Task", task, "AccountId", "IsHighPriority", "IsClosed")
    assert (record["AccountId"], record["IsHighPriority"], record["IsClosed"]) == (
        account,
        True,
        False,
    )
    store.update("Task", task, {"Status": "Completed"})
    record = get(store, "Task", task, "IsClosed", "CompletedDateTime")
    assert record["IsClosed"] is True
    assert record["CompletedDateTime"] == "2024-05-15T12:30:00.000+0000"
    err = error_of(store.create, "Task", {"Subject": "x", "Status": "Pondering"})
    assert err.error_code == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"


def test_event_times(store, account):
    event = store.create(
        "Event",
        {"Subject": "Meeting", "StartDateTime": "2024-05-20T09:00:00Z", "DurationInMinutes": 90},
    )
    record = get(
        store, "Event", event, "EndDateTime", "ActivityDateTime", "ActivityDate", "EndDate"
    )
    assert record["EndDateTime"] == "2024-05-20T10:30:00.000+0000"
    assert record["ActivityDateTime"] == "2024-05-20T09:00:00.000+0000"
    assert (record["ActivityDate"], record["EndDate"]) == ("2024-05-20", "2024-05-20")
    store.update("Event", event, {"EndDateTime": "2024-05-20T11:00:00Z"})
    assert get(store, "Event", event, "DurationInMinutes")["DurationInMinutes"] == 120
    other = store.create(
        "Event",
        {
            "Subject": "Lunch",
            "ActivityDateTime": "2024-05-21T12:00:00Z",
            "EndDateTime": "2024-05-21T13:00:00Z",
            "WhatId": account,
        },
    )
    record = get(store, "Event", other, "DurationInMinutes", "AccountId")
    assert (record["DurationInMinutes"], record["AccountId"]) == (60, account)
    err = error_of(store.create, "Event", {"Subject": "x", "StartDateTime": "2024-05-20T09:00:00Z"})
    assert (err.error_code, err.fields) == ("REQUIRED_FIELD_MISSING", ["DurationInMinutes"])
    err = error_of(
        store.create,
        "Event",
        {
            "Subject": "x",
            "StartDateTime": "2024-05-20T09:00:00Z",
            "EndDateTime": "2024-05-20T08:00:00Z",
        },
    )
    assert err.error_code == "FIELD_INTEGRITY_EXCEPTION"


# ---- files --------------------------------------------------------------------------------------


def test_content_version_creates_its_document(store, account):
    version = store.create(
        "ContentVersion",
        {
            "PathOnClient": "reports/Q1 Report.PDF",
            "VersionData": "JVBERi0xLjQ=",
            "FirstPublishLocationId": account,
        },
    )
    record = get(
        store,
        "ContentVersion",
        version,
        "Title",
        "FileExtension",
        "FileType",
        "ContentSize",
        "Checksum",
        "VersionNumber",
        "IsLatest",
        "ContentDocumentId",
        "VersionData",
    )
    assert record["Title"] == "Q1 Report"
    assert (record["FileExtension"], record["FileType"]) == ("pdf", "PDF")
    assert record["ContentSize"] == 8
    assert record["Checksum"] == hashlib.md5(b"%PDF-1.4").hexdigest()  # noqa: S324 - a checksum
    assert (record["VersionNumber"], record["IsLatest"]) == ("1", True)
    assert record["VersionData"].endswith(f"/ContentVersion/{version}/VersionData")
    assert store.get_blob("ContentVersion", version, "VersionData") == b"%PDF-1.4"
    document = get(
        store, "ContentDocument", record["ContentDocumentId"], "Title", "LatestPublishedVersionId"
    )
    assert (document["Title"], document["LatestPublishedVersionId"]) == ("Q1 Report", version)


def test_new_content_version_of_a_document(store):
    first = store.create("ContentVersion", {"PathOnClient": "a.txt", "VersionData": "djE="})
    document = get(store, "ContentVersion", first, "ContentDocumentId")["ContentDocumentId"]
    second = store.create(
        "ContentVersion",
        {"PathOnClient": "a.txt", "VersionData": "djI=", "ContentDocumentId": document},
    )
    assert get(store, "ContentVersion", second, "VersionNumber")["VersionNumber"] == "2"
    assert get(store, "ContentVersion", first, "IsLatest")["IsLatest"] is False
    latest = get(store, "ContentDocument", document, "LatestPublishedVersionId")
    assert latest["LatestPublishedVersionId"] == second
    assert store.count("ContentDocument") == 1
    store.delete("ContentDocument", document)
    assert store.count("ContentVersion") == 0


def test_content_version_requires_data(store):
    err = error_of(store.create, "ContentVersion", {"PathOnClient": "a.txt"})
    assert (err.error_code, err.fields) == ("REQUIRED_FIELD_MISSING", ["VersionData"])
    err = error_of(store.create, "ContentVersion", {"VersionData": "aGk="})
    assert (err.error_code, err.fields) == ("REQUIRED_FIELD_MISSING", ["PathOnClient"])


def test_document_defaults(store):
    document = store.create(
        "Document", {"Name": "Price List.csv", "FolderId": store.admin_user_id, "Body": "YSxi"}
    )
    record = get(store, "Document", document, "DeveloperName", "Type", "BodyLength", "AuthorId")
    assert record["DeveloperName"] == "Price_List_csv"
    assert (record["Type"], record["BodyLength"]) == ("csv", 3)
    assert record["AuthorId"] == store.admin_user_id
    err = error_of(store.create, "Document", {"Name": "empty", "FolderId": store.admin_user_id})
    assert (err.error_code, err.fields) == ("REQUIRED_FIELD_MISSING", ["Body"])


# ---- products and line items -------------------------------------------------------------------


@pytest.fixture
def entry(store):
    product = store.create("Product2", {"Name": "Widget", "ProductCode": "W-1", "IsActive": True})
    return store.create(
        "PricebookEntry",
        {"Pricebook2Id": store.standard_pricebook_id, "Product2Id": product, "UnitPrice": 20},
    )


def test_pricebook_entry_copies_product_details(store, entry):
    record = get(store, "PricebookEntry", entry, "Name", "ProductCode")
    assert (record["Name"], record["ProductCode"]) == ("Widget", "W-1")


def test_custom_price_needs_a_standard_price(store):
    product = store.create("Product2", {"Name": "Gadget"})
    book = store.create("Pricebook2", {"Name": "Partners", "IsActive": True})
    err = error_of(
        store.create,
        "PricebookEntry",
        {"Pricebook2Id": book, "Product2Id": product, "UnitPrice": 5},
    )
    assert err.error_code == "FIELD_INTEGRITY_EXCEPTION"
    store.create(
        "PricebookEntry",
        {"Pricebook2Id": store.standard_pricebook_id, "Product2Id": product, "UnitPrice": 6},
    )
    store.create("PricebookEntry", {"Pricebook2Id": book, "Product2Id": product, "UnitPrice": 5})


def test_line_items_roll_up_into_the_opportunity(store, entry):
    deal = opportunity(store, Amount=1)
    first = store.create(
        "OpportunityLineItem",
        {"OpportunityId": deal, "PricebookEntryId": entry, "Quantity": 3, "UnitPrice": 20},
    )
    second = store.create(
        "OpportunityLineItem",
        {"OpportunityId": deal, "PricebookEntryId": entry, "Quantity": 2, "TotalPrice": 50},
    )
    record = get(
        store, "OpportunityLineItem", first, "TotalPrice", "ListPrice", "Name", "ProductCode"
    )
    assert record["TotalPrice"] == 60.0
    assert record["ListPrice"] == 20.0
    assert (record["Name"], record["ProductCode"]) == ("Deal Widget", "W-1")
    assert get(store, "OpportunityLineItem", second, "UnitPrice")["UnitPrice"] == 25.0
    record = get(store, "Opportunity", deal, "Amount", "HasOpportunityLineItem")
    assert (record["Amount"], record["HasOpportunityLineItem"]) == (110.0, True)
    store.update("OpportunityLineItem", first, {"Quantity": 1})
    assert get(store, "Opportunity", deal, "Amount")["Amount"] == 70.0
    store.delete("OpportunityLineItem", second)
    assert get(store, "Opportunity", deal, "Amount")["Amount"] == 20.0
    store.delete("OpportunityLineItem", first)
    assert (
        get(store, "Opportunity", deal, "HasOpportunityLineItem")["HasOpportunityLineItem"] is False
    )


def test_line_item_price_rules(store, entry):
    deal = opportunity(store)
    err = error_of(
        store.create,
        "OpportunityLineItem",
        {"OpportunityId": deal, "PricebookEntryId": entry, "Quantity": 1},
    )
    assert err.error_code == "FIELD_INTEGRITY_EXCEPTION"
    err = error_of(
        store.create,
        "OpportunityLineItem",
        {
            "OpportunityId": deal,
            "PricebookEntryId": entry,
            "Quantity": 1,
            "UnitPrice": 1,
            "TotalPrice": 1,
        },
    )
    assert err.error_code == "FIELD_INTEGRITY_EXCEPTION"


def test_deleting_an_opportunity_with_line_items(store, entry):
    deal = opportunity(store)
    item = store.create(
        "OpportunityLineItem",
        {"OpportunityId": deal, "PricebookEntryId": entry, "Quantity": 1, "UnitPrice": 9},
    )
    store.delete("Opportunity", deal)
    assert store.read_row("OpportunityLineItem", item)["IsDeleted"] == 1
    store.delete("Opportunity", deal, hard=True)
    assert store.read_row("OpportunityLineItem", item) is None


# ---- campaigns, chatter, groups -----------------------------------------------------------------


def test_campaign_members(store, contact):
    campaign = store.create("Campaign", {"Name": "Launch"})
    assert get(store, "Campaign", campaign, "Status")["Status"] == "Planned"
    member = store.create("CampaignMember", {"CampaignId": campaign, "ContactId": contact})
    record = get(
        store,
        "CampaignMember",
        member,
        "Status",
        "Name",
        "Type",
        "HasResponded",
        "CompanyOrAccount",
    )
    assert (record["Status"], record["Name"], record["Type"]) == ("Sent", "Ada Lovelace", "Contact")
    assert (record["HasResponded"], record["CompanyOrAccount"]) == (False, "Acme")
    store.update("CampaignMember", member, {"Status": "Responded"})
    record = get(store, "CampaignMember", member, "HasResponded", "FirstRespondedDate")
    assert (record["HasResponded"], record["FirstRespondedDate"]) == (True, "2024-05-15")
    err = error_of(store.create, "CampaignMember", {"CampaignId": campaign})
    assert err.error_code == "REQUIRED_FIELD_MISSING"
    store.delete("Campaign", campaign)
    assert store.count("CampaignMember") == 0


def test_feed_items_and_comments(store, account):
    post = store.create("FeedItem", {"ParentId": account, "Body": "Hello team"})
    record = get(store, "FeedItem", post, "Type", "InsertedById", "CommentCount")
    assert (record["Type"], record["InsertedById"], record["CommentCount"]) == (
        "TextPost",
        store.admin_user_id,
        0,
    )
    comment = store.create("FeedComment", {"FeedItemId": post, "CommentBody": "Hi!"})
    assert get(store, "FeedComment", comment, "ParentId")["ParentId"] == account
    store.create("FeedComment", {"FeedItemId": post, "CommentBody": "Again"})
    assert get(store, "FeedItem", post, "CommentCount")["CommentCount"] == 2
    store.delete("FeedComment", comment)
    assert get(store, "FeedItem", post, "CommentCount")["CommentCount"] == 1
    link = store.create("FeedItem", {"ParentId": account, "LinkUrl": "https://example.com"})
    assert get(store, "FeedItem", link, "Type", "HasLink") == {
        "attributes": {"type": "FeedItem", "url": f"/services/data/v{V}/sobjects/FeedItem/{link}"},
        "Type": "LinkPost",
        "HasLink": True,
    }
    err = error_of(store.create, "FeedItem", {"ParentId": account})
    assert (err.error_code, err.fields) == ("REQUIRED_FIELD_MISSING", ["Body"])
    store.delete("Account", account)
    assert store.count("FeedItem") == 0
    assert store.count("FeedComment") == 0


def test_collaboration_group_owner_is_a_member(store):
    group = store.create(
        "CollaborationGroup", {"Name": "Engineering", "CollaborationType": "Public"}
    )
    assert get(store, "CollaborationGroup", group, "MemberCount")["MemberCount"] == 1
    user = store.add_user("member@example.com", last_name="Member")
    store.create("CollaborationGroupMember", {"CollaborationGroupId": group, "MemberId": user})
    assert get(store, "CollaborationGroup", group, "MemberCount")["MemberCount"] == 2


# ---- input forms --------------------------------------------------------------------------------


def test_text_source_follows_bulk_csv_rules(store):
    record_id = store.create(
        "Account",
        {"Name": "Csv", "NumberOfEmployees": "12", "Phone": "", "AnnualRevenue": "#N/A"},
        source="text",
    )
    record = get(store, "Account", record_id, "NumberOfEmployees", "Phone", "AnnualRevenue")
    assert (record["NumberOfEmployees"], record["Phone"], record["AnnualRevenue"]) == (
        12,
        None,
        None,
    )
    store.update("Account", record_id, {"Phone": "555"})
    store.update("Account", record_id, {"Phone": "", "NumberOfEmployees": "#N/A"}, source="text")
    record = get(store, "Account", record_id, "NumberOfEmployees", "Phone")
    assert (record["NumberOfEmployees"], record["Phone"]) == (None, "555")
    err = error_of(
        store.create, "Account", {"Name": "x", "NumberOfEmployees": "lots"}, source="text"
    )
    assert err.error_code == "INVALID_TYPE_ON_FIELD_IN_RECORD"


def test_attributes_key_is_ignored(store):
    record_id = store.create("Account", {"attributes": {"type": "Account"}, "Name": "Tree"})
    assert get(store, "Account", record_id, "Name")["Name"] == "Tree"


def test_record_must_be_a_mapping(store):
    assert error_of(store.create, "Account", ["Name"]).error_code == "JSON_PARSER_ERROR"
