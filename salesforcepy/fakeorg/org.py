"""``FakeOrg``: a running fake org (store, server thread, credentials, control surface).

``OrgState`` is what request handlers see as ``ctx.org``: the store, sessions, users and connected
apps, faults, statistics, API usage and per-family extension state. ``FakeOrg`` owns an
``OrgState``, the HTTP(S) server and its thread, and offers the Python control interface.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from .auth import (
    ConnectedApp,
    Directory,
    SessionStore,
    UserCredentials,
    random_app,
    random_password,
    random_security_token,
)
from .errors import SalesforceError, not_found
from .faults import Fault, FaultSet

if TYPE_CHECKING:
    from .api import Routes
    from .bulk.settings import BulkSettings
    from .schema import FieldDef, ObjectDef
    from .server import Application, HttpServer, Stats
    from .store import Store
    from .tls import TlsMaterial

logger = logging.getLogger(__name__)

T = TypeVar("T")

MIN_VERSION = 31
MAX_VERSION = 66
DEFAULT_API_LIMIT = 100_000
ADMIN_USERNAME = "admin@fakeorg.test"


def version_label(version: str) -> str:
    """Release name of an API version: v20.0 is Winter '11, then Spring, Summer, Winter, ..."""
    major = int(float(version))
    season = ("Winter", "Spring", "Summer")[(major - 20) % 3]
    return f"{season} '{11 + (major - 20) // 3:02d}"


def default_versions(low: int = MIN_VERSION, high: int = MAX_VERSION) -> tuple[str, ...]:
    return tuple(f"{major}.0" for major in range(low, high + 1))


class OrgClock:
    """The org's clock: real UTC time, optionally shifted or frozen by tests.

    Every timestamp the store writes (CreatedDate, SystemModstamp, deleted dates, ...) and SOQL date
    literals such as ``TODAY`` come from it.
    """

    def __init__(self) -> None:
        self._offset = dt.timedelta()
        self._frozen: dt.datetime | None = None
        self._lock = threading.Lock()

    def __call__(self) -> dt.datetime:
        frozen = self._frozen
        if frozen is not None:
            return frozen
        return dt.datetime.now(dt.timezone.utc) + self._offset

    def set(self, when: dt.datetime, *, frozen: bool = False) -> None:
        """Make the clock read ``when`` now (and keep running unless ``frozen``)."""
        if when.tzinfo is None:
            raise ValueError("the org clock needs an aware datetime")
        with self._lock:
            if frozen:
                self._frozen = when.astimezone(dt.timezone.utc)
            else:
                self._frozen = None
                self._offset = when - dt.datetime.now(dt.timezone.utc)

    def advance(self, delta: dt.timedelta) -> None:
        """Move the clock forward (or back, with a negative delta)."""
        with self._lock:
            if self._frozen is not None:
                self._frozen += delta
            else:
                self._offset += delta

    def reset(self) -> None:
        """Back to real time."""
        with self._lock:
            self._frozen = None
            self._offset = dt.timedelta()


class OrgState:
    """Everything the request handlers of one org share."""

    def __init__(
        self,
        store: Store,
        *,
        stats: Stats,
        versions: Sequence[str] | None = None,
        api_limit: int = DEFAULT_API_LIMIT,
        clock: OrgClock | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.org_id: str = store.org_id
        self.admin_user_id: str = store.admin_user_id
        self.sessions = SessionStore(self.org_id)
        self.faults = FaultSet()
        self.stats_counter = stats
        self.versions: tuple[str, ...] = tuple(versions or default_versions())
        self._version_set = frozenset(self.versions)
        self.min_version = min(float(v) for v in self.versions)
        self.latest_version = max(self.versions, key=float)
        self.api_limit = api_limit
        self.enforce_api_limit = False
        # gzip response bodies of 1 KiB or more for clients that send Accept-Encoding: gzip.
        self.compress_responses = False
        self._api_used = 0
        self._api_lock = threading.Lock()
        self.instance_url = ""
        self.login_url = ""
        self.metadata_changed = self.now().replace(microsecond=0)
        self.app: Application | None = None
        # Set by the server: how many client connections are open right now.
        self.open_connections: Callable[[], int] = lambda: 0
        self._extensions: dict[str, Any] = {}
        self._closers: list[Callable[[], None]] = []
        # Re-entrant: a factory may ask for another family's state.
        self._ext_lock = threading.RLock()
        username = self._admin_username()
        self.admin = UserCredentials(
            username, self.admin_user_id, random_password(), random_security_token()
        )
        self.default_app: ConnectedApp = random_app()
        self.directory = Directory([self.admin], [self.default_app])

    def _admin_username(self) -> str:
        try:
            record = self.store.get(
                "User", self.admin_user_id, ["Username"], api_version=self.latest_version
            )
            return str(record.get("Username") or ADMIN_USERNAME)
        except SalesforceError:
            return ADMIN_USERNAME

    # ---- time, versions, usage -------------------------------------------------------------------

    def now(self) -> dt.datetime:
        return self.store.now()

    def check_version(self, version: str) -> None:
        """410 for retired versions (below the oldest supported), 404 for unknown ones."""
        if version in self._version_set:
            return
        if float(version) < self.min_version:
            raise SalesforceError(
                410,
                "UNSUPPORTED_API_VERSION",
                f"API version {version} has been retired and is no longer supported",
            )
        raise not_found()

    def count_api_call(self) -> int:
        """Count one API request; 403 ``REQUEST_LIMIT_EXCEEDED`` past the limit when enforced."""
        with self._api_lock:
            if self.enforce_api_limit and self._api_used >= self.api_limit:
                raise SalesforceError(
                    403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."
                )
            self._api_used += 1
            return self._api_used

    @property
    def api_used(self) -> int:
        return self._api_used

    def limit_info(self) -> str:
        return f"api-usage={self._api_used}/{self.api_limit}"

    def metadata_changed_now(self) -> None:
        """Note that object metadata changed (``If-Modified-Since`` on describe answers 200)."""
        self.metadata_changed = self.now().replace(microsecond=0)

    # ---- users -----------------------------------------------------------------------------------

    def identity_url(self, user_id: str) -> str:
        return f"{self.login_url}/id/{self.org_id}/{user_id}"

    def user_record(self, user_id: str) -> dict[str, Any]:
        """The User record (all fields) of ``user_id``; an empty dict if the store has none."""
        try:
            return dict(self.store.get("User", user_id, None, api_version=self.latest_version))
        except SalesforceError:
            return {}

    # ---- extension state -------------------------------------------------------------------------

    def extension(self, name: str, factory: Callable[[OrgState], T]) -> T:
        """Per-org state of an API family, created by ``factory(org)`` on first use."""
        value = self._extensions.get(name)
        if value is None:
            with self._ext_lock:
                value = self._extensions.get(name)
                if value is None:
                    value = factory(self)
                    self._extensions[name] = value
        return value

    def on_close(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the org stops (stop worker threads, close files)."""
        self._closers.append(callback)

    def close(self) -> None:
        for callback in reversed(self._closers):
            try:
                callback()
            except Exception:
                logger.exception("error while closing the fake org")
        self._closers.clear()

    # ---- control ---------------------------------------------------------------------------------

    def inject_fault(self, **kwargs: Any) -> Fault:
        return self.faults.add(Fault.build(**kwargs))

    def stats(self) -> dict[str, Any]:
        snapshot = self.stats_counter.snapshot()
        snapshot["open_connections"] = self.open_connections()
        snapshot["faults_fired"] = self.faults.fired
        snapshot["api_usage"] = self._api_used
        return snapshot


class FakeOrg:
    """A local Salesforce org on a free loopback port, served from a background thread.

    Use it as a context manager::

        import salesforcepy
        from salesforcepy.fakeorg import FakeOrg

        with FakeOrg(seed="demo") as org:
            client = salesforcepy.client(**org.credentials)

    Args:
        tls: serve HTTPS with a throwaway CA (``ca_bundle`` is its PEM file).
        db: SQLite file path; ``None`` keeps the database in memory.
        seed: ``"demo"`` loads the demo dataset; a callable is called with the store.
        host: address to bind (loopback by default; a wildcard address is advertised as 127.0.0.1).
        port: port to bind; 0 picks a free one.
        versions: the API versions to serve (default 31.0 to 66.0).
        families: the API families (``Routes``) to serve; default: every module of ``fakeorg.api``.
        compress: gzip responses of 1 KiB or more for clients that accept it (as Salesforce
            does; off by default because benchmarks should not pay for it).
        bulk: pace and limits of bulk jobs (``BulkSettings.fast()`` for tests); see :attr:`bulk`.
    """

    def __init__(
        self,
        tls: bool = False,
        db: str | None = None,
        seed: str | Callable[[Store], Any] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        versions: Sequence[str] | None = None,
        families: Iterable[Routes] | None = None,
        compress: bool = False,
        bulk: BulkSettings | None = None,
    ) -> None:
        if seed is not None and seed != "demo" and not callable(seed):
            raise ValueError(f"unknown seed {seed!r}: use 'demo' or a callable taking the store")
        self.tls = tls
        self.db = db
        self.seed = seed
        self.host = host
        self.port = port
        self.clock = OrgClock()
        self._versions = versions
        self._families = families
        self._compress = compress
        self._bulk = bulk
        self._state: OrgState | None = None
        self._server: HttpServer | None = None
        self._thread: threading.Thread | None = None
        self._tls: TlsMaterial | None = None

    def __repr__(self) -> str:
        where = self.instance_url if self._state else "stopped"
        return f"<FakeOrg {where}>"

    # ---- lifecycle -------------------------------------------------------------------------------

    def start(self) -> FakeOrg:
        """Create the store, seed it, bind the socket and start serving."""
        if self._server is not None:
            raise RuntimeError("this fake org is already running")
        from .server import Application, HttpServer, Stats
        from .store import Store

        store = Store(self.db, clock=self.clock)
        try:
            if self.seed == "demo":
                from .seed import load_demo  # type: ignore[import-not-found, unused-ignore]

                load_demo(store)
            elif callable(self.seed):
                self.seed(store)
            stats = Stats()
            state = OrgState(store, stats=stats, versions=self._versions, clock=self.clock)
            state.compress_responses = self._compress
            state.extension("bulk.settings", lambda _state: self.bulk)
            app = Application(state, self._families)
            ssl_context = None
            if self.tls:
                from .tls import make_tls

                self._tls = make_tls([self.host])
                ssl_context = self._tls.context
            server = HttpServer((self.host, self.port), app, stats, ssl_context)
        except BaseException:
            if self._tls is not None:
                self._tls.cleanup()
                self._tls = None
            _close_store(store)
            raise
        host = self.host
        if host in ("0.0.0.0", "::", ""):  # noqa: S104 - comparing, not binding
            host = "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        base = f"{server.scheme}://{host}:{server.port}"
        state.instance_url = base
        state.login_url = base
        state.open_connections = server.open_connections
        self._state = state
        self._server = server
        self._thread = threading.Thread(target=server.serve, name="fakeorg-server", daemon=True)
        self._thread.start()
        logger.info("fake org serving at %s", base)
        return self

    def stop(self) -> None:
        """Stop serving, close connections and the store, and delete the TLS files."""
        server, state = self._server, self._state
        if server is None or state is None:
            return
        state.faults.stopping.set()
        server.stop()
        if self._thread is not None:
            self._thread.join(5)
        state.close()
        _close_store(state.store)
        if self._tls is not None:
            self._tls.cleanup()
        self._server = None
        self._thread = None
        self._tls = None

    def __enter__(self) -> FakeOrg:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def bulk(self) -> BulkSettings:
        """The live pace and limits of bulk jobs; change them at any time
        (``org.bulk.rows_per_second = None`` makes running jobs finish as fast as possible)."""
        if self._bulk is None:
            from .bulk.settings import BulkSettings

            self._bulk = BulkSettings()
        return self._bulk

    # ---- what a client needs ---------------------------------------------------------------------

    @property
    def state(self) -> OrgState:
        if self._state is None:
            raise RuntimeError(
                "the fake org is not running: use it as a context manager or call start()"
            )
        return self._state

    @property
    def store(self) -> Store:
        return self.state.store

    @property
    def org_id(self) -> str:
        return self.state.org_id

    @property
    def instance_url(self) -> str:
        return self.state.instance_url

    @property
    def login_url(self) -> str:
        return self.state.login_url

    @property
    def ca_bundle(self) -> str | None:
        """The PEM file of the throwaway CA (``None`` without TLS)."""
        return self._tls.ca_bundle if self._tls else None

    @property
    def username(self) -> str:
        return self.state.admin.username

    @property
    def password(self) -> str:
        return self.state.admin.password

    @property
    def security_token(self) -> str:
        return self.state.admin.security_token

    @property
    def client_id(self) -> str:
        return self.state.default_app.client_id

    @property
    def client_secret(self) -> str:
        return self.state.default_app.client_secret

    @property
    def credentials(self) -> dict[str, Any]:
        """Keyword arguments for ``salesforcepy.client(**org.credentials)``."""
        creds: dict[str, Any] = {
            "username": self.username,
            "password": self.password,
            "security_token": self.security_token,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "login_url": self.login_url,
        }
        if self._tls is not None:
            creds["verify"] = self._tls.ca_bundle
        return creds

    # ---- control ---------------------------------------------------------------------------------

    def inject_fault(
        self,
        path: str = ".*",
        method: str | None = None,
        status: int | None = None,
        error_code: str | None = None,
        times: int | None = 1,
        delay: float | None = None,
        reset: bool = False,
        after_commit: bool = False,
        headers: Mapping[str, str] | None = None,
        *,
        message: str | None = None,
        truncate: bool | float = False,
    ) -> int:
        """Make the next ``times`` requests whose path matches the regex ``path`` misbehave.

        Args:
            path: regular expression searched in the URL path (``/services/data/v58.0/query``).
            method: only requests with this HTTP method.
            status: answer with this status and a Salesforce error array (``error_code`` or a
                default code for the status) instead of the real response.
            error_code: the ``errorCode`` of that answer (the status follows from it if not given).
            times: how many matching requests the fault hits; ``None`` for all of them.
            delay: sleep this many seconds first (a slow response).
            reset: drop the connection (TCP reset) instead of answering.
            after_commit: apply the operation first, then misbehave (the change is stored but the
                client sees the error, the delay or the dropped connection).
            headers: extra response headers (e.g. ``{"Retry-After": "2"}``).
            message: the error message (a default per code otherwise).
            truncate: send the response headers and only part of the body, then close
                (``True`` keeps half; a float keeps that fraction).

        Returns:
            The fault's id.
        """
        fault = self.state.inject_fault(
            path=path,
            method=method,
            status=status,
            error_code=error_code,
            times=times,
            delay=delay,
            reset=reset,
            after_commit=after_commit,
            headers=headers,
            message=message,
            truncate=truncate,
        )
        return fault.id

    def clear_faults(self) -> None:
        """Forget every pending fault."""
        self.state.faults.clear()

    def expire_sessions(self) -> int:
        """End every access token now (refresh tokens stay valid); returns how many ended."""
        return self.state.sessions.expire_all()

    # ---- OAuth flows (see fakeorg/api/oauth_flows.py) ------------------------------------------

    @property
    def generic_login_url(self) -> str:
        """The same server under another host name, standing for login.salesforce.com.

        The org's My Domain is the instance URL's host; requests arriving as ``localhost`` (or
        as ``127.0.0.1`` when the org itself is served as ``localhost``) get generic login host
        rules: the client-credentials flow is refused there, as Salesforce does.
        """
        parts = urlsplit(self.instance_url)
        other = "127.0.0.1" if parts.hostname == "localhost" else "localhost"
        return f"{parts.scheme}://{other}:{parts.port}"

    def _jwt_keys(self) -> Any:
        from .grants import JwtKeys

        return self.state.extension("jwt_keys", JwtKeys)

    @property
    def jwt_private_key_path(self) -> str:
        """The PEM file of the RSA private key whose certificate the org trusts for JWT bearer
        logins (made on first use; deleted when the org stops)."""
        return str(self._jwt_keys().private_key_path)

    @property
    def jwt_certificate_path(self) -> str:
        """The PEM file of the self-signed certificate JWT assertions are verified against."""
        return str(self._jwt_keys().certificate_path)

    def _device_flows(self) -> Any:
        from .grants import DeviceFlows

        return self.state.extension("device_flows", DeviceFlows)

    def configure_device_flow(
        self,
        *,
        interval: float | None = None,
        lifetime: float | None = None,
        approve_after: Any = ...,
    ) -> None:
        """Change the device flow's settings (tests use a short ``interval`` to run fast).

        Args:
            interval: seconds between polls the org asks for (default 5).
            lifetime: seconds a device code stays valid (default 600).
            approve_after: polls answered ``authorization_pending`` before the code is approved
                as the admin (default 2); ``None`` waits for :meth:`approve_device_code`.
        """
        flows = self._device_flows()
        if interval is not None:
            if not interval > 0:
                raise ValueError("interval must be positive")
            flows.interval = float(interval)
        if lifetime is not None:
            if not lifetime > 0:
                raise ValueError("lifetime must be positive")
            flows.lifetime = float(lifetime)
        if approve_after is not ...:
            if approve_after is not None and (
                not isinstance(approve_after, int) or approve_after < 0
            ):
                raise ValueError("approve_after must be a number of polls or None")
            flows.approve_after = approve_after

    def deny_device_code(self, user_code: str) -> None:
        """The person refuses the device code ``user_code``: the next poll gets ``access_denied``.

        Raises:
            LookupError: no pending device code has this user code.
        """
        self._device_flows().deny(user_code)

    def approve_device_code(self, user_code: str, username: str | None = None) -> None:
        """The person approves ``user_code`` now, as ``username`` (default: the admin).

        Raises:
            LookupError: unknown user code or username.
        """
        user_id = self.state.admin_user_id
        if username is not None:
            user = self.state.directory.user(username)
            if user is None:
                raise LookupError(f"no user {username!r}")
            user_id = user.user_id
        self._device_flows().approve(user_code, user_id)

    def issue_refresh_token(self, username: str | None = None) -> str:
        """A new refresh token for ``username`` (default: the admin) and the default app, as if
        that user had approved the app in a device or web-server flow."""
        user_id = self.state.admin_user_id
        if username is not None:
            user = self.state.directory.user(username)
            if user is None:
                raise LookupError(f"no user {username!r}")
            user_id = user.user_id
        return self.state.sessions.issue_refresh_token(user_id, self.client_id).token

    def stats(self) -> dict[str, Any]:
        """Requests and connections per endpoint and in total, open connections, faults fired and
        API usage."""
        return self.state.stats()

    def reset_stats(self) -> None:
        """Zero the request and connection counters."""
        self.state.stats_counter.reset()

    def add_user(
        self,
        username: str,
        *,
        last_name: str,
        password: str | None = None,
        security_token: str | None = None,
        **fields: Any,
    ) -> UserCredentials:
        """Create an active user (``Store.add_user``) who can log in; returns their credentials.

        ``password`` and ``security_token`` are generated when not given; ``fields`` go to the
        store (``first_name``, ``email``, ``profile`` or User field values).
        """
        user_id = self.store.add_user(username, last_name=last_name, **fields)
        credentials = UserCredentials(
            username,
            user_id,
            password if password is not None else random_password(),
            security_token if security_token is not None else random_security_token(),
        )
        self.state.directory.add_user(credentials)
        return credentials

    def define_object(self, name: str, fields: Sequence[FieldDef] = (), **kwargs: Any) -> ObjectDef:
        """Create a custom object in the store (see ``Store.define_object``)."""
        obj = self.store.define_object(name, fields, **kwargs)
        self.state.metadata_changed_now()
        return obj

    def define_field(self, object_name: str, field: FieldDef) -> FieldDef:
        """Add a field to an object (see ``Store.define_field``)."""
        result = self.store.define_field(object_name, field)
        self.state.metadata_changed_now()
        return result

    # ---- Apex REST, approvals, Wave and Einstein definitions -------------------------------------

    def apex_rest(
        self,
        url_mapping: str,
        handler: Callable[[Any], Any],
        methods: Iterable[str] = ("GET", "POST", "PUT", "PATCH", "DELETE"),
    ) -> None:
        """Serve ``handler`` at ``/services/apexrest{url_mapping}`` (``"/Orders/*"``).

        ``handler`` gets an :class:`~salesforcepy.fakeorg.apex.ApexRestRequest` and returns a
        JSON-serializable value (200), ``None`` (200, no body), or an
        :class:`~salesforcepy.fakeorg.apex.ApexRestResponse`; an exception becomes 500
        ``APEX_ERROR``. A later registration of the same mapping replaces the earlier one.
        """
        from .api.apex import apex_rest_routes

        apex_rest_routes(self.state).register(url_mapping, handler, methods)

    def define_approval_process(self, name: str, object_name: str, **settings: Any) -> str:
        """Define an approval process (see ``fakeorg.approvals.ApprovalProcess`` for the
        settings: ``approvers``, ``entry_criteria``, ``steps``, ``label``, ...); returns the
        ``ProcessDefinition`` id."""
        from .approvals import ApprovalProcess, define_process

        return define_process(self.store, ApprovalProcess(name, object_name, **settings))

    def define_dataset(
        self,
        name: str,
        object_name: str,
        fields: Sequence[str],
        *,
        label: str | None = None,
        dataset_id: str | None = None,
        version_id: str | None = None,
    ) -> tuple[str, str]:
        """Define a CRM Analytics dataset over ``object_name`` with ``fields`` (dotted paths such
        as ``Account.Industry``); returns its ``(datasetId, versionId)``."""
        from .api.wave import define_dataset
        from .wave import DatasetDefinition

        definition = DatasetDefinition(name, label or name, object_name, tuple(fields))
        stored = define_dataset(
            self.store, definition, dataset_id=dataset_id, version_id=version_id
        )
        return stored.dataset_id, stored.version_id

    def define_prompt_template(self, name: str, template: str) -> None:
        """Define (or replace) an Einstein prompt template; ``{!$Input:Name}`` and
        ``{!$Input:Name.Field}`` merge fields are filled from the request's ``valueMap``."""
        from .api.einstein import define_prompt_template

        define_prompt_template(self.store, name, template)


def _close_store(store: Any) -> None:
    close = getattr(store, "close", None)
    if callable(close):
        close()
