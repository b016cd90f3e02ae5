"""Object and field definitions of the fake org, and how their values are stored in SQLite.

Storage convention (shared by the store, the SOQL engine, bulk jobs and everything else that reads
the database directly):

* one table per object, named exactly the object's canonical API name (``"Account"``,
  ``"Invoice__c"``), always double-quoted in SQL;
* one column per stored field, named exactly the field's canonical API name (``"Name"``);
  compound fields (``address``, ``location``) are not stored, their component fields are;
* ``"Id"`` is the primary key (the 18-character id); ``"IsDeleted"`` (0/1) marks soft-deleted rows;
* values are stored as ``FieldDef.to_storage`` returns them:

  ==================================================  ==============================================
  field types                                         SQLite value
  ==================================================  ==============================================
  id, reference, string, textarea, picklist,          TEXT (multipicklist: ``"A;B;C"``)
  multipicklist, combobox, email, phone, url,
  encryptedstring
  boolean                                             INTEGER 0/1 (never NULL)
  int, long                                           INTEGER
  double, currency, percent                           REAL
  date                                                TEXT ``YYYY-MM-DD``
  datetime                                            TEXT ``YYYY-MM-DDTHH:MM:SS.fff+0000`` (UTC)
  time                                                TEXT ``HH:MM:SS.fffZ``
  base64                                              BLOB (JSON value: the blob's URL path)
  ==================================================  ==============================================

  Dates and datetimes are fixed-width UTC text, so SQL comparisons and ORDER BY on them are correct.

* text columns of string-like fields (every type in ``TEXT_TYPES`` except ``id`` and ``reference``)
  are declared ``COLLATE NOCASE``: Salesforce compares, sorts and groups text case-insensitively, so
  a plain ``=`` / ``IN`` / ``ORDER BY`` / ``GROUP BY`` on them already behaves like SOQL. Ids are
  compared exactly (they are stored in their canonical 18-character form). An empty string is never
  stored: like Salesforce, the store turns ``""`` into NULL;
* every reference field, unique / external-id field and name field has an index.

Object and field names are case-insensitive everywhere: look them up with ``Schema.get`` and
``ObjectDef.field``, which take any casing and return the canonical definition.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from .errors import SalesforceError

TEXT_TYPES = frozenset(
    {
        "id",
        "reference",
        "string",
        "textarea",
        "picklist",
        "multipicklist",
        "combobox",
        "email",
        "phone",
        "url",
        "encryptedstring",
    }
)
# Text compared case-insensitively (declared COLLATE NOCASE); ids are compared exactly.
NOCASE_TYPES = TEXT_TYPES - {"id", "reference"}
INTEGER_TYPES = frozenset({"int", "long"})
REAL_TYPES = frozenset({"double", "currency", "percent"})
COMPOUND_TYPES = frozenset({"address", "location"})
# Lookups to the user who owns, created or last changed a record: users are never deleted, so
# deleting a record neither clears nor is held back by these.
USER_STAMP_FIELDS = frozenset({"OwnerId", "CreatedById", "LastModifiedById"})
# Never groupable on Salesforce: fractional numbers, and date-times (grouped by DAY_ONLY() etc.).
UNGROUPABLE_TYPES = REAL_TYPES | {"datetime"}
ALL_TYPES = (
    TEXT_TYPES
    | INTEGER_TYPES
    | REAL_TYPES
    | COMPOUND_TYPES
    | {"boolean", "date", "datetime", "time", "base64", "anyType"}
)

SOAP_TYPES = {
    "id": "tns:ID",
    "reference": "tns:ID",
    "boolean": "xsd:boolean",
    "int": "xsd:int",
    "long": "xsd:long",
    "double": "xsd:double",
    "currency": "xsd:double",
    "percent": "xsd:double",
    "date": "xsd:date",
    "datetime": "xsd:dateTime",
    "time": "xsd:time",
    "base64": "xsd:base64Binary",
    "address": "urn:address",
    "location": "urn:location",
    "anyType": "xsd:anyType",
}

# Names must look like API names: a letter, then letters, digits and single underscores, optionally
# a namespace and one of the known suffixes.
API_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*(?:__(?:c|r|x|mdt|e|b|kav))?")


def sql_ident(name: str) -> str:
    """Quote an object or field API name for SQLite (names are validated API names already)."""
    if not API_NAME_RE.fullmatch(name):
        raise ValueError(f"not an API name: {name!r}")
    return '"' + name + '"'


# ---------------------------------------------------------------------------------------------
# Date and time helpers (storage format == wire format, UTC)
# ---------------------------------------------------------------------------------------------

_DATETIME_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)
_STORED_DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000")
_STORED_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Salesforce wants one "@" and a dotted domain; it is otherwise lenient.
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")
_TIME_RE = re.compile(r"(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z)?")


def format_datetime(value: dt.datetime) -> str:
    """``2024-05-20T20:49:32.000+0000``: the REST wire format and the storage format."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc)
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:"
        f"{value.minute:02d}:{value.second:02d}.{value.microsecond // 1000:03d}+0000"
    )


def format_date(value: dt.date) -> str:
    return value.strftime("%Y-%m-%d")


def parse_datetime(text: str) -> dt.datetime:
    """Parse an ISO 8601 date-time (``Z``, ``+hh:mm`` or ``+hhmm``; millis optional) to aware UTC.

    A bare date means midnight UTC. Raises ValueError on anything else.
    """
    match = _DATETIME_RE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"not a date-time: {text!r}")
    year, month, day, hour, minute, second, frac, zone = match.groups()
    micro = int((frac or "0")[:6].ljust(6, "0"))
    tz = dt.timezone.utc
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        tz = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    value = dt.datetime(
        int(year),
        int(month),
        int(day),
        int(hour or 0),
        int(minute or 0),
        int(second or 0),
        micro,
        tzinfo=tz,
    )
    try:
        return value.astimezone(dt.timezone.utc)
    except OverflowError:  # 9999-12-31T23:00:00-01:00 is in year 10000 in UTC
        raise ValueError(f"not a date-time: {text!r}") from None


def parse_date(text: str) -> dt.date:
    """Parse ``YYYY-MM-DD`` (a full date-time is accepted and truncated to its UTC date)."""
    stripped = text.strip()
    if len(stripped) == 10:
        return dt.date.fromisoformat(stripped)
    return parse_datetime(stripped).date()


# ---------------------------------------------------------------------------------------------
# Definitions
# ---------------------------------------------------------------------------------------------


@attrs.frozen
class PicklistValue:
    value: str
    label: str | None = None
    active: bool = True
    default: bool = False

    def describe(self) -> dict[str, Any]:
        return {
            "active": self.active,
            "defaultValue": self.default,
            "label": self.label or self.value,
            "validFor": None,
            "value": self.value,
        }


_ADDRESS_KEYS = (
    "city",
    "country",
    "countryCode",
    "geocodeAccuracy",
    "latitude",
    "longitude",
    "postalCode",
    "state",
    "stateCode",
    "street",
)


def _to_names(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _to_picklist(values: Iterable[str | PicklistValue]) -> tuple[PicklistValue, ...]:
    return tuple(v if isinstance(v, PicklistValue) else PicklistValue(v) for v in values)


def _plural(label: str) -> str:
    """English plural of an object label: Opportunity -> Opportunities, Case -> Cases."""
    if label.endswith("y") and label[-2:-1] not in ("a", "e", "o", "u"):
        return label[:-1] + "ies"
    if label.endswith(("s", "x", "ch", "sh")):
        return label + "es"
    return label + "s"


def _default_label(name: str) -> str:
    base = name[:-3] if name.endswith("__c") else name
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", base).replace("_", " ")


@attrs.define
class FieldDef:
    """One field of an object, with enough metadata for describe, validation and storage.

    ``required`` means "must have a value on create" (describe: ``nillable`` false and not
    ``defaultedOnCreate``). System fields are neither ``createable`` nor ``updateable``.
    """

    name: str = attrs.field(validator=attrs.validators.matches_re(API_NAME_RE))
    type: str = attrs.field(validator=attrs.validators.in_(ALL_TYPES))
    label: str | None = None
    length: int = 0
    precision: int = 0
    scale: int = 0
    required: bool = False
    nillable: bool | None = None
    createable: bool = True
    updateable: bool = True
    defaulted_on_create: bool = False
    default: Any = None
    picklist_values: tuple[PicklistValue, ...] = attrs.field(default=(), converter=_to_picklist)
    restricted_picklist: bool = False
    reference_to: tuple[str, ...] = attrs.field(default=(), converter=_to_names)
    relationship_name: str | None = None
    # Name of the child relationship on the parent object (e.g. "Contacts" for Contact.AccountId).
    child_relationship_name: str | None = None
    cascade_delete: bool = False
    external_id: bool = False
    unique: bool = False
    id_lookup: bool = False
    name_field: bool = False
    calculated: bool = False
    custom: bool = False
    # For address/location compound fields: the component field names, in order.
    components: tuple[str, ...] = attrs.field(default=(), converter=_to_names)
    # For component fields: the compound field they belong to (e.g. "BillingAddress").
    compound_field_name: str | None = None
    filterable: bool = True
    sortable: bool = True
    groupable: bool = True

    def __attrs_post_init__(self) -> None:
        if self.label is None:
            self.label = _default_label(self.name)
        if self.nillable is None:
            self.nillable = not self.required and self.type != "boolean"
        if (
            self.type in ("string", "textarea", "email", "phone", "url", "picklist")
            and not self.length
        ):
            self.length = {"textarea": 32768, "phone": 40, "email": 80, "url": 255}.get(
                self.type, 255
            )
        if self.type in ("id", "reference") and not self.length:
            self.length = 18
        if self.type == "multipicklist" and not self.length:
            self.length = 4099
        if self.type == "boolean" and self.default is None:
            self.default = False

    @property
    def restricted_delete(self) -> bool:
        """A lookup that keeps its target from being deleted while a live record uses it: it cannot
        be null and does not cascade (Salesforce's "Don't allow deletion"). Owner and audit fields
        point at users, which are never deleted."""
        return (
            self.type == "reference"
            and not self.nillable
            and not self.cascade_delete
            and self.name not in USER_STAMP_FIELDS
        )

    # ---- storage ------------------------------------------------------------------------------

    @property
    def stored(self) -> bool:
        """Compound fields have no column of their own."""
        return self.type not in COMPOUND_TYPES

    @property
    def sql_type(self) -> str:
        if self.type in ("boolean",) or self.type in INTEGER_TYPES:
            return "INTEGER"
        if self.type in REAL_TYPES:
            return "REAL"
        if self.type == "base64":
            return "BLOB"
        return "TEXT"

    @property
    def sql_column(self) -> str:
        """The column definition (without the name) for CREATE TABLE / ALTER TABLE."""
        if self.type == "boolean":
            return "INTEGER NOT NULL DEFAULT 0"
        if self.type in NOCASE_TYPES:
            return "TEXT COLLATE NOCASE"
        return self.sql_type

    def to_storage(self, value: Any, *, source: str = "json", object_name: str = "") -> Any:
        """Convert an incoming value (JSON-typed, or CSV text with ``source="text"``) to storage.

        Raises SalesforceError with Salesforce's codes: ``JSON_PARSER_ERROR`` for a JSON value of
        the wrong type, ``INVALID_TYPE_ON_FIELD_IN_RECORD`` for unparsable text,
        ``STRING_TOO_LONG``, ``INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST``, ``MALFORMED_ID``.
        Picklist membership of non-restricted picklists and lookup targets are not checked here (the
        store checks references against the database).
        """
        if value is None:
            return 0 if self.type == "boolean" else None
        if source == "text" and value == "":
            return 0 if self.type == "boolean" else None
        kind = self.type
        try:
            if kind == "boolean":
                return self._boolean(value, source)
            if kind in INTEGER_TYPES:
                return self._number(value, source, integer=True)
            if kind in REAL_TYPES:
                return self._number(value, source, integer=False)
            if kind == "date":
                if not isinstance(value, str):
                    raise TypeError
                if _STORED_DATE_RE.fullmatch(value):
                    dt.date.fromisoformat(value)  # still reject 2024-02-30
                    return value
                return format_date(parse_date(value))
            if kind == "datetime":
                if not isinstance(value, str):
                    raise TypeError
                if _STORED_DATETIME_RE.fullmatch(value):
                    # Already in storage form (the common case for bulk loads): only validate.
                    dt.datetime.fromisoformat(value[:23])
                    return value
                return format_datetime(parse_datetime(value))
            if kind == "time":
                if not isinstance(value, str) or not (m := _TIME_RE.fullmatch(value.strip())):
                    raise TypeError
                hh, mm, ss, frac, _ = m.groups()
                millis = int((frac or "0")[:3].ljust(3, "0"))
                return f"{hh}:{mm}:{ss or '00'}.{millis:03d}Z"
            if kind == "base64":
                if isinstance(value, (bytes, bytearray)):
                    return bytes(value)
                if not isinstance(value, str):
                    raise TypeError
                return base64.b64decode(value, validate=True)
            if kind in TEXT_TYPES:
                # Salesforce keeps no empty strings: "" is stored (and read back) as null.
                if value == "":
                    return None
                return self._text(value, object_name)
            if kind == "anyType":
                return value
        except SalesforceError:
            raise
        except (TypeError, ValueError, OverflowError, base64.binascii.Error) as exc:  # type: ignore[attr-defined]
            raise self._type_error(value, source) from exc
        raise SalesforceError(
            400,
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            f"Unable to create/update fields: {self.name}",
            [self.name],
        )

    def _type_error(self, value: Any, source: str) -> SalesforceError:
        if source == "json":
            return SalesforceError(
                400,
                "JSON_PARSER_ERROR",
                f"Cannot deserialize instance of {self.type} from {type(value).__name__} value "
                f"{value!r} for field {self.name}",
                [self.name],
            )
        return SalesforceError(
            400,
            "INVALID_TYPE_ON_FIELD_IN_RECORD",
            f"{self.label}: value not of required type: {value}",
            [self.name],
        )

    def _boolean(self, value: Any, source: str) -> int:
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
            return int(value.strip().lower() in ("true", "1"))
        raise TypeError(value)

    def _number(self, value: Any, source: str, *, integer: bool) -> int | float:
        if isinstance(value, bool):
            raise TypeError(value)
        number: int | float
        if isinstance(value, str):
            text = value.strip()
            # Exact for big longs: only go through float when the text is not a plain integer.
            number = int(text) if integer and text.lstrip("+-").isdigit() else float(text)
        elif isinstance(value, (int, float)):
            number = value
        else:
            raise TypeError(value)
        if isinstance(number, float) and not math.isfinite(number):
            raise ValueError(value)
        if integer:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError(value)
            number = int(number)
        else:
            number = float(number)
        if self.precision:
            self._check_range(number)
            if not integer:
                # Salesforce keeps numbers at the field's scale, rounding half up.
                step = decimal.Decimal(1).scaleb(-self.scale)
                rounded = decimal.Decimal(repr(number)).quantize(step, decimal.ROUND_HALF_UP)
                number = float(rounded)
        return number

    def _check_range(self, number: float) -> None:
        if abs(number) >= 10 ** (self.precision - self.scale):
            raise SalesforceError(
                400,
                "NUMBER_OUTSIDE_VALID_RANGE",
                f"{self.label}: value outside of valid range on numeric field: {number}",
                [self.name],
            )

    def _text(self, value: Any, object_name: str) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise TypeError(value)
        text = value if isinstance(value, str) else str(value)
        if self.type in ("id", "reference"):
            from .ids import normalize_id

            if text == "":
                return None  # type: ignore[return-value]
            normalized = normalize_id(text)
            if normalized is None:
                raise SalesforceError(
                    400,
                    "MALFORMED_ID",
                    f"{self.label}: id value of incorrect type: {text}",
                    [self.name],
                )
            return normalized
        if self.type in ("picklist", "multipicklist") and self.restricted_picklist:
            allowed = {p.value for p in self.picklist_values if p.active}
            chosen = text.split(";") if self.type == "multipicklist" else [text]
            bad = [c for c in chosen if c not in allowed]
            if bad:
                raise SalesforceError(
                    400,
                    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                    f"{self.label}: bad value for restricted picklist field: {bad[0]}",
                    [self.name],
                )
        if self.type == "email" and not _EMAIL_RE.fullmatch(text):
            raise SalesforceError(
                400,
                "INVALID_EMAIL_ADDRESS",
                f"{self.label}: invalid email address: {text}",
                [self.name],
            )
        if self.length and len(text) > self.length:
            raise SalesforceError(
                400,
                "STRING_TOO_LONG",
                f"{self.label}: data value too large: {text[:40]} (max length={self.length})",
                [self.name],
            )
        return text

    def to_json(self, stored: Any, *, blob_url: str | None = None) -> Any:
        """Convert a stored value to its REST JSON value. ``blob_url`` is the path for base64."""
        if self.type == "boolean":
            return bool(stored)
        if stored is None:
            return None
        if self.type == "base64":
            return blob_url
        if self.type in INTEGER_TYPES:
            return int(stored)
        if self.type in REAL_TYPES:
            return float(stored)
        return stored

    def assemble(self, stored: Mapping[str, Any]) -> dict[str, Any] | None:
        """The JSON value of a compound field from its components' stored values (keyed by name).

        Address: ``{"city", "country", "countryCode", "geocodeAccuracy", "latitude", "longitude",
        "postalCode", "state", "stateCode", "street"}``; location: ``{"latitude", "longitude"}``;
        None when every component is null.
        """
        prefix = (
            self.name[: -len("Address")]
            if self.type == "address"
            else self.name[: -len("Location")]
        )
        values: dict[str, Any] = {}
        for component in self.components:
            suffix = component[len(prefix) :] if component.startswith(prefix) else component
            key = suffix[:1].lower() + suffix[1:]
            values[key] = stored.get(component)
        if all(v is None for v in values.values()):
            return None
        keys = _ADDRESS_KEYS if self.type == "address" else ("latitude", "longitude")
        return {key: values.get(key) for key in keys}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serializable form of this definition (``FieldDef.from_dict`` reverses it)."""
        data = attrs.asdict(self, recurse=False)
        data["picklist_values"] = [attrs.asdict(p) for p in self.picklist_values]
        data["reference_to"] = list(self.reference_to)
        data["components"] = list(self.components)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FieldDef:
        kwargs = dict(data)
        kwargs["picklist_values"] = [PicklistValue(**p) for p in kwargs.get("picklist_values", ())]
        return cls(**kwargs)

    def to_text(self, stored: Any) -> str:
        """The CSV cell for a stored value (Bulk query results): empty for null."""
        if stored is None:
            return ""
        if self.type == "boolean":
            return "true" if stored else "false"
        if self.type in REAL_TYPES:
            number = float(stored)
            return str(int(number)) if number.is_integer() else repr(number)
        if isinstance(stored, bytes):
            return base64.b64encode(stored).decode("ascii")
        return str(stored)

    def describe(self) -> dict[str, Any]:
        """The ``fields[]`` entry of sObject describe."""
        soap_type = SOAP_TYPES.get(self.type, "xsd:string")
        if self.type in ("id", "reference"):
            byte_length = self.length
        else:
            byte_length = self.length * 3 if self.type in TEXT_TYPES else 0
        return {
            "aggregatable": self.type not in ("textarea", "base64", "address", "location"),
            "autoNumber": False,
            "byteLength": byte_length,
            "calculated": self.calculated,
            "calculatedFormula": None,
            "cascadeDelete": self.cascade_delete,
            "caseSensitive": False,
            "compoundFieldName": self.compound_field_name,
            "controllerName": None,
            "createable": self.createable,
            "custom": self.custom,
            "defaultValue": self.default if self.type == "boolean" else None,
            "defaultValueFormula": None,
            "defaultedOnCreate": self.defaulted_on_create or self.type == "boolean",
            "dependentPicklist": False,
            "deprecatedAndHidden": False,
            "digits": self.precision if self.type in INTEGER_TYPES else 0,
            "displayLocationInDecimal": False,
            "encrypted": self.type == "encryptedstring",
            "externalId": self.external_id,
            "extraTypeInfo": None,
            "filterable": self.filterable,
            "filteredLookupInfo": None,
            "groupable": self.groupable and self.type not in UNGROUPABLE_TYPES,
            "highScaleNumber": False,
            "htmlFormatted": False,
            "idLookup": self.id_lookup or self.type == "id" or self.external_id,
            "inlineHelpText": None,
            "label": self.label,
            "length": self.length if self.type in TEXT_TYPES else 0,
            "mask": None,
            "maskType": None,
            "name": self.name,
            "nameField": self.name_field,
            "namePointing": False,
            "nillable": self.nillable,
            "permissionable": self.custom or (self.nillable and not self.calculated),
            "picklistValues": [p.describe() for p in self.picklist_values],
            "polymorphicForeignKey": len(self.reference_to) > 1,
            "precision": self.precision if self.type in REAL_TYPES else 0,
            "queryByDistance": False,
            "referenceTargetField": None,
            "referenceTo": list(self.reference_to),
            "relationshipName": self.relationship_name,
            "relationshipOrder": None,
            "restrictedDelete": self.restricted_delete,
            "restrictedPicklist": self.restricted_picklist,
            "scale": self.scale,
            "searchPrefilterable": self.type == "reference",
            "soapType": soap_type,
            "sortable": self.sortable,
            "type": self.type,
            "unique": self.unique,
            "updateable": self.updateable,
            "writeRequiresMasterRead": False,
        }


@attrs.frozen
class ChildRelationship:
    """A parent-to-child relationship as seen from the parent (``Account.Contacts``)."""

    relationship_name: str
    child_object: str
    field: str
    cascade_delete: bool = False
    restricted_delete: bool = False

    def describe(self) -> dict[str, Any]:
        return {
            "cascadeDelete": self.cascade_delete,
            "childSObject": self.child_object,
            "deprecatedAndHidden": False,
            "field": self.field,
            "junctionIdListNames": [],
            "junctionReferenceTo": [],
            "relationshipName": self.relationship_name,
            "restrictedDelete": self.restricted_delete,
        }


# The system fields every object has, in this order, ahead of its own fields.
def system_fields(object_name: str) -> list[FieldDef]:
    audit: dict[str, Any] = dict(
        createable=False, updateable=False, defaulted_on_create=True, nillable=False
    )
    return [
        FieldDef(
            "Id",
            "id",
            label=f"{object_name} ID",
            createable=False,
            updateable=False,
            nillable=False,
        ),
        FieldDef("IsDeleted", "boolean", label="Deleted", createable=False, updateable=False),
        FieldDef("CreatedDate", "datetime", label="Created Date", **audit),
        FieldDef(
            "CreatedById",
            "reference",
            label="Created By ID",
            reference_to=("User",),
            relationship_name="CreatedBy",
            **audit,
        ),
        FieldDef("LastModifiedDate", "datetime", label="Last Modified Date", **audit),
        FieldDef(
            "LastModifiedById",
            "reference",
            label="Last Modified By ID",
            reference_to=("User",),
            relationship_name="LastModifiedBy",
            **audit,
        ),
        FieldDef("SystemModstamp", "datetime", label="System Modstamp", **audit),
    ]


SYSTEM_FIELD_NAMES = frozenset(f.name for f in system_fields("X"))


def owner_field() -> FieldDef:
    return FieldDef(
        "OwnerId",
        "reference",
        label="Owner ID",
        reference_to=("User",),
        relationship_name="Owner",
        defaulted_on_create=True,
        nillable=False,
    )


@attrs.define
class ObjectDef:
    """An sObject type: name, key prefix and its fields (system fields first)."""

    name: str = attrs.field(validator=attrs.validators.matches_re(API_NAME_RE))
    key_prefix: str = attrs.field(validator=attrs.validators.matches_re(r"[0-9A-Za-z]{3}"))
    label: str | None = None
    label_plural: str | None = None
    custom: bool = False
    has_owner: bool = True
    # Flags that describe reports; the fake org enforces createable/updateable/deletable.
    createable: bool = True
    updateable: bool = True
    deletable: bool = True
    queryable: bool = True
    searchable: bool = True
    feed_enabled: bool = False
    _fields: dict[str, FieldDef] = attrs.field(factory=dict, alias="_fields")

    def __attrs_post_init__(self) -> None:
        if self.label is None:
            self.label = _default_label(self.name)
        if self.label_plural is None:
            self.label_plural = _plural(self.label)
        if not self._fields:
            for f in system_fields(self.name):
                self._fields[f.name.lower()] = f
            if self.has_owner:
                f = owner_field()
                self._fields[f.name.lower()] = f

    @classmethod
    def build(
        cls, name: str, key_prefix: str, fields: Sequence[FieldDef] = (), **kwargs: Any
    ) -> ObjectDef:
        """An object with the system fields (OwnerId unless ``has_owner=False``) plus ``fields``."""
        obj = cls(name, key_prefix, **kwargs)
        for f in fields:
            obj.add_field(f)
        return obj

    def add_field(self, field: FieldDef) -> None:
        key = field.name.lower()
        if key in self._fields:
            raise ValueError(f"{self.name} already has a field {self._fields[key].name}")
        self._fields[key] = field

    def field(self, name: str) -> FieldDef | None:
        """The field called ``name`` in any casing, or None."""
        return self._fields.get(name.lower())

    @property
    def fields(self) -> list[FieldDef]:
        return list(self._fields.values())

    @property
    def stored_fields(self) -> list[FieldDef]:
        return [f for f in self._fields.values() if f.stored]

    def relationship(self, name: str) -> FieldDef | None:
        """The reference field whose relationship name is ``name`` (any casing), or None."""
        lowered = name.lower()
        for f in self._fields.values():
            if f.relationship_name and f.relationship_name.lower() == lowered:
                return f
        return None

    @property
    def name_field(self) -> FieldDef | None:
        for f in self._fields.values():
            if f.name_field:
                return f
        return None

    def create_table_sql(self) -> str:
        columns = []
        for f in self.stored_fields:
            if f.name == "Id":
                columns.append(f"{sql_ident(f.name)} TEXT PRIMARY KEY")
            else:
                columns.append(f"{sql_ident(f.name)} {f.sql_column}")
        return f"CREATE TABLE IF NOT EXISTS {sql_ident(self.name)} ({', '.join(columns)})"

    def add_column_sql(self, field: FieldDef) -> str:
        table, column = sql_ident(self.name), sql_ident(field.name)
        return f"ALTER TABLE {table} ADD COLUMN {column} {field.sql_column}"


class Schema:
    """All object definitions of one org, looked up case-insensitively."""

    def __init__(self, objects: Iterable[ObjectDef] = ()) -> None:
        self._objects: dict[str, ObjectDef] = {}
        self._by_prefix: dict[str, ObjectDef] = {}
        # Bumped by every change (``add``, ``touch``), so caches of derived data (describe
        # payloads, compiled queries) can tell when to rebuild.
        self.revision = 0
        for obj in objects:
            self.add(obj)

    def add(self, obj: ObjectDef) -> None:
        key = obj.name.lower()
        if key in self._objects:
            raise ValueError(f"object {obj.name} already exists")
        if obj.key_prefix in self._by_prefix:
            raise ValueError(
                f"key prefix {obj.key_prefix} is taken by {self._by_prefix[obj.key_prefix].name}"
            )
        self._objects[key] = obj
        self._by_prefix[obj.key_prefix] = obj
        self.revision += 1

    def touch(self) -> None:
        """Record a change inside an object (a field added), for caches keyed on ``revision``."""
        self.revision += 1

    def get(self, name: str) -> ObjectDef | None:
        return self._objects.get(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._objects

    def __iter__(self) -> Iterator[ObjectDef]:
        return iter(self._objects.values())

    def by_prefix(self, key_prefix: str) -> ObjectDef | None:
        return self._by_prefix.get(key_prefix)

    def object_for_id(self, record_id: str) -> ObjectDef | None:
        return self._by_prefix.get(record_id[:3])

    def child_relationships(self, parent: str) -> list[ChildRelationship]:
        """Every relationship whose reference field points at ``parent`` and has a child name."""
        parent_def = self.get(parent)
        if parent_def is None:
            return []
        result = []
        for obj in self._objects.values():
            for f in obj.fields:
                if f.child_relationship_name and parent_def.name in f.reference_to:
                    result.append(
                        ChildRelationship(
                            f.child_relationship_name,
                            obj.name,
                            f.name,
                            f.cascade_delete,
                            f.restricted_delete,
                        )
                    )
        return result

    def child_relationship(self, parent: str, name: str) -> ChildRelationship | None:
        lowered = name.lower()
        for rel in self.child_relationships(parent):
            if rel.relationship_name.lower() == lowered:
                return rel
        return None

    def next_custom_prefix(self) -> str:
        """The next free custom-object key prefix: a00, a01, ... a0z, a10, ..."""
        from .ids import BASE62

        for second in BASE62:
            for third in BASE62:
                prefix = "a" + second + third
                if prefix not in self._by_prefix:
                    return prefix
        raise RuntimeError("no custom key prefix left")


def record_url(object_name: str, record_id: str, api_version: str) -> str:
    """``/services/data/v58.0/sobjects/Account/001...``: the ``attributes.url`` of a record."""
    return f"/services/data/v{api_version}/sobjects/{object_name}/{record_id}"


def blob_url(object_name: str, record_id: str, field_name: str, api_version: str) -> str:
    """The URL path a base64 field's JSON value holds."""
    return f"{record_url(object_name, record_id, api_version)}/{field_name}"
