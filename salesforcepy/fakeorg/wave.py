"""CRM Analytics (Wave) datasets of the fake org, built from SObject tables, and their SAQL queries.

A dataset here is a live view: an SObject plus a list of field paths (``Account.Industry``), read
through the fake org's SOQL engine each time it is queried, so records created by a test show up in
the next query without a dataflow run. Each dataset has one version, its ``currentVersionId``.

The HTTP layer serves these from:

* ``GET /wave/datasets`` -> ``WaveRegistry.to_json``
* ``GET /wave/datasets/{idOrApiName}`` -> ``WaveRegistry.get(...).to_json``
* ``POST /wave/query`` -> ``WaveRegistry.query``
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Optional
from urllib.parse import urlencode

import attrs

from . import ids
from .errors import SalesforceError, not_found
from .saql import DATE, NUMERIC, STRING, LoadedDataset, run_saql

if TYPE_CHECKING:
    from .store import Store

DATASET_PREFIX = "0Fb"
VERSION_PREFIX = "0Fc"
FOLDER_PREFIX = "00l"
USER_PREFIX = "005"

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 200

_API_NAME_RE = re.compile(r"[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?<!_)")
_FIELD_PATH_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*")
_NUMERIC_FIELD_TYPES = frozenset({"int", "long", "double", "currency", "percent"})
_DATE_FIELD_TYPES = frozenset({"date", "datetime"})


def _id_with_prefix(prefix: str) -> Callable[[Any, Any, str], None]:
    def check(instance: Any, attribute: Any, value: str) -> None:
        if len(value) != 18 or not ids.is_valid_id(value) or not value.startswith(prefix):
            raise ValueError(f"{attribute.name} must be an 18-character {prefix} id, got {value!r}")

    return check


def _check_api_name(instance: Any, attribute: Any, value: str) -> None:
    if len(value) > 80 or not _API_NAME_RE.fullmatch(value):
        raise ValueError(
            f"dataset API name {value!r} must start with a letter and hold only letters, digits "
            "and single underscores (not at the end), at most 80 characters"
        )


def _check_fields(instance: Any, attribute: Any, value: tuple[str, ...]) -> None:
    if not value:
        raise ValueError("a dataset needs at least one field")
    for path in value:
        if not _FIELD_PATH_RE.fullmatch(path):
            raise ValueError(f"not a field path: {path!r}")
    lowered = [path.lower() for path in value]
    if len(set(lowered)) != len(lowered):
        raise ValueError(f"duplicate field in {list(value)}")


def _check_aware(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None and value.tzinfo is None:
        raise ValueError(f"{attribute.name} must be timezone-aware")


def _to_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _wave_datetime(value: dt.datetime) -> str:
    """``2018-06-12T13:39:53.000Z``: Wave writes UTC with a ``Z``."""
    utc = value.astimezone(dt.timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


@attrs.frozen
class DatasetDefinition:
    """What a dataset is built from: ``object_name`` rows, with ``fields`` as dotted paths."""

    name: str = attrs.field(validator=_check_api_name)
    label: str
    object_name: str
    fields: tuple[str, ...] = attrs.field(converter=_to_tuple, validator=_check_fields)


def demo_datasets() -> list[DatasetDefinition]:
    """The datasets of the demo org; ``opportunities`` backs the usage examples' SAQL query."""
    return [
        DatasetDefinition(
            name="opportunities",
            label="Opportunities",
            object_name="Opportunity",
            fields=(
                "Id",
                "Name",
                "Amount",
                "StageName",
                "CloseDate",
                "Account.Name",
                "Account.Industry",
            ),
        )
    ]


@attrs.frozen
class WaveUser:
    """The ``createdBy`` / ``lastModifiedBy`` of a dataset."""

    id: str = attrs.field(validator=_id_with_prefix(USER_PREFIX))
    name: str

    def to_json(self, instance_url: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "profilePhotoUrl": f"{instance_url}/profilephoto/005/T",
        }


@attrs.frozen
class WaveFolder:
    """The app (folder) datasets live in."""

    id: str = attrs.field(validator=_id_with_prefix(FOLDER_PREFIX))
    label: str = "Shared App"
    name: str = "SharedApp"

    def to_json(self, api_version: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "name": self.name,
            "url": f"/services/data/v{api_version}/wave/folders/{self.id}",
        }


@attrs.frozen
class WaveDataset:
    """One CRM Analytics dataset: identity, dates and the SObject fields it is built from."""

    id: str = attrs.field(validator=_id_with_prefix(DATASET_PREFIX))
    current_version_id: str = attrs.field(validator=_id_with_prefix(VERSION_PREFIX))
    name: str = attrs.field(validator=_check_api_name)
    label: str
    source_object: str
    fields: tuple[str, ...] = attrs.field(converter=_to_tuple, validator=_check_fields)
    folder: WaveFolder
    created_by: WaveUser
    created_date: dt.datetime = attrs.field(validator=_check_aware)
    last_modified_date: dt.datetime = attrs.field(validator=_check_aware)
    last_accessed_date: Optional[dt.datetime] = attrs.field(default=None, validator=_check_aware)
    last_queried_date: Optional[dt.datetime] = attrs.field(default=None, validator=_check_aware)

    def url(self, api_version: str) -> str:
        return f"/services/data/v{api_version}/wave/datasets/{self.id}"

    def to_json(self, api_version: str, *, instance_url: str = "") -> dict[str, Any]:
        """The body of ``GET /services/data/vXX.X/wave/datasets/{idOrApiName}``.

        ``instance_url`` prefixes the users' ``profilePhotoUrl`` (absolute on real orgs).
        """
        url = self.url(api_version)
        body: dict[str, Any] = {
            "createdBy": self.created_by.to_json(instance_url),
            "createdDate": _wave_datetime(self.created_date),
            "currentVersionId": self.current_version_id,
            "currentVersionUrl": f"{url}/versions/{self.current_version_id}",
            "folder": self.folder.to_json(api_version),
            "id": self.id,
            "label": self.label,
        }
        if self.last_accessed_date is not None:
            body["lastAccessedDate"] = _wave_datetime(self.last_accessed_date)
        body["lastModifiedBy"] = self.created_by.to_json(instance_url)
        body["lastModifiedDate"] = _wave_datetime(self.last_modified_date)
        if self.last_queried_date is not None:
            body["lastQueriedDate"] = _wave_datetime(self.last_queried_date)
        body.update(
            {
                "name": self.name,
                "permissions": {"manage": True, "modify": True, "view": True},
                "type": "dataset",
                "url": url,
                "versionsUrl": f"{url}/versions",
            }
        )
        return body


# Produces the rows and column types of a dataset's current version.
RowSource = Callable[[WaveDataset], LoadedDataset]
Clock = Callable[[], dt.datetime]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class WaveRegistry:
    """The datasets of one fake org, by id (15 or 18 characters) or API name (any casing).

    Thread-safe: the HTTP server calls it from several threads.
    """

    def __init__(
        self,
        rows: RowSource,
        *,
        owner: Optional[WaveUser] = None,
        clock: Optional[Clock] = None,
    ) -> None:
        """Create an empty registry.

        Args:
            rows: Reads a dataset's rows (``store_rows(store, ...)`` for a real store).
            owner: The user shown as ``createdBy``/``lastModifiedBy``.
            clock: Returns aware UTC datetimes (default: now).
        """
        self._rows = rows
        self._clock = clock or _utc_now
        self._ids = ids.IdGenerator()
        self._owner = owner or WaveUser(self._ids.new(USER_PREFIX), "Integration User")
        self._folder = WaveFolder(self._ids.new(FOLDER_PREFIX))
        self._datasets: dict[str, WaveDataset] = {}
        self._lock = threading.RLock()

    @classmethod
    def for_store(
        cls,
        store: Store,
        *,
        api_version: str,
        definitions: Iterable[DatasetDefinition] = (),
    ) -> WaveRegistry:
        """A registry whose datasets read ``store`` with SOQL, owned by the store's admin user."""
        admin = store.get("User", store.admin_user_id, ["Name"], api_version=api_version)
        registry = cls(
            store_rows(store, api_version=api_version),
            owner=WaveUser(store.admin_user_id, str(admin.get("Name") or "Admin User")),
            clock=store.now,
        )
        for definition in definitions:
            registry.create(definition)
        return registry

    def create(
        self,
        definition: DatasetDefinition,
        *,
        dataset_id: Optional[str] = None,
        version_id: Optional[str] = None,
    ) -> WaveDataset:
        """Register a dataset; the API name must be unused.

        ``dataset_id`` / ``version_id`` choose its ``0Fb``/``0Fc`` ids (fresh ones otherwise).
        """
        with self._lock:
            if self._find_by_name(definition.name) is not None:
                raise ValueError(f"a dataset named {definition.name!r} already exists")
            if dataset_id is not None and ids.normalize_id(dataset_id) in self._datasets:
                raise ValueError(f"a dataset with id {dataset_id!r} already exists")
            now = self._clock()
            dataset = WaveDataset(
                id=ids.to18(dataset_id) if dataset_id else self._ids.new(DATASET_PREFIX),
                current_version_id=(
                    ids.to18(version_id) if version_id else self._ids.new(VERSION_PREFIX)
                ),
                name=definition.name,
                label=definition.label,
                source_object=definition.object_name,
                fields=definition.fields,
                folder=self._folder,
                created_by=self._owner,
                created_date=now,
                last_modified_date=now,
                last_accessed_date=now,
            )
            self._datasets[dataset.id] = dataset
            return dataset

    def datasets(self) -> list[WaveDataset]:
        """Every dataset, in the order they were created."""
        with self._lock:
            return list(self._datasets.values())

    def find(self, id_or_name: str) -> Optional[WaveDataset]:
        """The dataset with this id (15 or 18 characters) or API name (any casing), or None."""
        with self._lock:
            record_id = ids.normalize_id(id_or_name)
            if record_id is not None and record_id in self._datasets:
                return self._datasets[record_id]
            return self._find_by_name(id_or_name)

    def get(self, id_or_name: str) -> WaveDataset:
        """Like ``find``, but a missing dataset is ``SalesforceError(404, NOT_FOUND)``."""
        dataset = self.find(id_or_name)
        if dataset is None:
            raise not_found(f"No dataset found for {id_or_name!r}")
        return dataset

    def delete(self, id_or_name: str) -> None:
        """Remove a dataset; a missing one is ``SalesforceError(404, NOT_FOUND)``."""
        with self._lock:
            del self._datasets[self.get(id_or_name).id]

    def _find_by_name(self, name: str) -> Optional[WaveDataset]:
        lowered = name.lower()
        for dataset in self._datasets.values():
            if dataset.name.lower() == lowered:
                return dataset
        return None

    def to_json(
        self,
        api_version: str,
        *,
        q: Optional[str] = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        page: Optional[str] = None,
        instance_url: str = "",
    ) -> dict[str, Any]:
        """The body of ``GET /services/data/vXX.X/wave/datasets``.

        Args:
            api_version: ``"58.0"``.
            q: Keeps datasets whose API name or label contains this text (any casing).
            page_size: Datasets per page, 1 to 200.
            page: The page token of a previous ``nextPageUrl``.
            instance_url: Prefix of the users' ``profilePhotoUrl``.

        Raises:
            SalesforceError: 400 ``INVALID_PARAMETER_VALUE`` for a bad page size or token.
        """
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise SalesforceError(
                400,
                "INVALID_PARAMETER_VALUE",
                f"pageSize must be between 1 and {MAX_PAGE_SIZE}, got {page_size}",
            )
        start = 0
        if page is not None:
            if not page.isdigit():
                raise SalesforceError(
                    400, "INVALID_PARAMETER_VALUE", f"Invalid page token {page!r}"
                )
            start = int(page)
        matching = self.datasets()
        if q:
            needle = q.lower()
            matching = [
                d for d in matching if needle in d.name.lower() or needle in d.label.lower()
            ]
        shown = matching[start : start + page_size]
        base = f"/services/data/v{api_version}/wave/datasets"
        next_url = None
        if start + page_size < len(matching):
            params: dict[str, Any] = {"page": str(start + page_size), "pageSize": page_size}
            if q:
                params["q"] = q
            next_url = f"{base}?{urlencode(params)}"
        return {
            "datasets": [d.to_json(api_version, instance_url=instance_url) for d in shown],
            "nextPageUrl": next_url,
            "totalSize": len(matching),
            "url": base,
        }

    def resolve(self, reference: str) -> Optional[LoadedDataset]:
        """The rows of ``"{datasetId}/{versionId}"`` when that is a current dataset version."""
        dataset_part, _, version_part = reference.partition("/")
        dataset_id = ids.normalize_id(dataset_part)
        with self._lock:
            dataset = self._datasets.get(dataset_id) if dataset_id else None
        if dataset is None or ids.normalize_id(version_part) != dataset.current_version_id:
            return None
        return self._rows(dataset)

    def query(self, saql: str) -> dict[str, Any]:
        """The response of ``POST /services/data/vXX.X/wave/query`` for ``{"query": saql}``.

        Raises:
            SalesforceError: 400 ``MALFORMED_QUERY`` / ``INVALID_FIELD`` for a bad query.
        """
        started = time.perf_counter()
        loaded: list[str] = []

        def resolve(reference: str) -> Optional[LoadedDataset]:
            loaded.append(reference.partition("/")[0])
            return self.resolve(reference)

        results = run_saql(saql, resolve)
        self._mark_queried(loaded)
        return {
            "action": "query",
            "responseId": secrets.token_urlsafe(16),
            "results": results,
            "query": saql,
            "responseTime": round((time.perf_counter() - started) * 1000),
        }

    def _mark_queried(self, dataset_ids: Sequence[str]) -> None:
        now = self._clock()
        with self._lock:
            for dataset_id in dataset_ids:
                dataset = self._datasets.get(dataset_id)
                if dataset is not None:
                    self._datasets[dataset_id] = attrs.evolve(
                        dataset, last_accessed_date=now, last_queried_date=now
                    )


# ---- rows from the store ------------------------------------------------------------------------


def store_rows(store: Store, *, api_version: str) -> RowSource:
    """A ``RowSource`` that reads a dataset's object with SOQL and flattens parent records.

    Field paths become the canonical dotted names of the SOQL result (``Account.Industry``); numbers
    stay numbers, dates and date-times stay ISO text (type ``date``), booleans become ``"true"`` /
    ``"false"`` dimensions as in CRM Analytics, everything else is a string.
    """
    from .soql import run_query

    def rows_for(dataset: WaveDataset) -> LoadedDataset:
        soql = f"SELECT {', '.join(dataset.fields)} FROM {dataset.source_object} ORDER BY Id"
        result = run_query(store, soql, api_version=api_version)
        types = {path: _column_type(store, result.object_name, path) for path in result.columns}
        rows = [
            {path: _wave_value(_walk(record, path), kind) for path, kind in types.items()}
            for record in result.records
        ]
        return LoadedDataset(types, rows)

    return rows_for


def _walk(record: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path of a nested SOQL record; None past a null parent."""
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _column_type(store: Store, object_name: str, path: str) -> str:
    obj = store.object(object_name)
    *relationships, field_name = path.split(".")
    for relationship in relationships:
        reference = obj.relationship(relationship)
        if reference is None or not reference.reference_to:
            return STRING
        obj = store.object(reference.reference_to[0])
    field = obj.field(field_name)
    if field is None:
        return STRING
    if field.type in _NUMERIC_FIELD_TYPES:
        return NUMERIC
    if field.type in _DATE_FIELD_TYPES:
        return DATE
    return STRING


def _wave_value(value: Any, kind: str) -> Any:
    if value is None or kind == NUMERIC:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
