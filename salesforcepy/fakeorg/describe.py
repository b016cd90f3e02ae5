"""Describe payloads of the fake org: describeGlobal, sObject basic info, full sObject describe.

The HTTP layer serves these bodies as they are:

* ``describe_global(store, api_version)`` — ``GET /services/data/vXX.X/sobjects/``
* ``basic_info(store, name, api_version)`` — ``GET /services/data/vXX.X/sobjects/{SObject}/``
* ``describe_sobject(store, name, api_version)`` — ``GET .../sobjects/{SObject}/describe/``

For ``If-Modified-Since`` the HTTP layer compares against ``store.schema_modified`` (the last custom
object or field change). Everything that depends neither on the API version nor on data (field
lists, child relationships, flags) is computed once per schema revision and cached; the returned
dicts share those cached parts, so callers must treat them as read-only.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING, Any

from .schema import ObjectDef, Schema, record_url
from .store import MASTER_RECORD_TYPE_ID

if TYPE_CHECKING:
    from .store import Store

# Objects Salesforce lets you merge, and those whose describe lists no owner scopes.
_MERGEABLE = frozenset({"Account", "Contact", "Lead", "Case"})
_NOT_REPLICATEABLE = frozenset({"Organization"})
_RECENT_ITEMS = 5

_lock = threading.Lock()
# schema -> (revision, {object name: version-independent describe parts})
_cache: weakref.WeakKeyDictionary[Schema, tuple[int, dict[str, dict[str, Any]]]] = (
    weakref.WeakKeyDictionary()
)


def _static_parts(schema: Schema, obj: ObjectDef) -> dict[str, Any]:
    with _lock:
        entry = _cache.get(schema)
        if entry is None or entry[0] != schema.revision:
            entry = (schema.revision, {})
            _cache[schema] = entry
        parts = entry[1].get(obj.name)
    if parts is not None:
        return parts
    parts = {
        "flags": _flags(obj),
        "fields": [f.describe() for f in obj.fields],
        "childRelationships": [r.describe() for r in schema.child_relationships(obj.name)],
        "supportedScopes": _scopes(obj),
    }
    with _lock:
        entry[1][obj.name] = parts
    return parts


def _flags(obj: ObjectDef) -> dict[str, Any]:
    """The object-level keys shared by describeGlobal entries and the full describe."""
    return {
        "activateable": False,
        "associateEntityType": None,
        "associateParentEntity": None,
        "createable": obj.createable,
        "custom": obj.custom,
        "customSetting": False,
        "deepCloneable": False,
        "deletable": obj.deletable,
        "deprecatedAndHidden": False,
        "feedEnabled": obj.feed_enabled,
        "hasSubtypes": False,
        "isInterface": False,
        "isSubtype": False,
        "keyPrefix": obj.key_prefix,
        "label": obj.label,
        "labelPlural": obj.label_plural,
        "layoutable": True,
        "mergeable": obj.name in _MERGEABLE,
        "mruEnabled": True,
        "name": obj.name,
        "queryable": obj.queryable,
        "replicateable": obj.name not in _NOT_REPLICATEABLE,
        "retrieveable": True,
        "searchable": obj.searchable,
        "triggerable": obj.createable or obj.updateable,
        "undeletable": obj.deletable,
        "updateable": obj.updateable,
    }


def _scopes(obj: ObjectDef) -> list[dict[str, str]]:
    plural = (obj.label_plural or obj.name).lower()
    scopes = [{"label": f"All {plural}", "name": "everything"}]
    if obj.field("OwnerId") is not None:
        scopes.append({"label": f"My {plural}", "name": "mine"})
    return scopes


def object_urls(obj: ObjectDef, api_version: str) -> dict[str, str]:
    """The ``urls`` of a describeGlobal entry / basic info for one object."""
    base = f"/services/data/v{api_version}/sobjects/{obj.name}"
    return {
        "sobject": base,
        "describe": f"{base}/describe",
        "rowTemplate": f"{base}/{{ID}}",
        "layouts": f"{base}/describe/layouts",
        "compactLayouts": f"{base}/describe/compactLayouts",
        "approvalLayouts": f"{base}/describe/approvalLayouts",
        "listviews": f"{base}/listviews",
        "quickActions": f"{base}/quickActions",
        "defaultValues": f"{base}/defaultValues?recordTypeId&fields",
    }


def global_entry(schema: Schema, obj: ObjectDef, api_version: str) -> dict[str, Any]:
    """One ``sobjects[]`` entry of describeGlobal (also the ``objectDescribe`` of basic info)."""
    return {**_static_parts(schema, obj)["flags"], "urls": object_urls(obj, api_version)}


def describe_global(store: Store, api_version: str) -> dict[str, Any]:
    """The body of ``GET /services/data/vXX.X/sobjects/``: every object, sorted by name."""
    objects = sorted(store.schema, key=lambda o: o.name.lower())
    return {
        "encoding": "UTF-8",
        "maxBatchSize": 200,
        "sobjects": [global_entry(store.schema, obj, api_version) for obj in objects],
    }


def basic_info(store: Store, name: str, api_version: str) -> dict[str, Any]:
    """The body of ``GET /services/data/vXX.X/sobjects/{SObject}/``.

    ``recentItems`` holds the most recently modified live records (Id and name field), standing in
    for Salesforce's recently viewed list. Unknown object -> ``SalesforceError(404, NOT_FOUND)``.
    """
    obj = store.object(name)
    name_field = obj.name_field
    columns = '"Id"' + (f', "{name_field.name}"' if name_field is not None else "")
    rows = store.execute(
        f'SELECT {columns} FROM "{obj.name}" WHERE "IsDeleted" = 0 '
        'ORDER BY "LastModifiedDate" DESC, "Id" DESC LIMIT ?',
        (_RECENT_ITEMS,),
    )
    recent = []
    for row in rows:
        item: dict[str, Any] = {
            "attributes": {"type": obj.name, "url": record_url(obj.name, row[0], api_version)},
            "Id": row[0],
        }
        if name_field is not None:
            item[name_field.name] = row[1]
        recent.append(item)
    return {"objectDescribe": global_entry(store.schema, obj, api_version), "recentItems": recent}


def record_type_infos(store: Store, obj: ObjectDef, api_version: str) -> list[dict[str, Any]]:
    """The active record types of ``obj`` (rows of ``RecordType``) followed by the master one."""
    layout = f"/services/data/v{api_version}/sobjects/{obj.name}/describe/layouts/"
    rows = store.execute(
        'SELECT "Id", "Name", "DeveloperName" FROM "RecordType" '
        'WHERE "SobjectType" = ? AND "IsActive" = 1 AND "IsDeleted" = 0 ORDER BY "Name", "Id"',
        (obj.name,),
    )
    infos = [
        {
            "active": True,
            "available": True,
            "defaultRecordTypeMapping": i == 0,
            "developerName": row[2],
            "master": False,
            "name": row[1],
            "recordTypeId": row[0],
            "urls": {"layout": layout + row[0]},
        }
        for i, row in enumerate(rows)
    ]
    infos.append(
        {
            "active": True,
            "available": True,
            "defaultRecordTypeMapping": not infos,
            "developerName": "Master",
            "master": True,
            "name": "Master",
            "recordTypeId": MASTER_RECORD_TYPE_ID,
            "urls": {"layout": layout + MASTER_RECORD_TYPE_ID},
        }
    )
    return infos


def describe_sobject(
    store: Store, name: str, api_version: str, *, instance_url: str | None = None
) -> dict[str, Any]:
    """The body of ``GET /services/data/vXX.X/sobjects/{SObject}/describe/``.

    ``instance_url`` (e.g. ``https://127.0.0.1:8443``) adds the ``uiDetailTemplate``,
    ``uiEditTemplate`` and ``uiNewRecord`` urls, which Salesforce gives as absolute URLs.
    Unknown object -> ``SalesforceError(404, NOT_FOUND)``.
    """
    obj = store.object(name)
    parts = _static_parts(store.schema, obj)
    urls = object_urls(obj, api_version)
    if instance_url:
        root = instance_url.rstrip("/")
        urls["uiDetailTemplate"] = f"{root}/{{ID}}"
        urls["uiEditTemplate"] = f"{root}/{{ID}}/e"
        urls["uiNewRecord"] = f"{root}/{obj.key_prefix}/e"
    body: dict[str, Any] = {
        **parts["flags"],
        "actionOverrides": [],
        "childRelationships": parts["childRelationships"],
        "compactLayoutable": True,
        "defaultImplementation": None,
        "extendedBy": None,
        "extendsInterfaces": None,
        "fields": parts["fields"],
        "implementedBy": None,
        "implementsInterfaces": None,
        "listviewable": None,
        "lookupLayoutable": None,
        "namedLayoutInfos": [],
        "networkScopeFieldName": None,
        "recordTypeInfos": record_type_infos(store, obj, api_version),
        "searchLayoutable": obj.searchable,
        "sobjectDescribeOption": "FULL",
        "supportedScopes": parts["supportedScopes"],
        "urls": urls,
    }
    return dict(sorted(body.items()))
