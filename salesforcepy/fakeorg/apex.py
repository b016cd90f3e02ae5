"""Anonymous Apex for the fake org: a small scanner and statement checker, and Apex REST routes.

The fake org does not run Apex. ``execute_anonymous`` reads the source the way a compiler's front
end would, far enough to report the mistakes people make when they type Apex by hand:

* unterminated string literals and block comments, characters that cannot start a token;
* unbalanced or mismatched ``( ) [ ] { }``;
* a missing ``;`` between two statements (``System.debug('a') System.debug('b');``), found where
  two tokens meet that cannot follow each other inside one statement;
* a ``{`` that opens a block in the middle of an expression statement is accepted (methods, inner
  classes, ``switch``), so valid code is not rejected.

Each problem becomes ``compiled: false`` with the 1-based ``line`` and ``column`` of the offending
token. Code that passes is "run" only in this sense: the top-level statements (not those inside
blocks, which may be conditional) are looked at in order, and the first that is
``throw new SomeException(...)``, a division by the literal ``0`` or ``System.assert(false)``
ends the run with ``success: false`` and the exception Apex would report. Everything else is a
success: names, types and method calls are not checked.

Apex REST (``/services/apexrest/...``) routes are Python callables registered in an
:class:`ApexRestRoutes` table; the built-in ``Echo`` route answers every method with what it was
sent.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Optional

import attrs

from .json_input import parse_json

__all__ = [
    "AnonymousResult",
    "ApexRestRequest",
    "ApexRestResponse",
    "ApexRestRoutes",
    "CompileProblem",
    "Token",
    "echo",
    "execute_anonymous",
    "tokenize",
]

# ---- tokens --------------------------------------------------------------------------------------

IDENT = "ident"
NUMBER = "number"
STRING = "string"
PUNCT = "punct"
EOF = "eof"

_OPERATORS = sorted(
    [
        ">>>=",
        "<<=",
        ">>=",
        "===",
        "!==",
        "==",
        "!=",
        "<=",
        ">=",
        "&&",
        "||",
        "++",
        "--",
        "+=",
        "-=",
        "*=",
        "/=",
        "&=",
        "|=",
        "^=",
        "=>",
        "?.",
        "??",
        "<<",
    ],
    key=len,
    reverse=True,
)
_SINGLE = set("(){}[];,.=<>!~?:+-*/&|^%@")
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[lLdD]?")
_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {v: k for k, v in _OPENERS.items()}

# Keywords after which any operand may follow (they are not operands themselves).
_PREFIX_KEYWORDS = frozenset(
    {
        "return",
        "new",
        "throw",
        "insert",
        "update",
        "upsert",
        "delete",
        "undelete",
        "merge",
        "final",
        "static",
        "transient",
        "public",
        "private",
        "protected",
        "global",
        "virtual",
        "abstract",
        "override",
        "with",
        "without",
        "inherited",
        "sharing",
        "class",
        "interface",
        "enum",
        "extends",
        "implements",
        "instanceof",
        "on",
        "when",
        "as",
        "testmethod",
        "webservice",
    }
)
_LITERAL_WORDS = frozenset({"true", "false", "null"})
_CONTROL = frozenset({"if", "for", "while", "catch"})
_BLOCK_PREFIX = frozenset({"else", "try", "finally", "do"})
_TYPE_TOKENS = frozenset({".", "<", ">", ",", "[", "]", ">>"})

# Exceptions in the System namespace, reported with their "System." prefix.
_SYSTEM_EXCEPTIONS = frozenset(
    {
        "AssertException",
        "AsyncException",
        "CalloutException",
        "DmlException",
        "EmailException",
        "FinalException",
        "HandledException",
        "IllegalArgumentException",
        "InvalidParameterValueException",
        "JSONException",
        "LimitException",
        "ListException",
        "MathException",
        "NoAccessException",
        "NoDataFoundException",
        "NullPointerException",
        "QueryException",
        "RequiredFeatureMissingException",
        "SearchException",
        "SecurityException",
        "SObjectException",
        "StringException",
        "TypeException",
        "UnexpectedException",
    }
)


@attrs.frozen
class Token:
    """One Apex token with its 1-based position."""

    kind: str
    text: str
    line: int
    column: int

    @property
    def word(self) -> str:
        """The lower-cased text (Apex keywords and names are case-insensitive)."""
        return self.text.lower()

    def shown(self) -> str:
        return "<EOF>" if self.kind == EOF else self.text


class CompileProblem(Exception):
    """A compile error at ``line``/``column`` (1-based)."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def _unexpected(token: Token) -> CompileProblem:
    return CompileProblem(f"Unexpected token '{token.shown()}'.", token.line, token.column)


def _missing(what: str, token: Token) -> CompileProblem:
    return CompileProblem(f"Missing '{what}' at '{token.shown()}'", token.line, token.column)


def tokenize(source: str) -> list[Token]:
    """Split Apex source into tokens, skipping whitespace and comments; the last token is EOF.

    Raises:
        CompileProblem: an unterminated string or comment, or a character no token starts with.
    """
    tokens: list[Token] = []
    pos, line, line_start, size = 0, 1, 0, len(source)
    while pos < size:
        char = source[pos]
        column = pos - line_start + 1
        if char == "\n":
            pos += 1
            line, line_start = line + 1, pos
        elif char in " \t\r\f":
            pos += 1
        elif source.startswith("//", pos):
            end = source.find("\n", pos)
            pos = size if end < 0 else end
        elif source.startswith("/*", pos):
            end = source.find("*/", pos + 2)
            if end < 0:
                raise CompileProblem("Unterminated block comment", line, column)
            for offset in range(pos, end):
                if source[offset] == "\n":
                    line, line_start = line + 1, offset + 1
            pos = end + 2
        elif char == "'":
            start = pos
            pos += 1
            while True:
                if pos >= size or source[pos] == "\n":
                    raise CompileProblem("Unterminated string literal", line, column)
                if source[pos] == "\\":
                    pos += 2
                    continue
                if source[pos] == "'":
                    pos += 1
                    break
                pos += 1
            tokens.append(Token(STRING, source[start:pos], line, column))
        elif char.isdigit():
            match = _NUMBER_RE.match(source, pos)
            assert match is not None
            tokens.append(Token(NUMBER, match.group(), line, column))
            pos = match.end()
        elif char.isalpha() or char == "_":
            match = _IDENT_RE.match(source, pos)
            assert match is not None
            tokens.append(Token(IDENT, match.group(), line, column))
            pos = match.end()
        else:
            operator = next((op for op in _OPERATORS if source.startswith(op, pos)), None)
            if operator is None and char in _SINGLE:
                operator = char
            if operator is None:
                raise CompileProblem(f"Invalid character in identifier: {char}", line, column)
            tokens.append(Token(PUNCT, operator, line, column))
            pos += len(operator)
    tokens.append(Token(EOF, "", line, pos - line_start + 1))
    return tokens


# ---- statements ----------------------------------------------------------------------------------


def _is_operand_end(token: Token) -> bool:
    """Whether an expression can end with this token."""
    if token.kind in (NUMBER, STRING):
        return True
    if token.kind == IDENT:
        return token.word not in _PREFIX_KEYWORDS or token.word in _LITERAL_WORDS
    return token.text in (")", "]", "++", "--")


def _is_operand_start(token: Token) -> bool:
    """Whether a new operand (or statement) can start with this token."""
    if token.kind in (NUMBER, STRING):
        return True
    if token.kind == IDENT:
        return token.word != "instanceof"
    return False


class _Checker:
    """Walks the tokens statement by statement; raises CompileProblem at the first mistake."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        # The (start, end) token ranges of top-level statements, for the "run" pass.
        self.top_level: list[tuple[int, int]] = []
        # Where the last "(...)" group of the current statement started, and its tokens.
        self._last_group: tuple[int, list[Token]] = (0, [])

    @property
    def current(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        if token.kind != EOF:
            self.pos += 1
        return token

    def check(self) -> None:
        while self.current.kind != EOF:
            start = self.pos
            if self.current.text in _CLOSERS:
                raise _unexpected(self.current)
            if self.statement():
                self.top_level.append((start, self.pos))

    def block(self) -> None:
        """``{ statements }``; the current token is the ``{``."""
        self.advance()
        while self.current.text != "}":
            if self.current.kind == EOF:
                raise _missing("}", self.current)
            if self.current.text in (")", "]"):
                raise _unexpected(self.current)
            self.statement()
        self.advance()

    def group(self, *, semicolons: bool = False) -> list[Token]:
        """A balanced ``(...)`` or ``[...]`` group; returns its tokens (brackets included).

        Only a ``for (...)`` header may hold ``;``: anywhere else it means a bracket is missing.
        """
        opener = self.advance()
        closer = _OPENERS[opener.text]
        stack = [closer]
        taken = [opener]
        while stack:
            token = self.current
            if token.kind == EOF or (token.text == ";" and not semicolons):
                raise _missing(stack[-1], token)
            if token.text in _OPENERS:
                stack.append(_OPENERS[token.text])
            elif token.text in _CLOSERS:
                if token.text != stack[-1]:
                    raise _unexpected(token)
                stack.pop()
            taken.append(self.advance())
        return taken

    def statement(self) -> bool:
        """One statement; True for an expression statement that ended with ``;``."""
        token = self.current
        if token.text == "{":
            self.block()
        elif token.text == ";":
            self.advance()
        elif token.kind == IDENT and token.word in _CONTROL:
            self.advance()
            if self.current.text != "(":
                raise _missing("(", self.current)
            self.group(semicolons=token.word == "for")
            self.body()
        elif token.kind == IDENT and token.word in _BLOCK_PREFIX:
            self.advance()
            self.body()
        else:
            return self.simple()
        return False

    def body(self) -> None:
        """The statement governed by a control keyword."""
        if self.current.kind == EOF:
            raise _unexpected(self.current)
        if self.current.text in _CLOSERS:
            raise _unexpected(self.current)
        self.statement()

    def simple(self) -> bool:
        """An expression or declaration statement, up to ``;`` (or a ``{`` that opens a body).

        Returns True when it ended with ``;`` (False when a body block ended it).
        """
        previous: Optional[Token] = None
        seen_new = False
        type_prefix = True  # every token so far could be part of a type name
        while True:
            token = self.current
            if token.kind == EOF:
                raise _missing(";", token)
            if token.text == ";":
                self.advance()
                return True
            if token.text == "@" and (previous is None or type_prefix):
                self._annotation()
                continue
            if token.text in (")", "]", "}"):
                if token.text == "}" and previous is not None:
                    raise _missing(";", token)
                raise _unexpected(token)
            if token.text == "{":
                if seen_new:
                    self._initializer()
                    previous = self.tokens[self.pos - 1]
                    continue
                # A method, class, property or switch body: the statement ends with the block.
                self.block()
                return False
            if previous is not None and _is_operand_end(previous) and _is_operand_start(token):
                # Two operands in a row: only a declaration ("Integer x", "List<Id> ids",
                # "String[] names") or a cast ("(Integer) x") may do that.
                declaration = (
                    type_prefix
                    and token.kind == IDENT
                    and (previous.kind == IDENT or previous.text == "]")
                )
                if not declaration and not self._after_cast(previous):
                    raise _missing(";", token)
            if token.kind == IDENT and token.word == "new":
                seen_new = True
            if token.text in ("(", "["):
                start = self.pos
                group = self.group()
                type_prefix = type_prefix and token.text == "["
                previous = group[-1]
                if token.text == "(":
                    self._last_group = (start, group)
                continue
            if not (token.kind == IDENT or token.text in _TYPE_TOKENS):
                type_prefix = False
            if token.kind == IDENT and token.word in _PREFIX_KEYWORDS:
                type_prefix = token.word in ("final", "static", "transient") or (
                    token.word in ("public", "private", "protected", "global")
                )
            previous = self.advance()

    def _annotation(self) -> None:
        """``@Name`` or ``@Name(...)`` before a declaration."""
        self.advance()
        if self.current.kind != IDENT:
            raise _unexpected(self.current)
        self.advance()
        if self.current.text == "(":
            self.group()

    def _after_cast(self, previous: Token) -> bool:
        """True when ``previous`` closes ``(Type)`` that is not a call's argument list."""
        start, group = self._last_group
        if previous.text != ")" or not group or group[-1] is not previous:
            return False
        inner = group[1:-1]
        if not inner or inner[0].kind != IDENT:
            return False
        if not all(t.kind == IDENT or t.text in _TYPE_TOKENS for t in inner):
            return False
        before = self.tokens[start - 1] if start > 0 else None
        # "foo(x)" is a call; "= (Integer) x", "((Integer) x)" or "return (Id) x" a cast.
        return before is None or not (before.kind == IDENT and before.word not in _PREFIX_KEYWORDS)

    def _initializer(self) -> None:
        """``{ ... }`` after ``new List<T>`` / ``new Map<K, V>``: balanced, contents unchecked."""
        stack = ["}"]
        self.advance()
        while stack:
            token = self.current
            if token.kind == EOF:
                raise _missing(stack[-1], token)
            if token.text in _OPENERS:
                stack.append(_OPENERS[token.text])
            elif token.text in _CLOSERS:
                if token.text != stack[-1]:
                    raise _unexpected(token)
                stack.pop()
            self.advance()


# ---- the result ----------------------------------------------------------------------------------


@attrs.frozen
class AnonymousResult:
    """The body of ``GET /tooling/executeAnonymous/`` (an ``ExecuteAnonymousResult``)."""

    compiled: bool
    success: bool
    line: int = -1
    column: int = -1
    compile_problem: Optional[str] = None
    exception_message: Optional[str] = None
    exception_stack_trace: Optional[str] = None

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "column": self.column,
            "compiled": self.compiled,
            "success": self.success,
            "compileProblem": self.compile_problem,
            "exceptionStackTrace": self.exception_stack_trace,
            "exceptionMessage": self.exception_message,
        }


def execute_anonymous(source: str) -> AnonymousResult:
    """Check (and pretend to run) an anonymous Apex block; see the module docstring."""
    try:
        tokens = tokenize(source)
        checker = _Checker(tokens)
        try:
            checker.check()
        except RecursionError:
            # The checker descends once per nested block; thousands of them are beyond it.
            token = checker.current
            raise CompileProblem("Blocks are nested too deeply", token.line, token.column) from None
    except CompileProblem as problem:
        return AnonymousResult(
            compiled=False,
            success=False,
            line=problem.line,
            column=problem.column,
            compile_problem=problem.message,
        )
    for start, end in checker.top_level:
        failure = _runtime_failure(tokens[start:end])
        if failure is not None:
            message, token = failure
            return AnonymousResult(
                compiled=True,
                success=False,
                line=token.line,
                column=token.column,
                exception_message=message,
                exception_stack_trace=f"AnonymousBlock: line {token.line}, column {token.column}",
            )
    return AnonymousResult(compiled=True, success=True)


def _runtime_failure(statement: Sequence[Token]) -> Optional[tuple[str, Token]]:
    """The exception a top-level statement certainly throws, with the token it points at."""
    if not statement:
        return None
    first = statement[0]
    words = [t.word for t in statement]
    if first.word == "throw" and len(statement) > 2 and words[1] == "new":
        name_tokens = []
        for token in statement[2:]:
            if token.kind == IDENT or token.text == ".":
                name_tokens.append(token.text)
            else:
                break
        name = "".join(name_tokens)
        if name.split(".")[-1] in _SYSTEM_EXCEPTIONS and "." not in name:
            name = f"System.{name}"
        argument = _first_string_argument(statement)
        return (f"{name}: {argument}" if argument is not None else name), first
    for index, token in enumerate(statement[:-1]):
        following = statement[index + 1]
        if token.text == "/" and following.kind == NUMBER and _is_zero(following.text):
            return "System.MathException: Divide by 0", statement[0]
    if (
        len(statement) >= 6
        and words[:3] == ["system", ".", "assert"]
        and statement[3].text == "("
        and words[4] == "false"
    ):
        message = "System.AssertException: Assertion Failed"
        if len(statement) > 7 and statement[5].text == "," and statement[6].kind == STRING:
            message += f": {_unquote(statement[6].text)}"
        return message, first
    return None


def _first_string_argument(statement: Sequence[Token]) -> Optional[str]:
    for index, token in enumerate(statement):
        if token.text == "(":
            following = statement[index + 1] if index + 1 < len(statement) else None
            if following is not None and following.kind == STRING:
                return _unquote(following.text)
            return None
    return None


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    escapes = {"n": "\n", "t": "\t", "r": "\r", "'": "'", '"': '"', "\\": "\\"}
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            out.append(escapes.get(body[index + 1], body[index + 1]))
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _is_zero(text: str) -> bool:
    digits = text.rstrip("lLdD")
    try:
        return float(digits) == 0.0
    except ValueError:
        return False


# ---- Apex REST -----------------------------------------------------------------------------------


@attrs.frozen
class ApexRestRequest:
    """What an Apex REST route sees (``RestContext.request`` in Apex).

    Attributes:
        method: ``GET``, ``POST``, ``PUT``, ``PATCH`` or ``DELETE``.
        path: the part after ``/services/apexrest`` (``/Echo/abc``), namespace included.
        params: query-string parameters (last value wins, as in Apex's ``params`` map).
        headers: request headers.
        body: the raw request body.
        user_id: the calling user.
    """

    method: str
    path: str
    params: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes
    user_id: str

    def json(self) -> Any:
        """The body parsed as JSON (``None`` for an empty body); ValueError if it is not JSON."""
        if not self.body.strip():
            return None
        return parse_json(self.body)


@attrs.frozen
class ApexRestResponse:
    """A route's answer when it needs more than "200 with this JSON value".

    ``body`` is serialized as JSON unless it is ``bytes`` (sent as is with ``content_type``);
    ``None`` sends no body.
    """

    status: int = 200
    body: Any = None
    headers: Mapping[str, str] = attrs.field(factory=dict)
    content_type: str = "application/json;charset=UTF-8"


Handler = Callable[[ApexRestRequest], Any]


@attrs.frozen
class _Route:
    mapping: str
    pattern: re.Pattern[str]
    methods: frozenset[str]
    handler: Handler
    literal: int  # characters before the first wildcard: more is more specific


APEX_REST_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


def _compile_mapping(mapping: str) -> re.Pattern[str]:
    # "/Orders/*" also answers "/Orders" itself.
    tail = ""
    if mapping.endswith("/*"):
        mapping, tail = mapping[:-2], "(?:/.*)?"
    parts = [re.escape(part) for part in mapping.split("*")]
    return re.compile(".*".join(parts) + tail)


class ApexRestRoutes:
    """The Apex REST URL mappings of one org (``@RestResource(urlMapping=...)`` in Apex).

    Mappings are matched case-sensitively against the path after ``/services/apexrest``; ``*``
    matches any run of characters, and a trailing ``/*`` also matches the path without it. When
    several match, an exact (wildcard-free) mapping wins, then the one with the longest text
    before its first ``*``. A namespace is simply the mapping's first segment
    (``/acme/Orders/*``).
    """

    def __init__(self) -> None:
        self._routes: list[_Route] = []
        self._lock = threading.Lock()
        self.register("/Echo/*", echo)

    def register(
        self,
        url_mapping: str,
        handler: Handler,
        methods: Iterable[str] = APEX_REST_METHODS,
    ) -> None:
        """Add (or replace) the route for ``url_mapping`` (``"/Orders/*"``).

        Raises:
            ValueError: a mapping that does not start with ``/``, or an unknown method.
        """
        if not isinstance(url_mapping, str) or not url_mapping.startswith("/"):
            raise ValueError(f"an Apex REST urlMapping starts with '/', got {url_mapping!r}")
        wanted = frozenset(m.upper() for m in methods)
        unknown = wanted - APEX_REST_METHODS
        if unknown or not wanted:
            raise ValueError(f"Apex REST methods are {sorted(APEX_REST_METHODS)}")
        literal = url_mapping.find("*")
        route = _Route(
            url_mapping,
            _compile_mapping(url_mapping),
            wanted,
            handler,
            len(url_mapping) if literal < 0 else literal,
        )
        with self._lock:
            self._routes = [r for r in self._routes if r.mapping != url_mapping] + [route]

    def unregister(self, url_mapping: str) -> None:
        """Remove a route (no error if there is none)."""
        with self._lock:
            self._routes = [r for r in self._routes if r.mapping != url_mapping]

    def match(self, path: str) -> Optional[_Route]:
        """The most specific route whose mapping matches ``path``, or None."""
        with self._lock:
            routes = list(self._routes)
        found = [r for r in routes if r.pattern.fullmatch(path)]
        if not found:
            return None
        return max(found, key=lambda r: ("*" not in r.mapping, r.literal))


def echo(request: ApexRestRequest) -> dict[str, Any]:
    """The built-in ``/Echo`` route: the method, path, parameters and body it was sent.

    A JSON body comes back parsed, any other body as text, no body as ``null``.
    """
    body: Any = None
    if request.body:
        text = request.body.decode("utf-8", errors="replace")
        try:
            body = parse_json(text)
        except ValueError:
            body = text
    return {
        "method": request.method,
        "path": request.path,
        "params": dict(request.params),
        "body": body,
    }
