"""Approval processes of the fake org: definitions, and Submit / Approve / Reject.

A process is a ``ProcessDefinition`` record (``04a``) plus the settings Salesforce keeps in its
setup metadata, which the fake org stores next to it in ``_fakeorg_settings``: the default
approvers, equality entry criteria and the number of approval steps. Define one with
:func:`define_process` (from a seed, or ``FakeOrg.define_approval_process``).

Running a process writes the records Salesforce writes:

* Submit: a ``ProcessInstance`` (``04g``, ``Status`` ``Pending``), a ``Started``
  ``ProcessInstanceStep`` (``04h``) and one ``ProcessInstanceWorkitem`` (``04i``) per approver.
* Approve: an ``Approved`` step; the work items go; the next step's work items are created, or the
  instance becomes ``Approved``.
* Reject: a ``Rejected`` step; the work items go; the instance becomes ``Rejected``.

Approvers are the request's ``nextApproverIds`` when given, else the process's default approvers.
Records in a process are not locked, and any user may act on any work item.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Optional

import attrs

from . import ids
from .errors import SalesforceError
from .schema import format_datetime

if TYPE_CHECKING:
    from .store import Store

__all__ = [
    "ApprovalError",
    "ApprovalProcess",
    "Approvals",
    "StoredProcess",
    "define_process",
]

_SETTING_PREFIX = "approval_process:"
ACTION_TYPES = ("Submit", "Approve", "Reject")


def _to_tuple(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise TypeError("approvers must be a list of user ids, not a string")
    return tuple(value)


def _to_dict(value: Optional[Mapping[str, Any]]) -> dict[str, Any]:
    return dict(value or {})


def _check_steps(instance: Any, attribute: Any, value: int) -> None:
    if not isinstance(value, int) or value < 1:
        raise ValueError("an approval process has at least one step")


@attrs.frozen
class ApprovalProcess:
    """An approval process definition.

    Attributes:
        name: the unique (developer) name used in ``processDefinitionNameOrId``.
        object_name: the object whose records it approves (``"Account"``).
        label: the process name shown in the list (default: ``name``).
        description: shown in the list.
        approvers: default approver user ids, used when a request has no ``nextApproverIds``;
            empty means the submitter must always choose.
        entry_criteria: field values a record must have to enter the process (all of them,
            compared as the record's JSON values); skipped with ``skipEntryCriteria``.
        steps: how many approvals the record needs.
        sort_order: position among the object's processes (the first matching one is used when
            a request names none).
        active: inactive processes are listed nowhere and never applicable.
    """

    name: str = attrs.field(validator=attrs.validators.matches_re(r"[A-Za-z][A-Za-z0-9_]{0,79}"))
    object_name: str
    label: Optional[str] = None
    description: Optional[str] = None
    approvers: tuple[str, ...] = attrs.field(default=(), converter=_to_tuple)
    entry_criteria: dict[str, Any] = attrs.field(factory=dict, converter=_to_dict)
    steps: int = attrs.field(default=1, validator=_check_steps)
    sort_order: int = 1
    active: bool = True


@attrs.frozen
class StoredProcess:
    """A defined process: its ``04a`` id and definition."""

    id: str
    process: ApprovalProcess


def define_process(store: Store, process: ApprovalProcess) -> str:
    """Create the ``ProcessDefinition`` record and keep the process settings; returns its id.

    Raises:
        ValueError: the name is taken, an approver is not a user, or an entry-criteria field does
            not exist on the object.
        SalesforceError: the object does not exist (404).
    """
    obj = store.object(process.object_name)
    for field_name in process.entry_criteria:
        if obj.field(field_name) is None:
            raise ValueError(f"{obj.name} has no field {field_name!r}")
    approvers = []
    for user_id in process.approvers:
        normalized = ids.normalize_id(user_id)
        if normalized is None or store.read_row("User", normalized) is None:
            raise ValueError(f"approver {user_id!r} is not a user")
        approvers.append(normalized)
    with store.transaction():
        if _find(store, process.name) is not None:
            raise ValueError(f"an approval process named {process.name!r} already exists")
        process_id = store.create_system(
            "ProcessDefinition",
            {
                "Name": process.label or process.name,
                "DeveloperName": process.name,
                "Type": "Approval",
                "Description": process.description,
                "TableEnumOrId": obj.name,
                "LockType": "Total",
                "State": "Active" if process.active else "Inactive",
            },
        )
        settings = attrs.asdict(attrs.evolve(process, object_name=obj.name))
        settings["approvers"] = approvers
        store.execute(
            "INSERT OR REPLACE INTO _fakeorg_settings (key, value) VALUES (?, ?)",
            (_SETTING_PREFIX + process_id, json.dumps(settings)),
        )
    return process_id


def processes(store: Store) -> list[StoredProcess]:
    """Every defined process, by object then sort order."""
    rows = store.execute(
        "SELECT key, value FROM _fakeorg_settings WHERE key LIKE ?", (_SETTING_PREFIX + "%",)
    )
    found = []
    for key, value in rows:
        data = json.loads(value)
        found.append(StoredProcess(key[len(_SETTING_PREFIX) :], ApprovalProcess(**data)))
    found.sort(key=lambda p: (p.process.object_name, p.process.sort_order, p.id))
    return found


def _find(store: Store, name_or_id: str) -> Optional[StoredProcess]:
    normalized = ids.normalize_id(name_or_id)
    for stored in processes(store):
        if stored.id == normalized or stored.process.name.lower() == name_or_id.lower():
            return stored
    return None


class ApprovalError(SalesforceError):
    """One request's failure; reported in its ProcessResult."""

    def __init__(self, code: str, message: str, fields: Sequence[str] = ()) -> None:
        super().__init__(400, code, message, fields)


def _no_process() -> ApprovalError:
    return ApprovalError("NO_APPLICABLE_PROCESS", "No applicable approval process was found.")


def _invalid_id(value: Any, field: str) -> ApprovalError:
    return ApprovalError(
        "INVALID_CROSS_REFERENCE_KEY", f"invalid cross reference id: {value}", [field]
    )


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


class Approvals:
    """Runs approval requests against a store, as ``user_id``."""

    def __init__(self, store: Store, api_version: str) -> None:
        self.store = store
        self.api_version = api_version

    # ---- list ------------------------------------------------------------------------------------

    def list_json(self) -> dict[str, Any]:
        """The body of ``GET /process/approvals/``."""
        approvals: dict[str, list[dict[str, Any]]] = {}
        for stored in processes(self.store):
            process = stored.process
            if not process.active:
                continue
            approvals.setdefault(process.object_name, []).append(
                {
                    "description": process.description,
                    "id": ids.to15(stored.id),
                    "name": process.label or process.name,
                    "object": process.object_name,
                    "sortOrder": process.sort_order,
                }
            )
        return {"approvals": approvals}

    # ---- actions ---------------------------------------------------------------------------------

    def run(self, request: Mapping[str, Any], user_id: str) -> dict[str, Any]:
        """Run one request in its own transaction; returns its ProcessResult.

        Raises:
            ApprovalError: the request failed (nothing was written).
        """
        action = request["actionType"]
        with self.store.transaction():
            if action == "Submit":
                return self._submit(request, user_id)
            return self._decide(request, user_id, approve=action == "Approve")

    def _user(self, value: Any, field: str) -> str:
        normalized = ids.normalize_id(value) if isinstance(value, str) else None
        if normalized is None:
            raise ApprovalError("MALFORMED_ID", f"malformed id {value}", [field])
        row = self.store.read_row("User", normalized) if normalized[:3] == "005" else None
        if row is None or not row.get("IsActive"):
            raise _invalid_id(value, field)
        return normalized

    def _approvers(self, request: Mapping[str, Any], process: ApprovalProcess) -> list[str]:
        given = request.get("nextApproverIds")
        if given:
            if not isinstance(given, list):
                raise ApprovalError(
                    "INVALID_FIELD",
                    "nextApproverIds must be a list of user ids",
                    ["nextApproverIds"],
                )
            approvers = [self._user(value, "nextApproverIds") for value in given]
            return list(dict.fromkeys(approvers))
        if process.approvers:
            return list(process.approvers)
        raise ApprovalError(
            "REQUIRED_FIELD_MISSING",
            "missing required field: [nextApproverIds]",
            ["nextApproverIds"],
        )

    def _submit(self, request: Mapping[str, Any], user_id: str) -> dict[str, Any]:
        store = self.store
        context = request.get("contextId")
        record_id = ids.normalize_id(context) if isinstance(context, str) else None
        if record_id is None:
            raise ApprovalError("MALFORMED_ID", f"malformed id {context}", ["contextId"])
        obj = store.schema.object_for_id(record_id)
        row = store.read_row(obj.name, record_id) if obj is not None else None
        if obj is None or row is None or row.get("IsDeleted"):
            raise _invalid_id(context, "contextId")
        obj_name = obj.name
        submitter = (
            self._user(request["contextActorId"], "contextActorId")
            if request.get("contextActorId")
            else user_id
        )
        skip = _as_bool(request.get("skipEntryCriteria"))
        name_or_id = request.get("processDefinitionNameOrId")
        if skip and not name_or_id:
            raise ApprovalError(
                "REQUIRED_FIELD_MISSING",
                "processDefinitionNameOrId is required when skipEntryCriteria is true",
                ["processDefinitionNameOrId"],
            )
        process = self._applicable(obj_name, record_id, name_or_id, skip)
        pending = store.execute(
            'SELECT "Id" FROM "ProcessInstance" WHERE "TargetObjectId" = ? AND "Status" = ? '
            'AND "IsDeleted" = 0',
            (record_id, "Pending"),
        )
        if pending:
            raise ApprovalError("ALREADY_IN_PROCESS", "Cannot submit object already in process.")
        approvers = self._approvers(request, process.process)
        instance = store.create_system(
            "ProcessInstance",
            {
                "ProcessDefinitionId": process.id,
                "TargetObjectId": record_id,
                "Status": "Pending",
                "SubmittedById": submitter,
                "LastActorId": submitter,
            },
            user_id=submitter,
        )
        self._step(instance, "Started", submitter, submitter, request.get("comments"))
        workitems = self._workitems(instance, approvers, submitter)
        return _result(record_id, instance, "Pending", approvers, workitems)

    def _applicable(
        self, object_name: str, record_id: str, name_or_id: Any, skip: bool
    ) -> StoredProcess:
        if name_or_id:
            stored = _find(self.store, str(name_or_id))
            if (
                stored is None
                or not stored.process.active
                or stored.process.object_name.lower() != object_name.lower()
            ):
                raise _no_process()
            if not skip and not self._meets(stored.process, object_name, record_id):
                raise _no_process()
            return stored
        for stored in processes(self.store):
            process = stored.process
            if (
                process.active
                and process.object_name.lower() == object_name.lower()
                and self._meets(process, object_name, record_id)
            ):
                return stored
        raise _no_process()

    def _meets(self, process: ApprovalProcess, object_name: str, record_id: str) -> bool:
        if not process.entry_criteria:
            return True
        record = self.store.get(
            object_name, record_id, list(process.entry_criteria), api_version=self.api_version
        )
        lowered = {k.lower(): v for k, v in record.items()}
        return all(lowered.get(k.lower()) == v for k, v in process.entry_criteria.items())

    def _step(
        self,
        instance: str,
        status: str,
        actor: str,
        original: str,
        comments: Any,
    ) -> str:
        return self.store.create_system(
            "ProcessInstanceStep",
            {
                "ProcessInstanceId": instance,
                "StepStatus": status,
                "ActorId": actor,
                "OriginalActorId": original,
                "Comments": comments if isinstance(comments, str) and comments else None,
            },
            user_id=actor,
        )

    def _workitems(self, instance: str, approvers: Sequence[str], by: str) -> list[str]:
        return [
            self.store.create_system(
                "ProcessInstanceWorkitem",
                {"ProcessInstanceId": instance, "ActorId": approver, "OriginalActorId": approver},
                user_id=by,
            )
            for approver in approvers
        ]

    def _decide(self, request: Mapping[str, Any], user_id: str, *, approve: bool) -> dict[str, Any]:
        store = self.store
        context = request.get("contextId")
        workitem_id = ids.normalize_id(context) if isinstance(context, str) else None
        if workitem_id is None:
            raise ApprovalError("MALFORMED_ID", f"malformed id {context}", ["contextId"])
        workitem = (
            store.read_row("ProcessInstanceWorkitem", workitem_id)
            if workitem_id[:3] == "04i"
            else None
        )
        if workitem is None or workitem.get("IsDeleted"):
            raise _invalid_id(context, "contextId")
        instance_id = workitem["ProcessInstanceId"]
        instance = store.read_row("ProcessInstance", instance_id)
        assert instance is not None
        stored = next(
            (p for p in processes(store) if p.id == instance["ProcessDefinitionId"]), None
        )
        status = "Approved" if approve else "Rejected"
        self._step(instance_id, status, user_id, workitem["ActorId"], request.get("comments"))
        # Work items are gone once decided (no recycle bin): the object is not deletable
        # through the API, so they are removed at the SQL level.
        store.execute(
            'DELETE FROM "ProcessInstanceWorkitem" WHERE "ProcessInstanceId" = ?', (instance_id,)
        )
        approvals_done = store.execute(
            'SELECT COUNT(*) FROM "ProcessInstanceStep" WHERE "ProcessInstanceId" = ? '
            'AND "StepStatus" = ? AND "IsDeleted" = 0',
            (instance_id, "Approved"),
        )[0][0]
        steps = stored.process.steps if stored is not None else 1
        approvers: list[str] = []
        workitems: list[str] = []
        if approve and approvals_done < steps and stored is not None:
            approvers = self._approvers(request, stored.process)
            workitems = self._workitems(instance_id, approvers, user_id)
            final = "Pending"
        else:
            final = status
        changes: dict[str, Any] = {"Status": final, "LastActorId": user_id}
        if final != "Pending":
            changes["CompletedDate"] = format_datetime(store.now())
        store.update_system("ProcessInstance", instance_id, changes)
        return _result(instance["TargetObjectId"], instance_id, final, approvers, workitems)


def _result(
    entity: str, instance: str, status: str, actors: Sequence[str], workitems: Sequence[str]
) -> dict[str, Any]:
    return {
        "actorIds": list(actors),
        "entityId": entity,
        "errors": None,
        "instanceId": instance,
        "instanceStatus": status,
        "newWorkitemIds": list(workitems),
        "success": True,
    }


def failed_result(error: SalesforceError) -> dict[str, Any]:
    """The ProcessResult of a failed request."""
    return {
        "actorIds": None,
        "entityId": None,
        "errors": [
            {"fields": list(error.fields), "message": error.message, "statusCode": error.error_code}
        ],
        "instanceId": None,
        "instanceStatus": None,
        "newWorkitemIds": None,
        "success": False,
    }
