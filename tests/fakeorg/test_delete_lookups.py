"""What deleting a record does to the records that point at it through a lookup.

Salesforce clears a lookup without cascade delete when its target is deleted (a system change:
SystemModstamp moves, LastModifiedDate does not), and refuses to delete a record that a live
record needs through a lookup that cannot be null (400 DELETE_FAILED, nothing deleted). Lookups
with cascade delete take their children with them, as before.
"""

from __future__ import annotations

from typing import Any

import pytest

from salesforcepy.fakeorg.errors import SalesforceError
from salesforcepy.fakeorg.soql import run_query

V = "58.0"
CREATED = "2024-05-15T12:30:00.000+0000"
LATER = "2024-05-15T13:30:00.000+0000"


def rows(store: Any, soql: str, *, include_deleted: bool = False) -> list[dict[str, Any]]:
    result = run_query(store, soql, api_version=V, include_deleted=include_deleted)
    return [{k: v for k, v in r.items() if k != "attributes"} for r in result.records]


def error_of(call: Any, *args: Any, **kwargs: Any) -> SalesforceError:
    with pytest.raises(SalesforceError) as info:
        call(*args, **kwargs)
    return info.value


# ---- SOQL parent paths --------------------------------------------------------------------------


def test_query_never_joins_a_deleted_parent(store):
    # A lookup left pointing at a deleted record (a database written before deletes cleared them).
    parent = store.create("Account", {"Name": "Gone"})
    child = store.create("Account", {"Name": "Child", "ParentId": parent})
    store.execute('UPDATE "Account" SET "IsDeleted" = 1 WHERE "Id" = ?', (parent,))
    assert rows(store, "SELECT Name, Parent.Name FROM Account") == [
        {"Name": "Child", "Parent": None}
    ]
    assert rows(store, "SELECT Name FROM Account WHERE Parent.Name = 'Gone'") == []
    assert rows(store, "SELECT Name FROM Account WHERE Parent.Name = null") == [{"Name": "Child"}]
    # queryAll joins deleted parents.
    soql = f"SELECT Parent.Name FROM Account WHERE Id = '{child}'"  # noqa: S608
    found = rows(store, soql, include_deleted=True)
    assert found[0]["Parent"]["Name"] == "Gone"
