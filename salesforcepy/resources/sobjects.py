"""sObject rows, external ids, blobs and describes.

REST paths covered (relative to ``/services/data/vXX.X/``):

- ``GET sobjects/`` — :meth:`SObjects.describe_global` (``If-Modified-Since``)
- ``GET sobjects/{type}/`` — :meth:`SObjects.basic_info`
- ``GET sobjects/{type}/describe/`` — :meth:`SObjects.describe` (``If-Modified-Since``)
- ``GET sobjects/{type}/updated/?start=&end=`` — :meth:`SObjects.updated`
- ``GET sobjects/{type}/deleted/?start=&end=`` — :meth:`SObjects.deleted`
- ``POST sobjects/{type}/`` — :meth:`SObjects.insert` (JSON, or multipart with a blob)
- ``GET sobjects/{type}/{id}`` — :meth:`SObjects.query`
- ``GET sobjects/{type}/{id}/{blob field}`` — :meth:`SObjects.query` with ``binary_field``
- ``PATCH sobjects/{type}/{id}`` — :meth:`SObjects.update` (JSON, or multipart with a blob)
- ``DELETE sobjects/{type}/{id}`` — :meth:`SObjects.delete`
- ``PATCH sobjects/{type}/{field}/{value}`` — :meth:`SObjects.upsert`
- ``GET`` / ``DELETE sobjects/{type}/{field}/{value}`` — :meth:`SObjects.query` /
  :meth:`SObjects.delete` with ``external_id``

Object and field names must be API names; record ids 15 or 18 base-62 characters; an external id
value may be any string and is URL-quoted into one path segment (``/`` included). Date-times
(``start``, ``end``, ``if_modified_since``) must be timezone-aware ``datetime`` objects; they are
sent in UTC.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import secrets
from collections.abc import Iterable, Mapping
from typing import Any, Optional, Union

import attrs

from ..options import Proxies, Timeout
from ..request import Request, Result, api_name, path, record_id, segment
from ._base import Sender, require_mapping

__all__ = ["Binary", "SObjects", "multipart_body"]

Binary = tuple[str, Union[bytes, str], str]
"""A file to upload: ``(filename, content, content_type)``; ``str`` content is sent as UTF-8."""

# Names Salesforce's own examples use for the JSON part; other objects use entity_<name>.
_JSON_PART_NAMES = {"contentversion": "entity_content", "document": "entity_document"}
_FORBIDDEN_IN_HEADER = ('"', "\\", "\r", "\n", "\0")


def _check_binary(binary: Any) -> tuple[str, bytes, str]:
    if not isinstance(binary, (tuple, list)) or len(binary) != 3:
        raise TypeError("binary must be a (filename, content, content_type) tuple")
    filename, content, content_type = binary
    if not isinstance(filename, str) or not filename:
        raise ValueError("binary filename must be a non-empty string")
    if not isinstance(content_type, str) or not content_type:
        raise ValueError("binary content_type must be a non-empty string")
    for label, value in (("filename", filename), ("content_type", content_type)):
        if any(c in value for c in _FORBIDDEN_IN_HEADER):
            raise ValueError(f"binary {label} must not contain quotes, backslashes or line breaks")
    if isinstance(content, str):
        content = content.encode("utf-8")
    elif isinstance(content, (bytes, bytearray, memoryview)):
        content = bytes(content)
    else:
        raise TypeError("binary content must be bytes or str")
    return filename, content, content_type


def multipart_body(
    object_type: str, fields: Mapping[str, Any], binary_field: str, binary: Any
) -> tuple[bytes, str]:
    """Build the ``multipart/form-data`` body of a blob insert or update.

    The first part is the record's fields as JSON (named ``entity_content`` for ContentVersion,
    ``entity_document`` for Document, ``entity_<object>`` otherwise); the second is the file, named
    after ``binary_field``, with its filename and Content-Type. The boundary is random and checked
    not to occur in either part; the file's bytes are sent unchanged.

    Returns:
        ``(body, content_type_header)``.

    Raises:
        TypeError, ValueError: a malformed ``binary`` tuple, or fields that are not JSON.
    """
    filename, content, content_type = _check_binary(binary)
    try:
        document = json.dumps(dict(fields), allow_nan=False).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"fields cannot be sent as JSON: {exc}") from None
    part_name = _JSON_PART_NAMES.get(object_type.lower(), f"entity_{object_type.lower()}")
    while True:
        boundary = "salesforcepy-" + secrets.token_hex(16)
        marker = boundary.encode("ascii")
        if marker not in content and marker not in document:
            break
    body = b"".join(
        [
            b"--" + marker + b"\r\n",
            f'Content-Disposition: form-data; name="{part_name}"\r\n'.encode(),
            b"Content-Type: application/json\r\n\r\n",
            document,
            b"\r\n--" + marker + b"\r\n",
            (
                f'Content-Disposition: form-data; name="{binary_field}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            ).encode(),
            content,
            b"\r\n--" + marker + b"--\r\n",
        ]
    )
    return body, f"multipart/form-data; boundary={boundary}"


def _aware_utc(value: Any, name: str) -> dt.datetime:
    """``value`` in UTC, whole seconds (the wire formats below carry no fractions).

    Raises:
        TypeError: not a ``datetime`` (a ``date`` or an ISO string included).
        ValueError: a naive ``datetime``.
    """
    if not isinstance(value, dt.datetime):
        raise TypeError(
            f"{name} must be a timezone-aware datetime.datetime, not {type(value).__name__}"
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{name} is a naive datetime, which Salesforce would read as UTC whatever was meant: "
            "give it a timezone (e.g. value.replace(tzinfo=datetime.timezone.utc))"
        )
    return value.astimezone(dt.timezone.utc).replace(microsecond=0)


def _replication_datetime(value: Any, name: str) -> str:
    """``start``/``end`` of the updated/deleted resources: ``2026-01-01T00:00:00+00:00`` (UTC).

    This is the form Salesforce documents for these parameters; the client URL-encodes ``:`` and
    ``+``. Salesforce ignores the seconds.
    """
    return _aware_utc(value, name).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _http_date(value: Any, name: str) -> str:
    """An RFC 7231 HTTP-date in GMT, e.g. ``Tue, 23 Mar 2015 00:00:00 GMT``."""
    return email.utils.format_datetime(_aware_utc(value, name), usegmt=True)


def _optional_api_name(name: str) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            api_name(value, name)

    return check


def _if_modified_since(value: Optional[dt.datetime]) -> Optional[dict[str, str]]:
    if value is None:
        return None
    return {"If-Modified-Since": _http_date(value, "if_modified_since")}


@attrs.define
class SObjects:
    """Builder for one sObject type, record or external id: ``client.sobjects(...)``.

    Args:
        object_type: the sObject API name, e.g. ``"Account"``.
        id: a record id — or, with ``external_id``, the external id value.
        external_id: the external id field, e.g. ``"External_Id__c"``.
        binary_field: the blob field (``"Body"``, ``"VersionData"``) for file insert and download.

    Raises:
        TypeError, ValueError: a name that is not an API name, an id that is not a Salesforce id,
            or an id/field without ``object_type``.
    """

    _client: Sender
    object_type: Optional[str] = attrs.field(
        default=None, validator=_optional_api_name("object_type")
    )
    id: Optional[str] = None
    external_id: Optional[str] = attrs.field(
        default=None, validator=_optional_api_name("external_id")
    )
    binary_field: Optional[str] = attrs.field(
        default=None, validator=_optional_api_name("binary_field")
    )

    def __attrs_post_init__(self) -> None:
        if self.id is not None:
            if self.external_id is None:
                record_id(self.id, "id")
            else:
                segment(self.id, "id (the external id value)")
        if self.object_type is None and (
            self.id is not None or self.external_id is not None or self.binary_field is not None
        ):
            raise ValueError("object_type is required with id, external_id or binary_field")

    # -- request builders (pure) ------------------------------------------------------------

    def _type(self, action: str) -> str:
        if self.object_type is None:
            raise ValueError(f"{action}() needs object_type")
        return self.object_type

    def _record_path(self, action: str) -> str:
        object_type = self._type(action)
        if self.id is None:
            raise ValueError(f"{action}() needs id")
        if self.external_id is not None:
            return path("sobjects", object_type, self.external_id, self.id)
        return path("sobjects", object_type, self.id)

    def _body(
        self,
        action: str,
        method: str,
        target: str,
        fields: Any,
        binary: Optional[Binary],
        idempotent: bool = False,
    ) -> Request:
        fields = require_mapping(fields, "fields")
        if binary is None:
            return Request.build(method, target, json=dict(fields), idempotent=idempotent)
        if self.binary_field is None:
            raise ValueError(f"{action}() with binary= needs binary_field (e.g. 'Body')")
        content, content_type = multipart_body(
            self._type(action), fields, self.binary_field, binary
        )
        return Request.build(
            method, target, data=content, content_type=content_type, idempotent=idempotent
        )

    def insert_request(self, fields: Mapping[str, Any], binary: Optional[Binary] = None) -> Request:
        """The request :meth:`insert` sends."""
        if self.id is not None or self.external_id is not None:
            raise ValueError("insert() creates a record: do not pass id or external_id")
        target = path("sobjects", self._type("insert")) + "/"
        return self._body("insert", "POST", target, fields, binary)

    def update_request(self, fields: Mapping[str, Any], binary: Optional[Binary] = None) -> Request:
        """The request :meth:`update` sends."""
        if self.external_id is not None:
            raise ValueError("update() takes a record id; use upsert() with an external id")
        # Setting the same values twice leaves the record as once: safe to retry.
        return self._body(
            "update", "PATCH", self._record_path("update"), fields, binary, idempotent=True
        )

    def upsert_request(self, fields: Mapping[str, Any]) -> Request:
        """The request :meth:`upsert` sends."""
        if self.external_id is None:
            raise ValueError("upsert() needs external_id (the field) and id (its value)")
        # A replay finds the record the first attempt created and updates it: no duplicate.
        return self._body(
            "upsert", "PATCH", self._record_path("upsert"), fields, None, idempotent=True
        )

    def delete_request(self) -> Request:
        """The request :meth:`delete` sends."""
        return Request.delete(self._record_path("delete"))

    def query_request(self, fields: Optional[Iterable[str]] = None) -> Request:
        """The request :meth:`query` sends."""
        target = self._record_path("query")
        if self.binary_field is not None:
            if self.external_id is not None:
                raise ValueError("a blob is read by record id, not by external id")
            if fields is not None:
                raise ValueError("fields cannot be combined with binary_field")
            return Request.get(target + "/" + segment(self.binary_field), raw=True)
        params = None
        if fields is not None:
            if isinstance(fields, str):
                raise TypeError("fields must be a list of field names, not a string")
            names = [api_name(f, "fields") for f in fields]
            params = {"fields": ",".join(names)}
        return Request.get(target, params=params)

    def _object_path(self, action: str) -> str:
        """``sobjects/{object_type}/`` for actions on the object as a whole (not on a record)."""
        if self.id is not None or self.external_id is not None:
            raise ValueError(
                f"{action}() reads the object, not a record: do not pass id or external_id"
            )
        return path("sobjects", self._type(action)) + "/"

    def basic_info_request(self) -> Request:
        """The request :meth:`basic_info` sends."""
        return Request.get(self._object_path("basic_info"))

    def _range_request(self, action: str, start: Any, end: Any) -> Request:
        target = self._object_path(action) + action + "/"
        start_text = _replication_datetime(start, "start")
        end_text = _replication_datetime(end, "end")
        if start >= end:
            raise ValueError(f"{action}(): start ({start_text}) must be before end ({end_text})")
        return Request.get(target, params=[("start", start_text), ("end", end_text)])

    def updated_request(self, start: dt.datetime, end: dt.datetime) -> Request:
        """The request :meth:`updated` sends."""
        return self._range_request("updated", start, end)

    def deleted_request(self, start: dt.datetime, end: dt.datetime) -> Request:
        """The request :meth:`deleted` sends."""
        return self._range_request("deleted", start, end)

    def describe_request(self, if_modified_since: Optional[dt.datetime] = None) -> Request:
        """The request :meth:`describe` sends."""
        target = path("sobjects", self._type("describe"), "describe") + "/"
        return Request.get(target, headers=_if_modified_since(if_modified_since))

    @staticmethod
    def describe_global_request(if_modified_since: Optional[dt.datetime] = None) -> Request:
        """The request :meth:`describe_global` sends."""
        return Request.get("sobjects/", headers=_if_modified_since(if_modified_since))

    # -- actions -----------------------------------------------------------------------------

    def insert(
        self,
        fields: Mapping[str, Any],
        binary: Optional[Binary] = None,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``POST /services/data/vXX.X/sobjects/{object_type}/`` — create a record.

        Args:
            fields: field values, e.g. ``{"Name": "Acme"}``.
            binary: ``(filename, content, content_type)`` to upload into ``binary_field``; the
                request is then ``multipart/form-data``.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``({"id": ..., "success": True, "errors": []}, request)``; status 201.
        """
        return self._client._send(
            self.insert_request(fields, binary), timeout=timeout, proxies=proxies, version=version
        )

    def update(
        self,
        fields: Mapping[str, Any],
        binary: Optional[Binary] = None,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``PATCH /services/data/vXX.X/sobjects/{object_type}/{id}`` — update a record.

        Args:
            fields: the fields to change (``None`` clears a field).
            binary: a new file for ``binary_field`` (multipart request).
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``(None, request)``; status 204.
        """
        return self._client._send(
            self.update_request(fields, binary), timeout=timeout, proxies=proxies, version=version
        )

    def upsert(
        self,
        fields: Mapping[str, Any],
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``PATCH /services/data/vXX.X/sobjects/{object_type}/{external_id}/{id}`` — upsert.

        ``id`` is the external id value; it is URL-quoted as one path segment. Leave the external
        id field out of ``fields``.

        Args:
            fields: field values.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``(body, request)``: 201 when a record was created, 200 (API 46.0+, with
            ``"created": false``) or 204 (older versions, no body) when one was updated, 300 when
            the value matched several records
            (see :class:`~salesforcepy.exceptions.MultipleChoices`).
        """
        return self._client._send(
            self.upsert_request(fields), timeout=timeout, proxies=proxies, version=version
        )

    def delete(
        self,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``DELETE /services/data/vXX.X/sobjects/{object_type}/{id}`` — delete a record.

        With ``external_id``, deletes by external id
        (``DELETE .../sobjects/{object_type}/{external_id}/{id}``).

        Returns:
            ``(None, request)``; status 204.
        """
        return self._client._send(
            self.delete_request(), timeout=timeout, proxies=proxies, version=version
        )

    def query(
        self,
        fields: Optional[Iterable[str]] = None,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/sobjects/{object_type}/{id}`` — read one record.

        With ``external_id``: ``GET .../sobjects/{object_type}/{external_id}/{id}``. With
        ``binary_field``: ``GET .../sobjects/{object_type}/{id}/{binary_field}``, returning the
        blob itself as ``bytes`` (the row's blob field only holds the URL of that resource).

        Args:
            fields: only these fields (``?fields=``); all readable fields by default.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``(row, request)``, or ``(bytes, request)`` with ``binary_field``.
        """
        return self._client._send(
            self.query_request(fields), timeout=timeout, proxies=proxies, version=version
        )

    def basic_info(
        self,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/sobjects/{object_type}/`` — basic object information.

        Args:
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``({"objectDescribe": {...}, "recentItems": [...]}, request)``: the object's entry of
            :meth:`describe_global` and the records the user viewed or changed most recently.

        Raises:
            ValueError: no ``object_type``, or an ``id``/``external_id`` on the builder.
        """
        return self._client._send(
            self.basic_info_request(), timeout=timeout, proxies=proxies, version=version
        )

    def updated(
        self,
        start: dt.datetime,
        end: dt.datetime,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/sobjects/{object_type}/updated/?start=&end=`` — ids changed.

        The ids of records created or changed (by ``SystemModstamp``) between ``start`` and
        ``end``, deleted ones left out. Salesforce ignores the seconds of both, looks back at most
        30 days and answers ``EXCEEDED_ID_LIMIT`` past 600,000 ids. For incremental extraction,
        start the next window at ``latestDateCovered``.

        Args:
            start: timezone-aware start of the window; sent in UTC
                (``2026-01-01T00:00:00+00:00``).
            end: timezone-aware end of the window, after ``start``.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``({"ids": [...], "latestDateCovered": "...+0000"}, request)``.

        Raises:
            TypeError: ``start`` or ``end`` is not a ``datetime``.
            ValueError: a naive ``start``/``end``, ``start`` not before ``end``, no
                ``object_type``, or an ``id``/``external_id`` on the builder.
        """
        return self._client._send(
            self.updated_request(start, end), timeout=timeout, proxies=proxies, version=version
        )

    def deleted(
        self,
        start: dt.datetime,
        end: dt.datetime,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/sobjects/{object_type}/deleted/?start=&end=`` — deletions.

        The records deleted between ``start`` and ``end``. Salesforce ignores the seconds of both
        and looks back at most 15 days (less if the Recycle Bin was emptied:
        ``earliestDateAvailable`` says how far).

        Args:
            start: timezone-aware start of the window; sent in UTC
                (``2026-01-01T00:00:00+00:00``).
            end: timezone-aware end of the window, after ``start``.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``(body, request)``; ``body`` holds ``deletedRecords`` (``[{"id", "deletedDate"}]``),
            ``earliestDateAvailable`` and ``latestDateCovered``.

        Raises:
            TypeError: ``start`` or ``end`` is not a ``datetime``.
            ValueError: a naive ``start``/``end``, ``start`` not before ``end``, no
                ``object_type``, or an ``id``/``external_id`` on the builder.
        """
        return self._client._send(
            self.deleted_request(start, end), timeout=timeout, proxies=proxies, version=version
        )

    def describe(
        self,
        if_modified_since: Optional[dt.datetime] = None,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/sobjects/{object_type}/describe/`` — object metadata.

        Args:
            if_modified_since: a timezone-aware datetime; sent as ``If-Modified-Since`` (an
                HTTP-date in GMT, whole seconds). If the metadata has not changed since,
                Salesforce answers ``304 Not Modified`` with no body.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``(describe, request)`` with ``fields``, ``childRelationships``, ``recordTypeInfos``...;
            ``(None, request)`` with ``request.status == 304`` and no exceptions when not modified.

        Raises:
            TypeError, ValueError: ``if_modified_since`` is not an aware datetime.
        """
        return self._client._send(
            self.describe_request(if_modified_since),
            timeout=timeout,
            proxies=proxies,
            version=version,
        )

    def describe_global(
        self,
        if_modified_since: Optional[dt.datetime] = None,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/sobjects/`` — every object of the org.

        Args:
            if_modified_since: as for :meth:`describe`; ``304`` when no object changed since.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``({"encoding", "maxBatchSize", "sobjects": [...]}, request)``; ``(None, request)``
            with status 304 when not modified.
        """
        return self._client._send(
            self.describe_global_request(if_modified_since),
            timeout=timeout,
            proxies=proxies,
            version=version,
        )
