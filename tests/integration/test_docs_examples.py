"""Every Python example of the documentation runs as written against a fake org.

Pages: README.rst and every page under docs/. Each page gets its own ``FakeOrg(seed="demo")``
and one namespace in which its ``.. code-block:: python`` blocks run in order, so a block can use
the names an earlier block of the page made. The namespace starts with the names the pages take
as given — the reader's own org, here the fake one:

``sf``
    a client logged in to the page's fake org;
``org``
    the page's :class:`~salesforcepy.fakeorg.FakeOrg`;
``credentials`` and its keys (``username``, ``password``, ``security_token``, ``client_id``,
``client_secret``, ``login_url``)
    the fake org's credentials;
``account_id``, ``contact_id``
    a demo Account and one of its Contacts.

Its working directory holds the files the pages open (:data:`FILES`).

A page shows a real org's credentials and URLs; they are replaced before the block runs, in the
parsed code, by two rules only:

- the string literals of :data:`REAL_VALUES` (``"dev@example.com"``, ``"login.salesforce.com"``,
  ...) become the name of the fake org's value;
- in a call of ``client(...)``, the placeholder arguments ``...`` and ``name=...`` (``client(...,
  strict=True)``) become ``**credentials``; a call without them and without ``login_url=``
  (whose default is login.salesforce.com) gets ``login_url=login_url``.

A ``def test_...(fake_org)`` block is also called, with a fake org made from its
``@pytest.mark.fake_org(...)`` options, as pytest would.

The API reference (docs/api.rst) renders docstrings: their ``::`` literal blocks that parse as
Python run too, one object at a time, in the namespace of the object's module plus the names
above.

A block that cannot run offline is preceded by the RST comment ``.. example-skip: <why>``; a page
may not skip more blocks than it runs. Python examples must be ``.. code-block:: python``: a
bare ``::`` literal block is neither highlighted as what it is nor run, so pages may not have any.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import logging
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

import salesforcepy
from salesforcepy.fakeorg import FakeOrg
from salesforcepy.fakeorg.bulk import BulkSettings
from salesforcepy.fakeorg.seed import WELL_KNOWN

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.rst", *sorted((ROOT / "docs").rglob("*.rst"))]
PAGES = [page for page in PAGES if "_build" not in page.parts]

#: The real-org values the pages show, and the namespace name of the fake org's value.
REAL_VALUES = {
    "dev@example.com": "username",
    "hunter2": "password",
    "AbC123Tok": "security_token",
    "3MVG9...": "client_id",
    "consumer-key": "client_id",
    "1955...": "client_secret",
    "consumer-secret": "client_secret",
    "login.salesforce.com": "login_url",
}

#: The files the pages open, in the examples' working directory.
FILES: dict[str, bytes] = {
    "accounts.csv": b"Name,Industry\r\nAcme,Banking\r\nGlobex,Energy\r\n",
    "accounts-by-key.csv": b"External_Id__c|Name|Industry\nEXT-90001|Initech|Technology\n",
    "logo.png": bytes.fromhex("89504e470d0a1a0a") + b"not really a PNG",
}

SKIP = re.compile(r"^\s*\.\. example-skip:\s*(\S.*)$")
_DIRECTIVE = re.compile(r"^(\s*)\.\. code-block::\s*(\S+)\s*$")
_BARE_LITERAL = re.compile(r"::\s*$")


class Block(NamedTuple):
    page: Path
    line: int  # 1-based line of the first line of code
    code: str
    skip: str | None  # the reason, for a block marked ``.. example-skip:``


def blocks(page: Path, language: str = "python") -> list[Block]:
    """The ``.. code-block:: <language>`` blocks of ``page``, in order."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found = []
    for number, line in enumerate(lines):
        match = _DIRECTIVE.match(line)
        if not match or match.group(2) != language:
            continue
        indent = len(match.group(1))
        start = number + 1
        while start < len(lines) and lines[start].strip().startswith(":"):
            start += 1  # directive options
        end = start
        while end < len(lines) and (
            not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
        ):
            end += 1
        while start < end and not lines[start].strip():
            start += 1
        body = textwrap.dedent("\n".join(lines[start:end])).strip("\n") + "\n"
        before = [text for text in lines[:number] if text.strip()]
        skip = SKIP.match(before[-1]) if before else None
        found.append(Block(page, start + 1, body, skip.group(1) if skip else None))
    return found


def bare_literal_blocks(page: Path) -> list[int]:
    """Lines of ``page`` that start a literal block with ``::`` rather than a directive."""
    return [
        number
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1)
        if _BARE_LITERAL.search(line) and not line.lstrip().startswith((".. ", ":"))
    ]


class _FakeOrgValues(ast.NodeTransformer):
    """The two substitution rules of the module docstring."""

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, str) and node.value in REAL_VALUES:
            return ast.copy_location(ast.Name(REAL_VALUES[node.value], ast.Load()), node)
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name != "client":
            return node
        args = [a for a in node.args if not _is_ellipsis(a)]
        keywords = [k for k in node.keywords if not _is_ellipsis(k.value)]
        if len(args) < len(node.args) or len(keywords) < len(node.keywords):
            keywords.append(ast.keyword(None, ast.Name("credentials", ast.Load())))
        elif not any(k.arg in (None, "login_url") for k in keywords):
            keywords.append(ast.keyword("login_url", ast.Name("login_url", ast.Load())))
        node.args, node.keywords = args, keywords
        return node


def _is_ellipsis(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is Ellipsis


def compile_block(block: Block) -> Any:
    tree = ast.parse(block.code, str(block.page))
    ast.increment_lineno(tree, block.line - 1)
    tree = ast.fix_missing_locations(_FakeOrgValues().visit(tree))
    return compile(tree, str(block.page), "exec")


def run_tests_defined(namespace: dict[str, Any], code: Any) -> None:
    """Call the ``test_*(fake_org)`` functions the block just defined, as pytest would."""
    for name, function in list(namespace.items()):
        if not (name.startswith("test_") and getattr(function, "__code__", None) is not None):
            continue
        if function.__code__.co_filename != code.co_filename or not any(
            const is function.__code__ for const in code.co_consts
        ):
            continue
        marks = [m for m in getattr(function, "pytestmark", []) if m.name == "fake_org"]
        options = dict(marks[0].kwargs) if marks else {}
        assert list(inspect.signature(function).parameters) == ["fake_org"], name
        with FakeOrg(**options) as fake_org:
            function(fake_org)


@pytest.fixture
def given() -> Iterator[dict[str, Any]]:
    """The names the pages take as given (see the module docstring), on a new demo org."""
    with FakeOrg(seed="demo", bulk=BulkSettings.fast()) as org:
        sf = salesforcepy.client(**org.credentials)
        sf.login()[1].raise_for_status()
        credentials = org.credentials
        account_id = WELL_KNOWN["account_query"]
        contacts = org.store.execute(
            "SELECT Id FROM Contact WHERE AccountId = ? LIMIT 1", (account_id,)
        )
        yield {
            "__name__": "docs_example",
            "org": org,
            "sf": sf,
            "credentials": credentials,
            **credentials,
            "account_id": account_id,
            "contact_id": contacts[0][0],
        }
        sf.close()


def write_files(directory: Path) -> None:
    for name, content in FILES.items():
        (directory / name).write_bytes(content)


def _page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_examples_run(
    page: Path, given: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_files(tmp_path)
    monkeypatch.chdir(tmp_path)
    logger = logging.getLogger("salesforcepy")  # the logging guide turns DEBUG on
    monkeypatch.setattr(logger, "level", logger.level)
    monkeypatch.setattr(logging.root, "handlers", list(logging.root.handlers))
    namespace = dict(given)
    for block in blocks(page):
        if block.skip:
            continue
        code = compile_block(block)
        try:
            exec(code, namespace)  # noqa: S102 - our own docs
            run_tests_defined(namespace, code)
        except BaseException as exc:
            raise AssertionError(
                f"{_page_id(page)}:{block.line}: the example fails: {exc!r}"
            ) from exc


_AUTODOC = re.compile(r"^\.\. auto(module|class|function):: (\S+)", re.MULTILINE)


def documented_objects() -> Iterator[tuple[str, Any, Any]]:
    """``(name, object, module)`` for every object docs/api.rst renders with autodoc."""
    for kind, target in _AUTODOC.findall((ROOT / "docs" / "api.rst").read_text(encoding="utf-8")):
        module_name, _, attribute = target.rpartition(".")
        if kind == "module":
            module = importlib.import_module(target)
            members = [(n, o) for n, o in vars(module).items() if _defined_in(o, module)]
            yield target, module, module
        else:
            module = importlib.import_module(module_name)
            members = [(attribute, getattr(module, attribute))]
        for name, member in members:
            yield f"{module.__name__}.{name}", member, module
            for method_name, method in vars(member).items() if inspect.isclass(member) else ():
                if inspect.isfunction(method) or isinstance(method, property):
                    yield f"{module.__name__}.{name}.{method_name}", method, module


def _defined_in(obj: Any, module: Any) -> bool:
    return (inspect.isclass(obj) or inspect.isfunction(obj)) and obj.__module__ == module.__name__


def docstring_examples(docstring: str) -> list[str]:
    """The literal blocks of ``docstring`` that are Python."""
    lines = inspect.cleandoc(docstring).splitlines()
    found = []
    for number, line in enumerate(lines):
        if not _BARE_LITERAL.search(line) or line.lstrip().startswith(".. "):
            continue
        indent = len(line) - len(line.lstrip())
        end = number + 1
        while end < len(lines) and (
            not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
        ):
            end += 1
        code = textwrap.dedent("\n".join(lines[number + 1 : end])).strip("\n") + "\n"
        try:
            ast.parse(code)
        except SyntaxError:
            continue  # a header, a tree, a log line
        found.append(code)
    return found


DOCSTRING_EXAMPLES = [
    (name, module, code)
    for name, obj, module in documented_objects()
    for code in docstring_examples(getattr(obj, "__doc__", None) or "")
]


def test_the_api_reference_has_examples() -> None:
    assert len(DOCSTRING_EXAMPLES) >= 4


@pytest.mark.parametrize(
    ("name", "module", "code"), DOCSTRING_EXAMPLES, ids=[e[0] for e in DOCSTRING_EXAMPLES]
)
def test_docstring_examples_run(name: str, module: Any, code: str, given: dict[str, Any]) -> None:
    namespace = {**vars(module), **given}
    tree = ast.fix_missing_locations(_FakeOrgValues().visit(ast.parse(code)))
    exec(compile(tree, f"<docstring of {name}>", "exec"), namespace)  # noqa: S102 - our own docs


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_a_page_skips_fewer_examples_than_it_runs(page: Path) -> None:
    found = blocks(page)
    skipped = [b for b in found if b.skip]
    assert len(skipped) <= len(found) - len(skipped), [f"line {b.line}: {b.skip}" for b in skipped]


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_examples_are_code_blocks(page: Path) -> None:
    assert bare_literal_blocks(page) == [], "use '.. code-block:: <language>' for these"


def test_the_authentication_guide_has_an_example_per_flow() -> None:
    code = "\n".join(b.code for b in blocks(ROOT / "docs" / "guides" / "authentication.rst"))
    for call in (
        "login()",
        "login_via_soap()",
        "login_via_refresh_token(",
        "login_via_client_credentials()",
        "login_via_jwt(",
        "login_via_device_flow(",
        "session_id=",
        "expire_sessions()",
    ):
        assert call in code, call


def test_blocks_reads_skips_options_and_nested_blocks(tmp_path: Path) -> None:
    page = tmp_path / "page.rst"
    page.write_text(
        "Title\n=====\n\n.. example-skip: shows a real login URL\n\n.. code-block:: python\n\n"
        "   x = 1\n\nText::\n\n   literal\n\n"
        "Term\n    .. code-block:: python\n       :caption: nested\n\n       y = 2\n\n"
        "       z = y\nAfter.\n",
        encoding="utf-8",
    )
    assert blocks(page) == [
        Block(page, 8, "x = 1\n", "shows a real login URL"),
        Block(page, 18, "y = 2\n\nz = y\n", None),
    ]
    assert bare_literal_blocks(page) == [10]


def test_real_values_and_placeholders_become_the_fake_orgs() -> None:
    code = (
        'client("dev@example.com", "hunter2", login_url="login.salesforce.com")\n'
        "salesforcepy.client(..., strict=True)\n"
        "client(username=..., password=...)\n"
        "client(username, password)\n"
        "client(**org.credentials)\n"
    )
    tree = ast.fix_missing_locations(_FakeOrgValues().visit(ast.parse(code)))
    assert ast.unparse(tree).splitlines() == [
        "client(username, password, login_url=login_url)",
        "salesforcepy.client(strict=True, **credentials)",
        "client(**credentials)",
        "client(username, password, login_url=login_url)",
        "client(**org.credentials)",
    ]
