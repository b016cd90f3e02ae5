"""The composite family's engine: sObject Collections, Composite, Composite batch and sObject Tree.

The HTTP routes live in :mod:`salesforcepy.fakeorg.api.composite`; the modules here do the work:

* :mod:`.sobject_collections` — create/update/upsert/delete/retrieve of up to 200 records with
  per-record ``statusCode`` results and ``allOrNone`` rollback.
* :mod:`.references` — ``@{refId.field}`` / ``@{refId.records[0].Id}`` references of Composite.
* :mod:`.subrequests` — Composite (``compositeRequest``), Composite batch and Composite graph,
  run in-process through ``ctx.subrequest``.
* :mod:`.tree` — sObject Tree: nested inserts in one transaction.

All-or-nothing groups use ``store.transaction()`` (SQLite savepoints): a group is undone by raising
out of the ``with`` block.
"""
