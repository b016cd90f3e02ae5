"""CRM Analytics (Wave): datasets and SAQL queries over the store (v36.0+; older versions 404).

* ``GET /services/data/vXX.X/wave/datasets`` — list (``q``, ``pageSize``, ``page``).
* ``GET /wave/datasets/{idOrApiName}`` — one dataset (18/15-char ``0Fb`` id or API name).
* ``DELETE /wave/datasets/{idOrApiName}`` — 204.
* ``POST /wave/query`` — ``{"query": "<SAQL>"}`` run by :mod:`salesforcepy.fakeorg.saql`.

Datasets are defined with :func:`define_dataset` (the demo seed, ``FakeOrg.define_dataset``) and
kept in the store's ``_fakeorg_settings`` table, so a file database keeps them; each org serves them
from a :class:`~salesforcepy.fakeorg.wave.WaveRegistry` that picks up new definitions on every
request.
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any, Optional

import attrs
from werkzeug.wrappers import Response

from .. import ids
from ..errors import SalesforceError
from ..org import OrgState
from ..wave import DatasetDefinition, WaveRegistry
from . import DATA, Context, Routes

if TYPE_CHECKING:
    from ..store import Store

routes = Routes("wave")

_SETTING_PREFIX = "wave_dataset:"
WAVE_SINCE = 36.0  # the first version of the Wave REST API


@attrs.frozen
class StoredDataset:
    """A dataset definition with the ids it is served under."""

    definition: DatasetDefinition
    dataset_id: str
    version_id: str


def define_dataset(
    store: Store,
    definition: DatasetDefinition,
    *,
    dataset_id: Optional[str] = None,
    version_id: Optional[str] = None,
) -> StoredDataset:
    """Keep a dataset definition in the store (fresh ``0Fb``/``0Fc`` ids unless given).

    Raises:
        ValueError: the name or id is taken, an id has the wrong prefix, or the object does not
            exist.
    """
    store.object(definition.object_name)
    chosen_id = ids.to18(dataset_id) if dataset_id else store.new_id("0Fb")
    chosen_version = ids.to18(version_id) if version_id else store.new_id("0Fc")
    if chosen_id[:3] != "0Fb" or chosen_version[:3] != "0Fc":
        raise ValueError("dataset ids start with 0Fb and version ids with 0Fc")
    for stored in stored_datasets(store):
        if stored.definition.name.lower() == definition.name.lower():
            raise ValueError(f"a dataset named {definition.name!r} already exists")
        if stored.dataset_id == chosen_id:
            raise ValueError(f"a dataset with id {chosen_id} already exists")
    value = {
        "name": definition.name,
        "label": definition.label,
        "object_name": definition.object_name,
        "fields": list(definition.fields),
        "dataset_id": chosen_id,
        "version_id": chosen_version,
    }
    store.execute(
        "INSERT INTO _fakeorg_settings (key, value) VALUES (?, ?)",
        (_SETTING_PREFIX + definition.name.lower(), json.dumps(value)),
    )
    return StoredDataset(definition, chosen_id, chosen_version)


def stored_datasets(store: Store) -> list[StoredDataset]:
    """Every dataset definition kept in the store."""
    rows = store.execute(
        "SELECT value FROM _fakeorg_settings WHERE key LIKE ? ORDER BY rowid",
        (_SETTING_PREFIX + "%",),
    )
    found = []
    for (value,) in rows:
        data = json.loads(value)
        definition = DatasetDefinition(
            name=data["name"],
            label=data["label"],
            object_name=data["object_name"],
            fields=data["fields"],
        )
        found.append(StoredDataset(definition, data["dataset_id"], data["version_id"]))
    return found


def forget_dataset(store: Store, name: str) -> None:
    store.execute("DELETE FROM _fakeorg_settings WHERE key = ?", (_SETTING_PREFIX + name.lower(),))


class WaveState:
    """The org's dataset registry, kept in step with the definitions in the store."""

    def __init__(self, org: OrgState) -> None:
        self.store = org.store
        self.registry = WaveRegistry.for_store(org.store, api_version=org.latest_version)
        self._lock = threading.Lock()

    def sync(self) -> WaveRegistry:
        with self._lock:
            known = {d.id for d in self.registry.datasets()}
            for stored in stored_datasets(self.store):
                if stored.dataset_id not in known:
                    self.registry.create(
                        stored.definition,
                        dataset_id=stored.dataset_id,
                        version_id=stored.version_id,
                    )
        return self.registry


def wave_registry(org: OrgState) -> WaveRegistry:
    """The org's datasets (definitions added to the store since the last call included)."""
    return org.extension("wave", WaveState).sync()


def _page_size(ctx: Context) -> int:
    raw = ctx.arg("pageSize")
    if raw is None:
        return 25
    if not raw.isdigit():
        raise SalesforceError(400, "INVALID_PARAMETER_VALUE", f"Invalid pageSize: {raw!r}")
    return int(raw)


@routes.route(DATA + "/wave/datasets")
def datasets(ctx: Context) -> Response:
    """GET /services/data/vXX.X/wave/datasets"""
    ctx.require_version(WAVE_SINCE)
    body = wave_registry(ctx.org).to_json(
        ctx.api_version,
        q=ctx.arg("q"),
        page_size=_page_size(ctx),
        page=ctx.arg("page"),
        instance_url=ctx.base_url,
    )
    return ctx.json(body)


@routes.route(DATA + "/wave/datasets/<id_or_name>", methods=["GET", "DELETE"])
def dataset(ctx: Context) -> Response:
    """GET/DELETE /services/data/vXX.X/wave/datasets/{idOrApiName}"""
    ctx.require_version(WAVE_SINCE)
    registry = wave_registry(ctx.org)
    found = registry.get(ctx.args["id_or_name"])
    if ctx.request.method == "DELETE":
        registry.delete(found.id)
        forget_dataset(ctx.store, found.name)
        return ctx.empty()
    return ctx.json(found.to_json(ctx.api_version, instance_url=ctx.base_url))


@routes.route(DATA + "/wave/query", methods=["POST"])
def query(ctx: Context) -> Response:
    """POST /services/data/vXX.X/wave/query"""
    ctx.require_version(WAVE_SINCE)
    body: dict[str, Any] = ctx.json_body()
    saql = body.get("query")
    if not isinstance(saql, str) or not saql.strip():
        raise SalesforceError(400, "INVALID_PARAMETER_VALUE", "The query is required")
    language = body.get("queryLanguage", "SAQL")
    if language != "SAQL":
        raise SalesforceError(
            400,
            "INVALID_PARAMETER_VALUE",
            f"queryLanguage {language!r} is not supported by the fake org (only SAQL)",
        )
    return ctx.json(wave_registry(ctx.org).query(saql))
