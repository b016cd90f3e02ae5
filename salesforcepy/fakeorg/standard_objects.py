"""The standard objects of the fake org: Salesforce's API names, types, key prefixes, picklists.

``build_schema()`` returns a fresh ``Schema`` every call (the store mutates its copy when custom
fields are added). The definitions follow real orgs closely enough for describe-driven code, but
carry only the commonly used fields of each object.

``BEFORE_WRITE``, ``AFTER_WRITE`` and ``AFTER_DELETE`` hold the per-object behaviour Salesforce
applies on save: derived fields such as ``Contact.Name``, ``Opportunity.IsWon`` or
``Attachment.BodyLength``, auto numbers, the ``ContentDocument`` behind a new ``ContentVersion``,
roll-ups onto parents. A hook receives the store, the full row in storage form (mutable), the old
row (``None`` on insert) and the set of canonical field names the caller set; it may raise
``SalesforceError``. To add behaviour for another object, write a function and register it in the
dicts at the bottom of this module.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .errors import SalesforceError, required_missing
from .schema import FieldDef, ObjectDef, PicklistValue, Schema, parse_date

if TYPE_CHECKING:
    from .store import Store

Row = dict[str, Any]
Hook = Callable[["Store", Row, "Row | None", "set[str]"], None]

READ_ONLY: dict[str, Any] = {"createable": False, "updateable": False}
CREATE_ONLY: dict[str, Any] = {"updateable": False}

# ---------------------------------------------------------------------------------------------
# Field helpers
# ---------------------------------------------------------------------------------------------


def _string(name: str, length: int = 255, **kw: Any) -> FieldDef:
    return FieldDef(name, "string", length=length, **kw)


def _textarea(name: str, length: int = 32000, **kw: Any) -> FieldDef:
    if length > 255:
        # Long text areas cannot be filtered, sorted or grouped on in SOQL.
        kw = {"filterable": False, "sortable": False, "groupable": False, **kw}
    return FieldDef(name, "textarea", length=length, **kw)


def _picklist(
    name: str,
    values: Sequence[str],
    *,
    default: str | None = None,
    restricted: bool = False,
    multi: bool = False,
    **kw: Any,
) -> FieldDef:
    entries = [PicklistValue(v, default=(v == default)) for v in values]
    return FieldDef(
        name,
        "multipicklist" if multi else "picklist",
        picklist_values=entries,
        restricted_picklist=restricted,
        defaulted_on_create=default is not None or kw.pop("defaulted_on_create", False),
        **kw,
    )


def _reference(
    name: str,
    targets: str | Sequence[str],
    relationship: str,
    *,
    child: str | None = None,
    cascade: bool = False,
    label: str | None = None,
    **kw: Any,
) -> FieldDef:
    reference_to = (targets,) if isinstance(targets, str) else tuple(targets)
    return FieldDef(
        name,
        "reference",
        label=label or (name[:-2] + " ID" if name.endswith("Id") else None),
        reference_to=reference_to,
        relationship_name=relationship,
        child_relationship_name=child,
        cascade_delete=cascade,
        **kw,
    )


def _number(
    name: str, kind: str = "double", precision: int = 18, scale: int = 0, **kw: Any
) -> FieldDef:
    return FieldDef(name, kind, precision=precision, scale=scale, **kw)


def _boolean(name: str, default: bool = False, **kw: Any) -> FieldDef:
    return FieldDef(name, "boolean", default=default, **kw)


def _address(prefix: str, label: str) -> list[FieldDef]:
    """The components of one compound address plus the compound field itself (Salesforce order)."""
    compound = f"{prefix}Address"
    part: dict[str, Any] = {"compound_field_name": compound}
    label = f"{label} " if label else ""
    return [
        _textarea(f"{prefix}Street", 255, label=f"{label}Street", **part),
        _string(f"{prefix}City", 40, label=f"{label}City", **part),
        _string(f"{prefix}State", 80, label=f"{label}State/Province", **part),
        _string(f"{prefix}PostalCode", 20, label=f"{label}Zip/Postal Code", **part),
        _string(f"{prefix}Country", 80, label=f"{label}Country", **part),
        _number(f"{prefix}Latitude", precision=18, scale=15, label=f"{label}Latitude", **part),
        _number(f"{prefix}Longitude", precision=18, scale=15, label=f"{label}Longitude", **part),
        _picklist(
            f"{prefix}GeocodeAccuracy",
            GEOCODE_ACCURACY,
            label=f"{label}Geocode Accuracy",
            restricted=True,
            **part,
        ),
        FieldDef(
            compound,
            "address",
            label=f"{label}Address",
            components=[
                f"{prefix}Street",
                f"{prefix}City",
                f"{prefix}State",
                f"{prefix}PostalCode",
                f"{prefix}Country",
                f"{prefix}Latitude",
                f"{prefix}Longitude",
                f"{prefix}GeocodeAccuracy",
            ],
            filterable=False,
            sortable=False,
            groupable=False,
            **READ_ONLY,
        ),
    ]


def _person_name(*, salutation: bool = True) -> list[FieldDef]:
    """FirstName/LastName (and Salutation) feeding the read-only ``Name``."""
    part: dict[str, Any] = {"compound_field_name": "Name"}
    fields = [
        _string("LastName", 80, label="Last Name", required=True, **part),
        _string("FirstName", 40, label="First Name", **part),
    ]
    if salutation:
        fields.append(_picklist("Salutation", SALUTATIONS, label="Salutation", **part))
    fields.append(_string("Name", 121, label="Full Name", name_field=True, **READ_ONLY))
    return fields


# ---------------------------------------------------------------------------------------------
# Picklist values (those of a new Salesforce org)
# ---------------------------------------------------------------------------------------------

GEOCODE_ACCURACY = [
    "Address",
    "NearAddress",
    "Block",
    "Street",
    "ExtendedZip",
    "Zip",
    "Neighborhood",
    "City",
    "County",
    "State",
    "Unknown",
]
SALUTATIONS = ["Mr.", "Ms.", "Mrs.", "Dr.", "Prof.", "Mx."]
INDUSTRIES = [
    "Agriculture",
    "Apparel",
    "Banking",
    "Biotechnology",
    "Chemicals",
    "Communications",
    "Construction",
    "Consulting",
    "Education",
    "Electronics",
    "Energy",
    "Engineering",
    "Entertainment",
    "Environmental",
    "Finance",
    "Food & Beverage",
    "Government",
    "Healthcare",
    "Hospitality",
    "Insurance",
    "Machinery",
    "Manufacturing",
    "Media",
    "Not For Profit",
    "Other",
    "Recreation",
    "Retail",
    "Shipping",
    "Technology",
    "Telecommunications",
    "Transportation",
    "Utilities",
]
ACCOUNT_TYPES = [
    "Prospect",
    "Customer - Direct",
    "Customer - Channel",
    "Channel Partner / Reseller",
    "Installation Partner",
    "Technology Partner",
    "Other",
]
RATINGS = ["Hot", "Warm", "Cold"]
OWNERSHIP = ["Public", "Private", "Subsidiary", "Other"]
LEAD_SOURCES = ["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"]
LEAD_STATUSES = [
    "Open - Not Contacted",
    "Working - Contacted",
    "Closed - Converted",
    "Closed - Not Converted",
]

# (stage, default probability, ForecastCategoryName, ForecastCategory, IsClosed, IsWon)
OPPORTUNITY_STAGES: list[tuple[str, int, str, str, bool, bool]] = [
    ("Prospecting", 10, "Pipeline", "Pipeline", False, False),
    ("Qualification", 10, "Pipeline", "Pipeline", False, False),
    ("Needs Analysis", 20, "Pipeline", "Pipeline", False, False),
    ("Value Proposition", 50, "Pipeline", "Pipeline", False, False),
    ("Id. Decision Makers", 60, "Pipeline", "Pipeline", False, False),
    ("Perception Analysis", 70, "Pipeline", "Pipeline", False, False),
    ("Proposal/Price Quote", 75, "Pipeline", "Pipeline", False, False),
    ("Negotiation/Review", 90, "Pipeline", "Pipeline", False, False),
    ("Closed Won", 100, "Closed", "Closed", True, True),
    ("Closed Lost", 0, "Omitted", "Omitted", True, False),
]
_STAGE_INFO = {s[0]: s for s in OPPORTUNITY_STAGES}
FORECAST_CATEGORY_NAMES = ["Omitted", "Pipeline", "Best Case", "Commit", "Closed"]
FORECAST_CATEGORIES = ["Omitted", "Pipeline", "BestCase", "Forecast", "Closed"]
_FORECAST_API_VALUE = dict(zip(FORECAST_CATEGORY_NAMES, FORECAST_CATEGORIES))
OPPORTUNITY_TYPES = [
    "Existing Customer - Upgrade",
    "Existing Customer - Replacement",
    "Existing Customer - Downgrade",
    "New Customer",
]
CASE_STATUSES = ["New", "Working", "Escalated", "Closed"]
CASE_ORIGINS = ["Phone", "Email", "Web"]
CASE_PRIORITIES = ["High", "Medium", "Low"]
CASE_TYPES = ["Mechanical", "Electrical", "Electronic", "Structural", "Other"]
CASE_REASONS = [
    "Installation",
    "Equipment Complexity",
    "Performance",
    "Breakdown",
    "Equipment Design",
    "Feedback",
    "Other",
]
TASK_STATUSES = ["Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"]
_CLOSED_TASK_STATUSES = frozenset({"Completed"})
ACTIVITY_PRIORITIES = ["High", "Normal", "Low"]
TIME_ZONES = [
    "Pacific/Kiritimati",
    "Pacific/Auckland",
    "Australia/Sydney",
    "Australia/Brisbane",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Singapore",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Europe/Moscow",
    "Europe/Istanbul",
    "Africa/Johannesburg",
    "Europe/Athens",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Amsterdam",
    "Europe/Madrid",
    "Europe/Rome",
    "Africa/Lagos",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "GMT",
    "Atlantic/Azores",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "America/Halifax",
    "America/New_York",
    "America/Toronto",
    "America/Chicago",
    "America/Mexico_City",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Vancouver",
    "America/Anchorage",
    "Pacific/Honolulu",
]
LOCALES = [
    "en_US",
    "en_GB",
    "en_CA",
    "en_AU",
    "en_IE",
    "en_IN",
    "de_DE",
    "de_AT",
    "de_CH",
    "fr_FR",
    "fr_CA",
    "es_ES",
    "es_MX",
    "it_IT",
    "nl_NL",
    "pt_BR",
    "ja_JP",
    "zh_CN",
    "ko_KR",
    "sv_SE",
]
LANGUAGES = [
    "en_US",
    "en_GB",
    "de",
    "fr",
    "es",
    "es_MX",
    "it",
    "nl_NL",
    "pt_BR",
    "ja",
    "zh_CN",
    "ko",
    "sv",
    "da",
    "fi",
    "no",
    "ru",
    "th",
]
EMAIL_ENCODINGS = [
    "UTF-8",
    "ISO-8859-1",
    "Shift_JIS",
    "ISO-2022-JP",
    "EUC-JP",
    "ks_c_5601-1987",
    "Big5",
    "GB2312",
]
# Objects whose records can carry attachments, notes, activities and feed posts.
ATTACHMENT_PARENTS = (
    "Account",
    "Campaign",
    "Case",
    "Contact",
    "Event",
    "Lead",
    "Opportunity",
    "Product2",
    "Task",
)
WHAT_TARGETS = ("Account", "Campaign", "Case", "Opportunity", "Product2")
WHO_TARGETS = ("Contact", "Lead")
FEED_PARENTS = (
    "Account",
    "Campaign",
    "Case",
    "CollaborationGroup",
    "Contact",
    "Lead",
    "Opportunity",
    "Product2",
    "User",
)


# ---------------------------------------------------------------------------------------------
# Objects
# ---------------------------------------------------------------------------------------------


def _organization() -> ObjectDef:
    ro = READ_ONLY
    return ObjectDef.build(
        "Organization",
        "00D",
        [
            _string("Name", 80, name_field=True, **ro),
            _string("Division", 80, **ro),
            *[FieldDef(f.name, f.type, **_field_kwargs(f, **ro)) for f in _address("", "")],
            _string("Phone", 40, **ro),
            _string("Fax", 40, **ro),
            _string("PrimaryContact", 80, **ro),
            _picklist("DefaultLocaleSidKey", LOCALES, label="Locale", **ro),
            _picklist("TimeZoneSidKey", TIME_ZONES, label="Default Time Zone", **ro),
            _picklist("LanguageLocaleKey", LANGUAGES, label="Language", **ro),
            _picklist(
                "OrganizationType",
                [
                    "Developer Edition",
                    "Enterprise Edition",
                    "Unlimited Edition",
                    "Professional Edition",
                ],
                label="Edition",
                **ro,
            ),
            _string("InstanceName", 5, label="Instance Name", **ro),
            _boolean("IsSandbox", label="Is Sandbox", **ro),
            _string("NamespacePrefix", 15, label="Namespace Prefix", **ro),
            FieldDef("TrialExpirationDate", "datetime", label="Trial Expiration Date", **ro),
            _number(
                "FiscalYearStartMonth", "int", precision=9, label="Fiscal Year Starts In", **ro
            ),
        ],
        label="Organization",
        has_owner=False,
        createable=False,
        updateable=False,
        deletable=False,
        searchable=False,
    )


def _field_kwargs(field: FieldDef, **overrides: Any) -> dict[str, Any]:
    """The constructor arguments of ``field`` except name and type, with ``overrides``."""
    import attrs

    kwargs = attrs.asdict(field, recurse=False)
    kwargs.pop("name")
    kwargs.pop("type")
    kwargs.update(overrides)
    return kwargs


def _profile() -> ObjectDef:
    return ObjectDef.build(
        "Profile",
        "00e",
        [
            _string("Name", 255, required=True, name_field=True),
            _picklist(
                "UserType",
                [
                    "Standard",
                    "PowerPartner",
                    "CspLitePortal",
                    "CustomerSuccess",
                    "Guest",
                    "CsnOnly",
                ],
                label="User Type",
                **READ_ONLY,
            ),
            _string("Description", 255),
            _boolean("PermissionsApiEnabled", label="API Enabled"),
            _boolean("PermissionsModifyAllData", label="Modify All Data"),
            _boolean("PermissionsViewAllData", label="View All Data"),
            _boolean("PermissionsBulkApiHardDelete", label="Bulk API Hard Delete"),
        ],
        has_owner=False,
        createable=False,
        deletable=False,
    )


def _user_role() -> ObjectDef:
    return ObjectDef.build(
        "UserRole",
        "00E",
        [
            _string("Name", 80, required=True, name_field=True),
            _reference("ParentRoleId", "UserRole", "ParentRole", label="Parent Role ID"),
            _string("RollupDescription", 80, label="Description"),
            _string("DeveloperName", 80, label="Developer Name"),
            _picklist("OpportunityAccessForAccountOwner", ["None", "Read", "Edit"], default="None"),
            _picklist("CaseAccessForAccountOwner", ["None", "Read", "Edit"], default="None"),
            _picklist("ContactAccessForAccountOwner", ["None", "Read", "Edit"], default="None"),
            _reference("ForecastUserId", "User", "ForecastUser", label="Forecast Manager ID"),
            _picklist(
                "PortalType", ["None", "CustomerPortal", "Partner"], default="None", **READ_ONLY
            ),
        ],
        label="Role",
        has_owner=False,
    )


def _user() -> ObjectDef:
    return ObjectDef.build(
        "User",
        "005",
        [
            _string("Username", 80, required=True, unique=True, id_lookup=True),
            *_person_name(salutation=False),
            _string("CompanyName", 80, label="Company Name"),
            _string("Division", 80),
            _string("Department", 80),
            _string("Title", 80),
            *_address("", ""),
            FieldDef("Email", "email", required=True),
            _boolean("EmailPreferencesAutoBcc", label="Auto-bcc"),
            _string("SenderEmail", 80, label="Email Sender Address"),
            _string("SenderName", 80, label="Email Sender Name"),
            _string("Signature", 1333, label="Email Signature"),
            FieldDef("Phone", "phone"),
            FieldDef("Fax", "phone"),
            FieldDef("MobilePhone", "phone", label="Mobile"),
            _string("Alias", 8, required=True),
            _string(
                "CommunityNickname", 40, label="Nickname", defaulted_on_create=True, unique=True
            ),
            _boolean("IsActive", default=True, label="Active"),
            _picklist("TimeZoneSidKey", TIME_ZONES, label="Time Zone", required=True),
            _reference("UserRoleId", "UserRole", "UserRole", child="Users", label="Role ID"),
            _picklist("LocaleSidKey", LOCALES, label="Locale", required=True),
            _picklist("EmailEncodingKey", EMAIL_ENCODINGS, label="Email Encoding", required=True),
            _reference("ProfileId", "Profile", "Profile", child="Users", required=True),
            _picklist(
                "UserType",
                [
                    "Standard",
                    "PowerPartner",
                    "CspLitePortal",
                    "CustomerSuccess",
                    "Guest",
                    "CsnOnly",
                ],
                label="User Type",
                **READ_ONLY,
            ),
            _picklist("LanguageLocaleKey", LANGUAGES, label="Language", required=True),
            _string("EmployeeNumber", 20, label="Employee Number"),
            _reference("ManagerId", "User", "Manager", child="ManagedUsers"),
            FieldDef("LastLoginDate", "datetime", label="Last Login", **READ_ONLY),
            FieldDef(
                "LastPasswordChangeDate",
                "datetime",
                label="Last Password Change or Reset",
                **READ_ONLY,
            ),
            _string("FederationIdentifier", 512, label="SAML Federation ID"),
            _string("AboutMe", 1000, label="About Me"),
            FieldDef(
                "FullPhotoUrl", "url", length=1024, label="Url for full-sized Photo", **READ_ONLY
            ),
            FieldDef("SmallPhotoUrl", "url", length=1024, label="Photo", **READ_ONLY),
            _boolean("UserPermissionsMarketingUser", label="Marketing User"),
        ],
        has_owner=False,
        deletable=False,
        feed_enabled=True,
    )


def _group() -> ObjectDef:
    return ObjectDef.build(
        "Group",
        "00G",
        [
            _string("Name", 40, required=True, name_field=True),
            _string("DeveloperName", 80, label="Developer Name"),
            _reference(
                "RelatedId", ("User", "UserRole"), "Related", label="Related ID", **CREATE_ONLY
            ),
            _picklist(
                "Type",
                ["Regular", "Role", "RoleAndSubordinates", "Organization", "Queue", "Manager"],
                default="Regular",
                **CREATE_ONLY,
            ),
            FieldDef("Email", "email"),
            _boolean("DoesSendEmailToMembers", label="Send Email to Members"),
            _boolean("DoesIncludeBosses", label="Include Bosses", default=True),
        ],
    )


def _record_type() -> ObjectDef:
    return ObjectDef.build(
        "RecordType",
        "012",
        [
            _string("Name", 80, required=True, name_field=True, label="Record Type Name"),
            _string("DeveloperName", 80, required=True, label="Record Type Name"),
            _string("NamespacePrefix", 15, **READ_ONLY),
            _string("Description", 255),
            _string("SobjectType", 40, required=True, label="SObject Type Name", **CREATE_ONLY),
            _boolean("IsActive", default=True, label="Active"),
        ],
        label="Record Type",
        has_owner=False,
    )


def _account() -> ObjectDef:
    return ObjectDef.build(
        "Account",
        "001",
        [
            _reference(
                "MasterRecordId", "Account", "MasterRecord", label="Master Record ID", **READ_ONLY
            ),
            _string("Name", 255, required=True, name_field=True, label="Account Name"),
            _picklist("Type", ACCOUNT_TYPES, label="Account Type"),
            _reference(
                "ParentId", "Account", "Parent", child="ChildAccounts", label="Parent Account ID"
            ),
            *_address("Billing", "Billing"),
            *_address("Shipping", "Shipping"),
            FieldDef("Phone", "phone", label="Account Phone"),
            FieldDef("Fax", "phone", label="Account Fax"),
            _string("AccountNumber", 40, label="Account Number"),
            FieldDef("Website", "url"),
            FieldDef("PhotoUrl", "url", length=255, label="Photo URL", **READ_ONLY),
            _string("Sic", 20, label="SIC Code"),
            _picklist("Industry", INDUSTRIES),
            _number("AnnualRevenue", "currency", precision=18, label="Annual Revenue"),
            _number("NumberOfEmployees", "int", precision=8, label="Employees"),
            _picklist("Ownership", OWNERSHIP),
            _string("TickerSymbol", 20, label="Ticker Symbol"),
            _textarea("Description", 32000, label="Account Description"),
            _picklist("Rating", RATINGS, label="Account Rating"),
            _string("Site", 80, label="Account Site"),
            _picklist("AccountSource", LEAD_SOURCES, label="Account Source"),
            _string("SicDesc", 80, label="SIC Description"),
            FieldDef("LastActivityDate", "date", label="Last Activity", **READ_ONLY),
            FieldDef("LastViewedDate", "datetime", label="Last Viewed Date", **READ_ONLY),
            FieldDef("LastReferencedDate", "datetime", label="Last Referenced Date", **READ_ONLY),
        ],
        feed_enabled=True,
    )


def _contact() -> ObjectDef:
    return ObjectDef.build(
        "Contact",
        "003",
        [
            _reference(
                "MasterRecordId", "Contact", "MasterRecord", label="Master Record ID", **READ_ONLY
            ),
            _reference("AccountId", "Account", "Account", child="Contacts", cascade=True),
            *_person_name(),
            *_address("Other", "Other"),
            *_address("Mailing", "Mailing"),
            FieldDef("Phone", "phone", label="Business Phone"),
            FieldDef("Fax", "phone", label="Business Fax"),
            FieldDef("MobilePhone", "phone", label="Mobile Phone"),
            FieldDef("HomePhone", "phone", label="Home Phone"),
            FieldDef("OtherPhone", "phone", label="Other Phone"),
            FieldDef("AssistantPhone", "phone", label="Asst. Phone"),
            _reference("ReportsToId", "Contact", "ReportsTo", label="Reports To ID"),
            FieldDef("Email", "email"),
            _string("Title", 128),
            _string("Department", 80),
            _string("AssistantName", 40, label="Assistant's Name"),
            _picklist("LeadSource", LEAD_SOURCES, label="Lead Source"),
            FieldDef("Birthdate", "date"),
            _textarea("Description", 32000, label="Contact Description"),
            _boolean("HasOptedOutOfEmail", label="Email Opt Out"),
            _boolean("HasOptedOutOfFax", label="Fax Opt Out"),
            _boolean("DoNotCall", label="Do Not Call"),
            FieldDef("LastActivityDate", "date", label="Last Activity", **READ_ONLY),
            _string("EmailBouncedReason", 255, label="Email Bounced Reason"),
            FieldDef("EmailBouncedDate", "datetime", label="Email Bounced Date"),
            _boolean("IsEmailBounced", label="Is Email Bounced", **READ_ONLY),
            FieldDef("PhotoUrl", "url", length=255, label="Photo URL", **READ_ONLY),
            FieldDef("LastViewedDate", "datetime", label="Last Viewed Date", **READ_ONLY),
            FieldDef("LastReferencedDate", "datetime", label="Last Referenced Date", **READ_ONLY),
        ],
        feed_enabled=True,
    )


def _lead() -> ObjectDef:
    return ObjectDef.build(
        "Lead",
        "00Q",
        [
            _reference(
                "MasterRecordId", "Lead", "MasterRecord", label="Master Record ID", **READ_ONLY
            ),
            *_person_name(),
            _string("Title", 128),
            _string("Company", 255, required=True),
            *_address("", ""),
            FieldDef("Phone", "phone"),
            FieldDef("MobilePhone", "phone", label="Mobile Phone"),
            FieldDef("Fax", "phone"),
            FieldDef("Email", "email"),
            FieldDef("Website", "url"),
            FieldDef("PhotoUrl", "url", length=255, label="Photo URL", **READ_ONLY),
            _textarea("Description", 32000),
            _picklist("LeadSource", LEAD_SOURCES, label="Lead Source"),
            _picklist(
                "Status",
                LEAD_STATUSES,
                default="Open - Not Contacted",
                restricted=True,
                label="Lead Status",
            ),
            _picklist("Industry", INDUSTRIES),
            _picklist("Rating", RATINGS),
            _number("AnnualRevenue", "currency", precision=18, label="Annual Revenue"),
            _number("NumberOfEmployees", "int", precision=8, label="Employees"),
            _boolean("IsConverted", label="Converted", **READ_ONLY),
            FieldDef("ConvertedDate", "date", label="Converted Date", **READ_ONLY),
            _reference("ConvertedAccountId", "Account", "ConvertedAccount", **READ_ONLY),
            _reference("ConvertedContactId", "Contact", "ConvertedContact", **READ_ONLY),
            _reference(
                "ConvertedOpportunityId", "Opportunity", "ConvertedOpportunity", **READ_ONLY
            ),
            _boolean("IsUnreadByOwner", label="Unread By Owner", default=True),
            _boolean("HasOptedOutOfEmail", label="Email Opt Out"),
            _boolean("HasOptedOutOfFax", label="Fax Opt Out"),
            _boolean("DoNotCall", label="Do Not Call"),
            FieldDef("LastActivityDate", "date", label="Last Activity", **READ_ONLY),
            _string("EmailBouncedReason", 255, label="Email Bounced Reason"),
            FieldDef("EmailBouncedDate", "datetime", label="Email Bounced Date"),
        ],
        feed_enabled=True,
    )


def _opportunity() -> ObjectDef:
    return ObjectDef.build(
        "Opportunity",
        "006",
        [
            _reference("AccountId", "Account", "Account", child="Opportunities", cascade=True),
            _boolean("IsPrivate", label="Private"),
            _string("Name", 120, required=True, name_field=True, label="Name"),
            _textarea("Description", 32000),
            _picklist(
                "StageName",
                [s[0] for s in OPPORTUNITY_STAGES],
                restricted=True,
                required=True,
                label="Stage",
            ),
            _number("Amount", "currency", precision=18, scale=2),
            _number(
                "Probability",
                "percent",
                precision=3,
                label="Probability (%)",
                defaulted_on_create=True,
            ),
            _number(
                "ExpectedRevenue",
                "currency",
                precision=18,
                scale=2,
                label="Expected Amount",
                **READ_ONLY,
            ),
            _number("TotalOpportunityQuantity", precision=18, scale=2, label="Quantity"),
            FieldDef("CloseDate", "date", required=True, label="Close Date"),
            _picklist("Type", OPPORTUNITY_TYPES, label="Opportunity Type"),
            _string("NextStep", 255, label="Next Step"),
            _picklist("LeadSource", LEAD_SOURCES, label="Lead Source"),
            _boolean("IsClosed", label="Closed", **READ_ONLY),
            _boolean("IsWon", label="Won", **READ_ONLY),
            _picklist(
                "ForecastCategory", FORECAST_CATEGORIES, label="Forecast Category", **READ_ONLY
            ),
            _picklist(
                "ForecastCategoryName",
                FORECAST_CATEGORY_NAMES,
                label="Forecast Category",
                defaulted_on_create=True,
                restricted=True,
            ),
            _reference(
                "CampaignId", "Campaign", "Campaign", child="Opportunities", label="Campaign ID"
            ),
            _boolean("HasOpportunityLineItem", label="Has Line Item", **READ_ONLY),
            _reference(
                "Pricebook2Id",
                "Pricebook2",
                "Pricebook2",
                child="Opportunities",
                label="Price Book ID",
            ),
            FieldDef("LastActivityDate", "date", label="Last Activity", **READ_ONLY),
            _number("FiscalQuarter", "int", precision=9, label="Fiscal Quarter", **READ_ONLY),
            _number("FiscalYear", "int", precision=9, label="Fiscal Year", **READ_ONLY),
            _string("Fiscal", 6, label="Fiscal Period", **READ_ONLY),
            FieldDef("LastViewedDate", "datetime", label="Last Viewed Date", **READ_ONLY),
            FieldDef("LastReferencedDate", "datetime", label="Last Referenced Date", **READ_ONLY),
        ],
        feed_enabled=True,
    )


def _opportunity_line_item() -> ObjectDef:
    return ObjectDef.build(
        "OpportunityLineItem",
        "00k",
        [
            _reference(
                "OpportunityId",
                "Opportunity",
                "Opportunity",
                child="OpportunityLineItems",
                cascade=True,
                required=True,
                **CREATE_ONLY,
            ),
            _number("SortOrder", "int", precision=9, label="Sort Order"),
            _reference(
                "PricebookEntryId",
                "PricebookEntry",
                "PricebookEntry",
                child="OpportunityLineItems",
                label="Price Book Entry ID",
                required=True,
                **CREATE_ONLY,
            ),
            _reference("Product2Id", "Product2", "Product2", label="Product ID", **CREATE_ONLY),
            _string("ProductCode", 255, label="Product Code", **READ_ONLY),
            _string("Name", 376, label="Opportunity Product Name", name_field=True, **READ_ONLY),
            _number("Quantity", precision=12, scale=2, required=True),
            _number("TotalPrice", "currency", precision=18, scale=2, label="Total Price"),
            _number("UnitPrice", "currency", precision=18, scale=2, label="Sales Price"),
            _number(
                "ListPrice", "currency", precision=18, scale=2, label="List Price", **READ_ONLY
            ),
            FieldDef("ServiceDate", "date", label="Date"),
            _string("Description", 255, label="Line Description"),
        ],
        label="Opportunity Product",
        has_owner=False,
    )


def _opportunity_contact_role() -> ObjectDef:
    roles = [
        "Business User",
        "Decision Maker",
        "Economic Buyer",
        "Economic Decision Maker",
        "Evaluator",
        "Executive Sponsor",
        "Influencer",
        "Technical Buyer",
        "Other",
    ]
    return ObjectDef.build(
        "OpportunityContactRole",
        "00K",
        [
            _reference(
                "OpportunityId",
                "Opportunity",
                "Opportunity",
                child="OpportunityContactRoles",
                cascade=True,
                required=True,
                **CREATE_ONLY,
            ),
            _reference(
                "ContactId",
                "Contact",
                "Contact",
                child="OpportunityContactRoles",
                cascade=True,
                required=True,
            ),
            _picklist("Role", roles),
            _boolean("IsPrimary", label="Primary"),
        ],
        label="Opportunity Contact Role",
        has_owner=False,
    )


def _campaign() -> ObjectDef:
    types = [
        "Conference",
        "Webinar",
        "Trade Show",
        "Public Relations",
        "Partners",
        "Referral Program",
        "Advertisement",
        "Banner Ads",
        "Direct Mail",
        "Email",
        "Telemarketing",
        "Other",
    ]
    ro = READ_ONLY
    return ObjectDef.build(
        "Campaign",
        "701",
        [
            _string("Name", 80, required=True, name_field=True, label="Campaign Name"),
            _reference(
                "ParentId", "Campaign", "Parent", child="ChildCampaigns", label="Parent Campaign ID"
            ),
            _picklist("Type", types),
            _picklist(
                "Status", ["Planned", "In Progress", "Completed", "Aborted"], default="Planned"
            ),
            FieldDef("StartDate", "date", label="Start Date"),
            FieldDef("EndDate", "date", label="End Date"),
            _number(
                "ExpectedRevenue", "currency", precision=18, label="Expected Revenue in Campaign"
            ),
            _number("BudgetedCost", "currency", precision=18, label="Budgeted Cost in Campaign"),
            _number("ActualCost", "currency", precision=18, label="Actual Cost in Campaign"),
            _number(
                "ExpectedResponse", "percent", precision=10, scale=2, label="Expected Response (%)"
            ),
            _number("NumberSent", precision=18, label="Num Sent in Campaign"),
            _boolean("IsActive", label="Active"),
            _textarea("Description", 32000),
            _number("NumberOfLeads", "int", precision=9, label="Leads in Campaign", **ro),
            _number(
                "NumberOfConvertedLeads",
                "int",
                precision=9,
                label="Converted Leads in Campaign",
                **ro,
            ),
            _number("NumberOfContacts", "int", precision=9, label="Contacts in Campaign", **ro),
            _number("NumberOfResponses", "int", precision=9, label="Responses in Campaign", **ro),
            _number(
                "NumberOfOpportunities", "int", precision=9, label="Opportunities in Campaign", **ro
            ),
            _number(
                "NumberOfWonOpportunities",
                "int",
                precision=9,
                label="Won Opportunities in Campaign",
                **ro,
            ),
            _number(
                "AmountAllOpportunities",
                "currency",
                precision=18,
                label="Value Opportunities in Campaign",
                **ro,
            ),
            _number(
                "AmountWonOpportunities",
                "currency",
                precision=18,
                label="Value Won Opportunities in Campaign",
                **ro,
            ),
        ],
        feed_enabled=True,
    )


def _campaign_member() -> ObjectDef:
    return ObjectDef.build(
        "CampaignMember",
        "00v",
        [
            _reference(
                "CampaignId",
                "Campaign",
                "Campaign",
                child="CampaignMembers",
                cascade=True,
                required=True,
                **CREATE_ONLY,
            ),
            _reference(
                "LeadId", "Lead", "Lead", child="CampaignMembers", cascade=True, **CREATE_ONLY
            ),
            _reference(
                "ContactId",
                "Contact",
                "Contact",
                child="CampaignMembers",
                cascade=True,
                **CREATE_ONLY,
            ),
            _picklist("Status", ["Planned", "Sent", "Received", "Responded"], default="Sent"),
            _boolean("HasResponded", label="Responded", **READ_ONLY),
            FieldDef("FirstRespondedDate", "date", label="First Responded Date", **READ_ONLY),
            _string("Salutation", 40, **READ_ONLY),
            _string("Name", 121, name_field=True, **READ_ONLY),
            _string("FirstName", 40, label="First Name", **READ_ONLY),
            _string("LastName", 80, label="Last Name", **READ_ONLY),
            _string("Title", 128, **READ_ONLY),
            FieldDef("Email", "email", **READ_ONLY),
            _string("CompanyOrAccount", 255, label="Company (Account)", **READ_ONLY),
            _picklist("Type", ["Lead", "Contact"], **READ_ONLY),
        ],
        label="Campaign Member",
        has_owner=False,
    )


def _case() -> ObjectDef:
    return ObjectDef.build(
        "Case",
        "500",
        [
            _reference(
                "MasterRecordId", "Case", "MasterRecord", label="Master Record ID", **READ_ONLY
            ),
            _string("CaseNumber", 30, label="Case Number", name_field=True, **READ_ONLY),
            _reference("ContactId", "Contact", "Contact", child="Cases", label="Contact ID"),
            _reference(
                "AccountId", "Account", "Account", child="Cases", cascade=True, label="Account ID"
            ),
            _reference("ParentId", "Case", "Parent", child="Cases", label="Parent Case ID"),
            _string("SuppliedName", 80, label="Web Name"),
            FieldDef("SuppliedEmail", "email", label="Web Email"),
            _string("SuppliedPhone", 40, label="Web Phone"),
            _string("SuppliedCompany", 80, label="Web Company"),
            _picklist("Type", CASE_TYPES, label="Case Type"),
            _picklist("Status", CASE_STATUSES, default="New"),
            _picklist("Reason", CASE_REASONS, label="Case Reason"),
            _picklist("Origin", CASE_ORIGINS, label="Case Origin"),
            _string("Subject", 255),
            _picklist("Priority", CASE_PRIORITIES, default="Medium"),
            _textarea("Description", 32000),
            _boolean("IsClosed", label="Closed", **READ_ONLY),
            FieldDef("ClosedDate", "datetime", label="Closed Date", **READ_ONLY),
            _boolean("IsEscalated", label="Escalated"),
            FieldDef("ContactPhone", "phone", label="Contact Phone", **READ_ONLY),
            FieldDef("ContactMobile", "phone", label="Contact Mobile", **READ_ONLY),
            FieldDef("ContactEmail", "email", label="Contact Email", **READ_ONLY),
            FieldDef("LastViewedDate", "datetime", label="Last Viewed Date", **READ_ONLY),
            FieldDef("LastReferencedDate", "datetime", label="Last Referenced Date", **READ_ONLY),
        ],
        feed_enabled=True,
    )


def _activity_fields(kind: str) -> list[FieldDef]:
    child = "Tasks" if kind == "Task" else "Events"
    return [
        _reference("WhoId", WHO_TARGETS, "Who", child=child, cascade=True, label="Name ID"),
        _reference(
            "WhatId", WHAT_TARGETS, "What", child=child, cascade=True, label="Related To ID"
        ),
        _reference("AccountId", "Account", "Account", label="Account ID", **READ_ONLY),
        _textarea("Description", 32000),
        _boolean("IsArchived", label="Archived", **READ_ONLY),
        FieldDef("ReminderDateTime", "datetime", label="Reminder Date/Time"),
        _boolean("IsReminderSet", label="Reminder Set"),
        _boolean("IsRecurrence", label="Create Recurring Series", **READ_ONLY),
    ]


def _task() -> ObjectDef:
    return ObjectDef.build(
        "Task",
        "00T",
        [
            FieldDef(
                "Subject",
                "combobox",
                length=255,
                picklist_values=["Call", "Send Letter", "Send Quote", "Other"],
                name_field=True,
            ),
            FieldDef("ActivityDate", "date", label="Due Date Only"),
            _picklist("Status", TASK_STATUSES, default="Not Started", restricted=True),
            _picklist("Priority", ACTIVITY_PRIORITIES, default="Normal", restricted=True),
            _boolean("IsHighPriority", label="High Priority", **READ_ONLY),
            _picklist("Type", ["Call", "Email", "Meeting", "Other"]),
            _boolean("IsClosed", label="Closed", **READ_ONLY),
            *_activity_fields("Task"),
            _number("CallDurationInSeconds", "int", precision=8, label="Call Duration"),
            _picklist("CallType", ["Internal", "Inbound", "Outbound"], label="Call Type"),
            _string("CallDisposition", 255, label="Call Result"),
            _picklist(
                "TaskSubtype",
                ["Task", "Email", "ListEmail", "Cadence", "Call"],
                default="Task",
                **CREATE_ONLY,
            ),
            FieldDef("CompletedDateTime", "datetime", label="Completed Date/Time", **READ_ONLY),
        ],
    )


def _event() -> ObjectDef:
    return ObjectDef.build(
        "Event",
        "00U",
        [
            FieldDef(
                "Subject",
                "combobox",
                length=255,
                picklist_values=["Call", "Email", "Meeting", "Send Letter/Quote", "Other"],
                name_field=True,
            ),
            _string("Location", 255),
            _boolean("IsAllDayEvent", label="All-Day Event"),
            FieldDef("ActivityDateTime", "datetime", label="Due Date Time"),
            FieldDef("ActivityDate", "date", label="Due Date Only"),
            _number("DurationInMinutes", "int", precision=8, label="Duration"),
            FieldDef("StartDateTime", "datetime", label="Start Date Time"),
            FieldDef("EndDateTime", "datetime", label="End Date Time"),
            FieldDef("EndDate", "date", label="End", **READ_ONLY),
            _picklist("Type", ["Call", "Email", "Meeting", "Other"]),
            _boolean("IsPrivate", label="Private"),
            _picklist(
                "ShowAs", ["Busy", "OutOfOffice", "Free"], default="Busy", label="Show Time As"
            ),
            *_activity_fields("Event"),
            _picklist("EventSubtype", ["Event"], default="Event", **CREATE_ONLY),
        ],
    )


def _product2() -> ObjectDef:
    return ObjectDef.build(
        "Product2",
        "01t",
        [
            _string("Name", 255, required=True, name_field=True, label="Product Name"),
            _string("ProductCode", 255, label="Product Code"),
            _textarea("Description", 4000, label="Product Description"),
            _boolean("IsActive", label="Active"),
            _picklist("Family", ["Hardware", "Software", "Services"], label="Product Family"),
            _picklist("QuantityUnitOfMeasure", ["Each"], label="Quantity Unit Of Measure"),
            FieldDef("DisplayUrl", "url", length=1000, label="Display URL"),
            _string("ExternalId", 255, label="External ID"),
            _string("StockKeepingUnit", 180, label="Product SKU"),
            _boolean("IsArchived", label="Archived", **READ_ONLY),
            FieldDef("LastViewedDate", "datetime", label="Last Viewed Date", **READ_ONLY),
        ],
        label="Product",
        has_owner=False,
        feed_enabled=True,
    )


def _pricebook2() -> ObjectDef:
    return ObjectDef.build(
        "Pricebook2",
        "01s",
        [
            _string("Name", 255, required=True, name_field=True, label="Price Book Name"),
            _boolean("IsActive", label="Active"),
            _boolean("IsArchived", label="Archived", **READ_ONLY),
            _string("Description", 255),
            _boolean("IsStandard", label="Is Standard Price Book", **READ_ONLY),
        ],
        label="Price Book",
        has_owner=False,
    )


def _pricebook_entry() -> ObjectDef:
    return ObjectDef.build(
        "PricebookEntry",
        "01u",
        [
            _string("Name", 255, name_field=True, label="Product Name", **READ_ONLY),
            _reference(
                "Pricebook2Id",
                "Pricebook2",
                "Pricebook2",
                child="PricebookEntries",
                cascade=True,
                required=True,
                label="Price Book ID",
                **CREATE_ONLY,
            ),
            _reference(
                "Product2Id",
                "Product2",
                "Product2",
                child="PricebookEntries",
                cascade=True,
                required=True,
                label="Product ID",
                **CREATE_ONLY,
            ),
            _number(
                "UnitPrice", "currency", precision=18, scale=2, required=True, label="List Price"
            ),
            _boolean("IsActive", label="Active"),
            _boolean("UseStandardPrice", label="Use Standard Price"),
            _string("ProductCode", 255, label="Product Code", **READ_ONLY),
            _boolean("IsArchived", label="Archived", **READ_ONLY),
        ],
        label="Price Book Entry",
        has_owner=False,
    )


def _attachment() -> ObjectDef:
    return ObjectDef.build(
        "Attachment",
        "00P",
        [
            _reference(
                "ParentId",
                ATTACHMENT_PARENTS,
                "Parent",
                child="Attachments",
                cascade=True,
                required=True,
                label="Parent ID",
                **CREATE_ONLY,
            ),
            _string("Name", 255, required=True, name_field=True, label="File Name"),
            _boolean("IsPrivate", label="Private"),
            _string("ContentType", 120, label="Content Type"),
            _number("BodyLength", "int", precision=18, label="Body Length", **READ_ONLY),
            FieldDef(
                "Body", "base64", required=True, filterable=False, sortable=False, groupable=False
            ),
            _textarea("Description", 500),
        ],
    )


def _folder() -> ObjectDef:
    return ObjectDef.build(
        "Folder",
        "00l",
        [
            _string("Name", 40, required=True, name_field=True),
            _string("DeveloperName", 80, label="Folder Unique Name"),
            _picklist(
                "AccessType",
                ["Shared", "Public", "Hidden", "PublicInternal"],
                default="Public",
                restricted=True,
            ),
            _boolean("IsReadonly", label="Read Only"),
            _picklist(
                "Type",
                ["Document", "Email", "Report", "Dashboard", "EmailTemplate", "QuickText"],
                required=True,
                restricted=True,
                **CREATE_ONLY,
            ),
            _string("NamespacePrefix", 15, **READ_ONLY),
            _reference("ParentId", "Folder", "Parent", label="Parent Folder ID"),
        ],
        has_owner=False,
    )


def _document() -> ObjectDef:
    return ObjectDef.build(
        "Document",
        "015",
        [
            _reference(
                "FolderId",
                ("Folder", "User"),
                "Folder",
                child="Documents",
                cascade=True,
                required=True,
            ),
            _string("Name", 255, required=True, name_field=True, label="Document Name"),
            _string("DeveloperName", 80, label="Document Unique Name", defaulted_on_create=True),
            _string("NamespacePrefix", 15, **READ_ONLY),
            _string("ContentType", 120, label="MIME Type"),
            _string("Type", 40, label="File Extension"),
            _boolean("IsPublic", label="Externally Available"),
            _number("BodyLength", "int", precision=18, label="Body Length", **READ_ONLY),
            FieldDef("Body", "base64", filterable=False, sortable=False, groupable=False),
            FieldDef("Url", "url", length=255),
            _textarea("Description", 255),
            _string("Keywords", 255),
            _boolean("IsInternalUseOnly", label="Internal Use Only"),
            _reference("AuthorId", "User", "Author", label="Author ID", defaulted_on_create=True),
            _boolean("IsBodySearchable", label="Document Content Searchable", **READ_ONLY),
        ],
        has_owner=False,
    )


def _content_document() -> ObjectDef:
    ro = READ_ONLY
    return ObjectDef.build(
        "ContentDocument",
        "069",
        [
            _string("Title", 255, name_field=True, **CREATE_ONLY),
            _picklist("PublishStatus", ["U", "P", "R"], label="Publish Status", **ro),
            _reference(
                "LatestPublishedVersionId", "ContentVersion", "LatestPublishedVersion", **ro
            ),
            _number("ContentSize", "int", precision=9, label="Size", **ro),
            _string("FileType", 20, label="File Type", **ro),
            _string("FileExtension", 40, label="File Extension", **ro),
            _textarea("Description", 1000),
            FieldDef("ContentModifiedDate", "datetime", label="Content Modified Date", **ro),
            FieldDef("LastViewedDate", "datetime", label="Last Viewed Date", **ro),
        ],
        label="Content Document",
        createable=False,
        feed_enabled=True,
    )


def _content_version() -> ObjectDef:
    ro = READ_ONLY
    return ObjectDef.build(
        "ContentVersion",
        "068",
        [
            _reference(
                "ContentDocumentId",
                "ContentDocument",
                "ContentDocument",
                child="ContentVersions",
                cascade=True,
                **CREATE_ONLY,
            ),
            _boolean("IsLatest", label="Is Latest", **ro),
            FieldDef("ContentUrl", "url", length=1300, label="Content URL"),
            _string("VersionNumber", 20, label="Version Number", **ro),
            _string("Title", 255, name_field=True, defaulted_on_create=True),
            _textarea("Description", 1000),
            _string("ReasonForChange", 1000, label="Reason For Change"),
            _string("PathOnClient", 500, label="Path On Client", **CREATE_ONLY),
            FieldDef(
                "VersionData",
                "base64",
                label="Version Data",
                filterable=False,
                sortable=False,
                groupable=False,
            ),
            _number("ContentSize", "int", precision=9, label="Size", **ro),
            _string("FileType", 20, label="File Type", **ro),
            _string("FileExtension", 40, label="File Extension", **ro),
            _reference(
                "FirstPublishLocationId",
                FEED_PARENTS,
                "FirstPublishLocation",
                label="First Publish Location ID",
                **CREATE_ONLY,
            ),
            _picklist("Origin", ["C", "H"], default="C", label="Content Origin", **CREATE_ONLY),
            _picklist(
                "ContentLocation",
                ["S", "E", "L"],
                default="S",
                label="Content Location",
                **CREATE_ONLY,
            ),
            _picklist(
                "SharingOption",
                ["A", "R"],
                default="A",
                label="Prevent others from sharing and unsharing",
            ),
            _picklist("SharingPrivacy", ["N", "P"], default="N", label="File Privacy on Records"),
            _picklist("PublishStatus", ["U", "P", "R"], label="Publish Status", **ro),
            _string("Checksum", 50, **ro),
            _boolean("IsMajorVersion", label="Major Version", default=True, **CREATE_ONLY),
            FieldDef("ContentModifiedDate", "datetime", label="Content Modified Date", **ro),
        ],
        label="Content Version",
        deletable=False,
        feed_enabled=True,
    )


def _feed_item() -> ObjectDef:
    types = [
        "TextPost",
        "LinkPost",
        "ContentPost",
        "TrackedChange",
        "PollPost",
        "QuestionPost",
        "AdvancedTextPost",
        "CreateRecordEvent",
    ]
    return ObjectDef.build(
        "FeedItem",
        "0D5",
        [
            _reference(
                "ParentId",
                FEED_PARENTS,
                "Parent",
                cascade=True,
                required=True,
                label="Parent ID",
                **CREATE_ONLY,
            ),
            _picklist(
                "Type",
                types,
                default="TextPost",
                restricted=True,
                label="Feed Item Type",
                **CREATE_ONLY,
            ),
            _textarea("Body", 10000),
            _string("Title", 255),
            FieldDef("LinkUrl", "url", length=1000, label="Link Url"),
            _reference(
                "RelatedRecordId", "ContentVersion", "RelatedRecord", label="Related Record ID"
            ),
            _number("CommentCount", "int", precision=9, label="Comment Count", **READ_ONLY),
            _number("LikeCount", "int", precision=9, label="Like Count", **READ_ONLY),
            _boolean("IsRichText", label="Is Rich Text"),
            _picklist(
                "Visibility", ["AllUsers", "InternalUsers"], default="AllUsers", restricted=True
            ),
            _picklist(
                "Status", ["Published", "PendingReview"], default="Published", restricted=True
            ),
            _reference("InsertedById", "User", "InsertedBy", label="InsertedBy ID", **READ_ONLY),
            _boolean("HasContent", label="Has Content", **READ_ONLY),
            _boolean("HasLink", label="Has Link", **READ_ONLY),
        ],
        label="Feed Item",
        has_owner=False,
    )


def _feed_comment() -> ObjectDef:
    return ObjectDef.build(
        "FeedComment",
        "0D7",
        [
            _reference(
                "FeedItemId",
                "FeedItem",
                "FeedItem",
                child="FeedComments",
                cascade=True,
                required=True,
                **CREATE_ONLY,
            ),
            _reference("ParentId", FEED_PARENTS, "Parent", label="Parent ID", **READ_ONLY),
            _textarea("CommentBody", 10000, required=True, label="Comment Body"),
            _picklist(
                "CommentType",
                ["TextComment", "ContentComment"],
                default="TextComment",
                **CREATE_ONLY,
            ),
            _reference(
                "RelatedRecordId", "ContentVersion", "RelatedRecord", label="Related Record ID"
            ),
            _boolean("IsRichText", label="Is Rich Text"),
            _reference("InsertedById", "User", "InsertedBy", label="InsertedBy ID", **READ_ONLY),
            _picklist(
                "Status", ["Published", "PendingReview"], default="Published", restricted=True
            ),
        ],
        label="Feed Comment",
        has_owner=False,
    )


def _collaboration_group() -> ObjectDef:
    return ObjectDef.build(
        "CollaborationGroup",
        "0F9",
        [
            _string("Name", 40, required=True, name_field=True),
            _picklist(
                "CollaborationType",
                ["Public", "Private", "Unlisted"],
                required=True,
                restricted=True,
                label="Access Type",
            ),
            _textarea("Description", 1000),
            _number("MemberCount", "int", precision=9, label="Member Count", **READ_ONLY),
            _boolean("IsArchived", label="Archived"),
            _boolean("IsAutoArchiveDisabled", label="Disable Auto-Archiving"),
            _string("InformationTitle", 30, label="Information Title"),
            _textarea("InformationBody", 1000, label="Information Body"),
            _boolean("CanHaveGuests", label="Allow Customers", **CREATE_ONLY),
            FieldDef(
                "FullPhotoUrl", "url", length=1024, label="Url for full-sized Photo", **READ_ONLY
            ),
            FieldDef(
                "SmallPhotoUrl",
                "url",
                length=1024,
                label="Url for Thumbnail sized photo",
                **READ_ONLY,
            ),
            FieldDef(
                "LastFeedModifiedDate", "datetime", label="Last Feed Modified Date", **READ_ONLY
            ),
        ],
        label="Group",
        feed_enabled=True,
    )


def _collaboration_group_member() -> ObjectDef:
    return ObjectDef.build(
        "CollaborationGroupMember",
        "0FB",
        [
            _reference(
                "CollaborationGroupId",
                "CollaborationGroup",
                "CollaborationGroup",
                child="GroupMembers",
                cascade=True,
                required=True,
                label="Group ID",
                **CREATE_ONLY,
            ),
            _reference(
                "MemberId",
                "User",
                "Member",
                child="GroupMemberships",
                required=True,
                label="Member ID",
                **CREATE_ONLY,
            ),
            _picklist(
                "CollaborationRole",
                ["Standard", "Admin"],
                default="Standard",
                label="Group Member Role",
            ),
            _picklist(
                "NotificationFrequency",
                ["P", "D", "W", "N"],
                default="N",
                label="Notification Frequency",
            ),
        ],
        label="Group Member",
        has_owner=False,
    )


# Records an approval process can be about (ProcessInstance.TargetObjectId).
APPROVAL_TARGETS = ("Account", "Campaign", "Case", "Contact", "Lead", "Opportunity", "Product2")
PROCESS_STATUSES = [
    "Approved",
    "Rejected",
    "Removed",
    "Fault",
    "Pending",
    "Held",
    "Reassigned",
    "Started",
    "NoResponse",
]


def _process_definition() -> ObjectDef:
    ro = READ_ONLY
    return ObjectDef.build(
        "ProcessDefinition",
        "04a",
        [
            _string("Name", 255, name_field=True, label="Process Definition Name", **ro),
            _string("DeveloperName", 80, label="Unique Name", **ro),
            _picklist("Type", ["Approval", "State"], label="Process Type", **ro),
            _string("Description", 1000, **ro),
            _string("TableEnumOrId", 40, label="Object Type", **ro),
            _picklist(
                "LockType",
                ["Total", "Admin", "Owner", "Workitem", "Node", "none"],
                label="Record Lock Type",
                **ro,
            ),
            _picklist("State", ["Active", "Inactive", "Obsolete"], label="Process State", **ro),
        ],
        label="Process Definition",
        has_owner=False,
        createable=False,
        updateable=False,
        deletable=False,
        searchable=False,
    )


def _process_instance() -> ObjectDef:
    ro = READ_ONLY
    return ObjectDef.build(
        "ProcessInstance",
        "04g",
        [
            _reference(
                "ProcessDefinitionId",
                "ProcessDefinition",
                "ProcessDefinition",
                label="Approval Process ID",
                **ro,
            ),
            _reference(
                "TargetObjectId",
                APPROVAL_TARGETS,
                "TargetObject",
                child="ProcessInstances",
                cascade=True,
                label="Target Object ID",
                **ro,
            ),
            _picklist("Status", PROCESS_STATUSES, label="Status", **ro),
            FieldDef("CompletedDate", "datetime", label="Completed Date", **ro),
            _reference("LastActorId", "User", "LastActor", label="Last Actor ID", **ro),
            _reference("SubmittedById", "User", "SubmittedBy", label="Submitted By ID", **ro),
        ],
        label="Process Instance",
        has_owner=False,
        createable=False,
        updateable=False,
        deletable=False,
        searchable=False,
    )


def _process_instance_workitem() -> ObjectDef:
    ro = READ_ONLY
    return ObjectDef.build(
        "ProcessInstanceWorkitem",
        "04i",
        [
            _reference(
                "ProcessInstanceId",
                "ProcessInstance",
                "ProcessInstance",
                child="Workitems",
                cascade=True,
                label="Process Instance ID",
                **ro,
            ),
            _reference("OriginalActorId", "User", "OriginalActor", label="Original Actor ID", **ro),
            _reference("ActorId", "User", "Actor", label="Actor ID", **ro),
        ],
        label="Approval Request",
        has_owner=False,
        createable=False,
        updateable=False,
        deletable=False,
        searchable=False,
    )


def _process_instance_step() -> ObjectDef:
    ro = READ_ONLY
    return ObjectDef.build(
        "ProcessInstanceStep",
        "04h",
        [
            _reference(
                "ProcessInstanceId",
                "ProcessInstance",
                "ProcessInstance",
                child="Steps",
                cascade=True,
                label="Process Instance ID",
                **ro,
            ),
            _picklist("StepStatus", PROCESS_STATUSES, label="Status", **ro),
            _reference("OriginalActorId", "User", "OriginalActor", label="Original Actor ID", **ro),
            _reference("ActorId", "User", "Actor", label="Actor ID", **ro),
            _textarea("Comments", 4000, **ro),
        ],
        label="Approval Step",
        has_owner=False,
        createable=False,
        updateable=False,
        deletable=False,
        searchable=False,
    )


def _apex_class() -> ObjectDef:
    ro = READ_ONLY
    return ObjectDef.build(
        "ApexClass",
        "01p",
        [
            _string("Name", 255, name_field=True, **ro),
            _string("NamespacePrefix", 15, label="Namespace Prefix", **ro),
            _number("ApiVersion", precision=18, scale=1, label="Api Version", **ro),
            _picklist("Status", ["Inactive", "Active", "Deleted"], **ro),
            _boolean("IsValid", label="Is Valid", **ro),
            _number("BodyCrc", precision=18, label="Body CRC", **ro),
            _textarea("Body", 1000000, **ro),
            _number(
                "LengthWithoutComments",
                "int",
                precision=9,
                label="Size Without Comments",
                **ro,
            ),
        ],
        label="Apex Class",
        has_owner=False,
        createable=False,
        updateable=False,
        deletable=False,
        searchable=False,
    )


def _owned_by_queues(obj: ObjectDef) -> ObjectDef:
    owner = obj.field("OwnerId")
    assert owner is not None
    owner.reference_to = ("Group", "User")
    return obj


def build_schema() -> Schema:
    """A fresh schema holding every standard object of the fake org."""
    return Schema(
        [
            _organization(),
            _profile(),
            _user_role(),
            _user(),
            _group(),
            _record_type(),
            _account(),
            _contact(),
            _owned_by_queues(_lead()),
            _opportunity(),
            _opportunity_line_item(),
            _opportunity_contact_role(),
            _campaign(),
            _campaign_member(),
            _owned_by_queues(_case()),
            _task(),
            _event(),
            _product2(),
            _pricebook2(),
            _pricebook_entry(),
            _attachment(),
            _folder(),
            _document(),
            _content_document(),
            _content_version(),
            _feed_item(),
            _feed_comment(),
            _collaboration_group(),
            _collaboration_group_member(),
            _process_definition(),
            _process_instance(),
            _process_instance_workitem(),
            _process_instance_step(),
            _apex_class(),
        ]
    )


# ---------------------------------------------------------------------------------------------
# Behaviour on save: derived fields, auto numbers, roll-ups
# ---------------------------------------------------------------------------------------------


def _integrity(message: str, *fields: str) -> SalesforceError:
    return SalesforceError(
        400, "FIELD_INTEGRITY_EXCEPTION", f"field integrity exception: {message}", list(fields)
    )


def _set_person_name(store: Store, row: Row, old: Row | None, changed: set[str]) -> None:
    parts = [row.get("FirstName"), row.get("LastName")]
    row["Name"] = " ".join(p for p in parts if p) or None


def _user_before(store: Store, row: Row, old: Row | None, changed: set[str]) -> None:
    _set_person_name(store, row, old, changed)
    if old is None:
        row["UserType"] = row.get("UserType") or "Standard"
        if row.get("CommunityNickname") is None:
            base = str(row["Username"]).split("@")[0][:32]
            nickname, n = base, 1
            while store.execute('SELECT 1 FROM "User" WHERE "CommunityNickname" = ?', (nickname,)):
                n += 1
                nickname = f"{base}{n}"
            row["CommunityNickname"] = nickname


def _opportunity_before(store: Store, row: Row, old: Row | None, changed: set[str]) -> None:
    stage = row.get("StageName")
    info = _STAGE_INFO.get(stage) if isinstance(stage, str) else None
    stage_changed = old is None or old.get("StageName") != stage
    if info is not None:
        if stage_changed and "Probability" not in changed:
            row["Probability"] = float(info[1])
        if stage_changed and "ForecastCategoryName" not in changed:
            row["ForecastCategoryName"] = info[2]
        row["IsClosed"] = int(info[4])
        row["IsWon"] = int(info[5])
    row["ForecastCategory"] = _FORECAST_API_VALUE.get(str(row.get("ForecastCategoryName")))
    amount, probability = row.get("Amount"), row.get("Probability")
    row["ExpectedRevenue"] = (
        round(amount * probability / 100, 2)
        if amount is not None and probability is not None
        else None
    )
    close = row.get("CloseDate")
    if close:
        day = parse_date(close)
        quarter = (day.month - 1) // 3 + 1
        row["FiscalYear"], row["FiscalQuarter"], row["Fiscal"] = (
            day.year,
            quarter,
            f"{day.year} {quarter}",
        )


def _case_before(store: Store, row: Row, old: Row | None, changed: set[str]) -> None:
    if old is None and row.get("CaseNumber") is None:
        highest = store.execute('SELECT MAX("CaseNumber") FROM "Case"')[0][0]
        number = int(highest) + 1 if highest and str(highest).isdigit() else 1000
        row["CaseNumber"] = f"{number:08d}"
    closed = row.get("Status") == "Closed"
    if closed and not (old is not None and old.get("IsClosed")):
        row["ClosedDate"] = row["LastModifiedDate"]
    elif not closed:
        row["ClosedDate"] = None
    row["IsClosed"] = int(closed)
    if old is None or row.get("ContactId") != old.get("ContactId"):
        contact = store.read_row("Contact", row["ContactId"]) if row.get("ContactId") else None
        for target, source in (
            ("ContactPhone", "Phone"),
            ("ContactMobile", "MobilePhone"),
            ("ContactEmail", "Email"),
        ):
            row[target] = contact.get(source) if contact else None
        if contact is not None and row.get("AccountId") is None and "AccountId" not in changed:
            row["AccountId"] = contact.get("AccountId")


def _account_of(store: Store, row: Row) -> str | None:
    """The account an activity belongs to: its What (or the What's account), else its Who's."""
    what, who = row.get("WhatId"), row.get("WhoId")
    if what and what.startswith("001"):
        return str(what)
    if what:
        for name, prefix in (("Opportunity", "006"), ("Case", "500")):
            if what.startswith(prefix):
                parent = store.read_row(name, what)
                return parent.get("AccountId") if parent else None
    if who and who.startswith("003"):
        contact = store.read_row("Contact", who)
        return contact.get("AccountId") if contact else None
    return None


def _task_before(store: Store, row: Row, old: Row | None, changed: set[str]) -> None:
    closed = row.get("Status") in _CLOSED_TASK_STATUSES
    if closed and not (old is not None and old.get("IsClosed")):
        row["CompletedDateTime"] = row["LastModifiedDate"]
    elif not closed:
        row["CompletedDateTime"] = None
    row["IsClosed"] = int(closed)
    row["IsHighPriority"] = int(row.get("Priority") == "High")
    row["AccountId"] = _account_of(store, row)


def _event_before(store: Store, row: Row, old: Row | None, changed: set[str]) -> None:
    from .schema import format_datetime, parse_datetime

    start_text = (
        row.get("StartDateTime")
        if "ActivityDateTime" not in changed
        else row.get("ActivityDateTime")
    )
    start_text = start_text or row.get("ActivityDateTime")
    if start_text is None and row.get("IsAllDayEvent") and row.get("ActivityDate"):
        start_text = row["ActivityDate"] + "T00:00:00.000+0000"
    if start_text is None:
        raise required_missing(["ActivityDateTime"])
    start = parse_datetime(start_text)
    duration, end_text = row.get("DurationInMinutes"), row.get("EndDateTime")
    if end_text is not None and ("EndDateTime" in changed or duration is None):
        end = parse_datetime(end_text)
        if end < start:
            raise SalesforceError(
                400,
                "FIELD_INTEGRITY_EXCEPTION",
                "End Date Time: End Date Time cannot be earlier than Start Date Time",
                ["EndDateTime"],
            )
        duration = int((end - start).total_seconds() // 60)
    elif duration is not None:
        end = start + dt.timedelta(minutes=int(duration))
    else:
        raise required_missing(["DurationInMinutes"])
    row["StartDateTime"] = row["ActivityDateTime"] = format_datetime(start)
    row["EndDateTime"] = format_datetime(end)
    row["DurationInMinutes"] = duration
    row["ActivityDate"] = start.date().isoformat()
    row["EndDate"] = end.date().isoformat()
    row["AccountId"] = _account_of(store, row)


def _attachment_before(store: Store, row: Row, old: Row | None, changed: set[str]) -> None:
    if "Body" in changed and isinstance(row.get("Body"), bytes):
        row["BodyLength"] = len(row["Body"])


def _developer_name(name: str) -> str:
    cleaned = "".join(c if c.isalnum() else "_" for c in name)
    while "__" in cleaned:
        cleaned = cleaned.replace("__", "_")
    cleaned = cleaned.strip("_") or "X"
    return ("X" + cleaned if not cleaned[0].isalpha() else cleaned)[:80]


def _document_before(store: Store, row: Row, old: Row | None, changed: set[str]) -> None:
    if old is None:
        if row.get("Body") is None and row.get("Url") is None:
            raise required_missing(["Body"])
        if row.get("DeveloperName") is None:
            row["DeveloperName"] = _developer_name(str(row["Name"]))
        if row.get("Type") is None and "." in str(row["Name"]):
            row["Type"] = str(row["Name"]).rsplit(".", 1)[1][:40].lower()
        if row.get("AuthorId") is None:
            row["AuthorId"] = row["CreatedById"]
    if "Body" in changed and isinstance(row.get("Body"), bytes):
        row["BodyLength"] = len(row["Body"])


_FILE_TYPES = {
    "pdf": "PDF",
    "png": "PNG",
    "jpg": "JPG",
    "jpeg": "JPEG",
    "gif": "GIF",
    "txt": "TEXT",
    "csv": "CSV",
    "htm": "HTML",
    "html": "HTML",
    "xml": "XML",
    "json": "JSON",
    "zip": "ZIP",
    "doc": "WORD",
    "docx": "WORD_X",
    "xls": "EXCEL",
    "xlsx": "EXCEL_X",
    "ppt": "POWER_POINT",
    "pptx": "POWER_POINT_X",
    "mp4": "MP4",
}


def _content_version_before(store: Store, row: Row, old: Row | None, changed: set[str]) -> None:
    if old is not None:
        return
    if row.get("ContentUrl") is None:
        if row.get("PathOnClient") is None:
            raise required_missing(["PathOnClient"])
        if row.get("VersionData") is None:
            raise required_missing(["VersionData"])
    path = str(row.get("PathOnClient") or "")
    filename = path.replace("\\", "/").rsplit("/", 1)[-1]
    stem, _, extension = filename.rpartition(".") if "." in filename else (filename, "", "")
    if row.get("Title") is None:
        row["Title"] = stem or filename or row.get("ContentUrl")
    row["FileExtension"] = extension.lower() or None
    row["FileType"] = (
        _FILE_TYPES.get(extension.lower(), "UNKNOWN") if row.get("ContentUrl") is None else "LINK"
    )
    data = row.get("VersionData")
    if isinstance(data, bytes):
        row["ContentSize"] = len(data)
        row["Checksum"] = hashlib.md5(data, usedforsecurity=False).hexdigest()
    row["IsLatest"] = 1
    row["PublishStatus"] = "P" if row.get("FirstPublishLocationId") else "R"
    row["ContentModifiedDate"] = row["CreatedDate"]
    document = row.get("ContentDocumentId")
    if document is None:
        row["ContentDocumentId"] = store.create_system(
            "ContentDocument",
            {
                "Title": row["Title"],
                "OwnerId": row.get("OwnerId"),
                "PublishStatus": row["PublishStatus"],
            },
            user_id=row["CreatedById"],
        )
        row["VersionNumber"] = "1"
    else:
        versions = store.execute(
            'SELECT COUNT(*) FROM "ContentVersion" WHERE "ContentDocumentId" = ?', (document,)
        )[0][0]
        row["VersionNumber"] = str(versions + 1)


def _content_version_after(store: Store, row: Row, old: Row | None, changed: set[str]) -> None:
    if old is not None:
        return
    store.execute(
        'UPDATE "ContentVersion" SET "IsLatest" = 0 WHERE "ContentDocumentId" = ? AND "Id" <> ?',
        (row["ContentDocumentId"], row["Id"]),
    )
    store.update_system(
        "ContentDocument",
        row["ContentDocumentId"],
        {
            "LatestPublishedVersionId": row["Id"],
            "Title": row["Title"],
            "ContentSize": row.get("ContentSize"),
            "FileType": row.get("FileType"),
            "FileExtension": row.get("FileExtension"),
            "ContentModifiedDate": row["CreatedDate"],
        },
        user_id=row["CreatedById"],
    )


def _opportunity_line_item_before(
    store: Store, row: Row, old: Row | None, changed: set[str]
) -> None:
    if old is None:
        entry = store.read_row("PricebookEntry", row["PricebookEntryId"])
        if entry is not None:
            row["Product2Id"] = entry.get("Product2Id")
            row["ProductCode"] = entry.get("ProductCode")
            row["ListPrice"] = entry.get("UnitPrice")
            opportunity = store.read_row("Opportunity", row["OpportunityId"])
            product = (
                store.read_row("Product2", entry["Product2Id"]) if entry.get("Product2Id") else None
            )
            if opportunity is not None and product is not None:
                row["Name"] = f"{opportunity['Name']} {product['Name']}"[:376]
    quantity = row.get("Quantity") or 0
    if "TotalPrice" in changed and row.get("TotalPrice") is not None:
        if "UnitPrice" in changed and row.get("UnitPrice") is not None:
            raise _integrity(
                "TotalPrice (only one of TotalPrice and UnitPrice may be specified)", "TotalPrice"
            )
        row["UnitPrice"] = round(row["TotalPrice"] / quantity, 2) if quantity else 0.0
    elif row.get("UnitPrice") is not None:
        row["TotalPrice"] = round(row["UnitPrice"] * quantity, 2)
    else:
        raise _integrity("unknown (must specify either TotalPrice or UnitPrice)", "UnitPrice")


def _roll_up_line_items(store: Store, row: Row, old: Row | None, changed: set[str]) -> None:
    opportunity_id = str(row.get("OpportunityId"))
    opportunity = store.read_row("Opportunity", opportunity_id)
    if opportunity is None or opportunity["IsDeleted"]:
        return
    total, count = store.execute(
        'SELECT SUM("TotalPrice"), COUNT(*) FROM "OpportunityLineItem" '
        'WHERE "OpportunityId" = ? AND "IsDeleted" = 0',
        (opportunity_id,),
    )[0]
    fields: dict[str, Any] = {"HasOpportunityLineItem": count > 0}
    if count:
        fields["Amount"] = total
    store.update_system("Opportunity", opportunity_id, fields)


def _pricebook_entry_before(store: Store, row: Row, old: Row | None, changed: set[str]) -> None:
    if old is not None:
        return
    product = store.read_row("Product2", row["Product2Id"])
    if product is not None:
        row["Name"] = product.get("Name")
        row["ProductCode"] = product.get("ProductCode")
    standard = store.standard_pricebook_id
    if row["Pricebook2Id"] != standard:
        exists = store.execute(
            'SELECT 1 FROM "PricebookEntry" '
            'WHERE "Pricebook2Id" = ? AND "Product2Id" = ? AND "IsDeleted" = 0',
            (standard, row["Product2Id"]),
        )
        if not exists:
            raise _integrity(
                "unknown (A standard price must be defined before adding a custom price.)"
            )


def _campaign_member_before(store: Store, row: Row, old: Row | None, changed: set[str]) -> None:
    if old is None:
        person_id = row.get("ContactId") or row.get("LeadId")
        if person_id is None:
            raise required_missing(["ContactId", "LeadId"])
        kind = "Contact" if row.get("ContactId") else "Lead"
        person = store.read_row(kind, person_id)
        if person is not None:
            for name in ("Salutation", "Name", "FirstName", "LastName", "Title", "Email"):
                row[name] = person.get(name)
            if kind == "Lead":
                row["CompanyOrAccount"] = person.get("Company")
            elif person.get("AccountId"):
                account = store.read_row("Account", person["AccountId"])
                row["CompanyOrAccount"] = account.get("Name") if account else None
        row["Type"] = kind
    responded = row.get("Status") == "Responded"
    if responded and not (old is not None and old.get("HasResponded")):
        row["FirstRespondedDate"] = row["LastModifiedDate"][:10]
    row["HasResponded"] = int(responded or bool(old and old.get("HasResponded")))


def _feed_item_before(store: Store, row: Row, old: Row | None, changed: set[str]) -> None:
    if old is None:
        if "Type" not in changed:
            if row.get("RelatedRecordId"):
                row["Type"] = "ContentPost"
            elif row.get("LinkUrl"):
                row["Type"] = "LinkPost"
        if row.get("Type") == "TextPost" and not row.get("Body"):
            raise required_missing(["Body"])
        row["InsertedById"] = row["CreatedById"]
        row["CommentCount"] = 0
        row["LikeCount"] = 0
    row["HasContent"] = int(row.get("RelatedRecordId") is not None)
    row["HasLink"] = int(row.get("LinkUrl") is not None)


def _feed_comment_before(store: Store, row: Row, old: Row | None, changed: set[str]) -> None:
    if old is None:
        item = store.read_row("FeedItem", row["FeedItemId"])
        row["ParentId"] = item.get("ParentId") if item else None
        row["InsertedById"] = row["CreatedById"]


def _count_comments(store: Store, row: Row, old: Row | None, changed: set[str]) -> None:
    store.execute(
        'UPDATE "FeedItem" SET "CommentCount" = (SELECT COUNT(*) FROM "FeedComment" '
        'WHERE "FeedItemId" = ? AND "IsDeleted" = 0) WHERE "Id" = ?',
        (row["FeedItemId"], row["FeedItemId"]),
    )


def _collaboration_group_after(store: Store, row: Row, old: Row | None, changed: set[str]) -> None:
    if old is None:
        store.create_system(
            "CollaborationGroupMember",
            {
                "CollaborationGroupId": row["Id"],
                "MemberId": row["OwnerId"],
                "CollaborationRole": "Admin",
            },
            user_id=row["CreatedById"],
        )


def _count_members(store: Store, row: Row, old: Row | None, changed: set[str]) -> None:
    store.execute(
        'UPDATE "CollaborationGroup" SET "MemberCount" = '
        '(SELECT COUNT(*) FROM "CollaborationGroupMember" '
        'WHERE "CollaborationGroupId" = ? AND "IsDeleted" = 0) WHERE "Id" = ?',
        (row["CollaborationGroupId"], row["CollaborationGroupId"]),
    )


BEFORE_WRITE: dict[str, Hook] = {
    "User": _user_before,
    "Contact": _set_person_name,
    "Lead": _set_person_name,
    "Opportunity": _opportunity_before,
    "OpportunityLineItem": _opportunity_line_item_before,
    "Case": _case_before,
    "Task": _task_before,
    "Event": _event_before,
    "Attachment": _attachment_before,
    "Document": _document_before,
    "ContentVersion": _content_version_before,
    "PricebookEntry": _pricebook_entry_before,
    "CampaignMember": _campaign_member_before,
    "FeedItem": _feed_item_before,
    "FeedComment": _feed_comment_before,
}
AFTER_WRITE: dict[str, Hook] = {
    "ContentVersion": _content_version_after,
    "OpportunityLineItem": _roll_up_line_items,
    "FeedComment": _count_comments,
    "CollaborationGroup": _collaboration_group_after,
    "CollaborationGroupMember": _count_members,
}
# Called with the row as it was before the delete (and old=None, changed=empty).
AFTER_DELETE: dict[str, Hook] = {
    "OpportunityLineItem": _roll_up_line_items,
    "FeedComment": _count_comments,
    "CollaborationGroupMember": _count_members,
}
