"""The anonymous Apex checker: what compiles, where compile problems are, what "throws"."""

from __future__ import annotations

import pytest

from salesforcepy.fakeorg.apex import (
    ApexRestRequest,
    ApexRestRoutes,
    CompileProblem,
    echo,
    execute_anonymous,
    tokenize,
)

VALID = [
    "system.debug('Hello world.');",
    "",
    "// only a comment",
    "/* block\ncomment */ System.debug(1);",
    "Account a = (Account) obj; List<Account> l = [SELECT Id FROM Account WHERE Name = :n];",
    "for (Integer i = 0; i < 10; i++) { System.debug(i); }",
    "do { x++; } while (x < 3);",
    "try { insert new Account(Name='x'); } catch (DmlException e) { } finally { }",
    "if (x) System.debug(1); else if (y) System.debug(2); else System.debug(3);",
    "public class Foo { public Integer x { get; set; } "
    "@TestVisible private static Integer add(Integer a, Integer b) { return a + b; } }",
    "switch on x { when 1 { System.debug(1); } when else { System.debug(2); } }",
    "List<Integer> l = new List<Integer>{1, 2}; Map<String, Integer> m = "
    "new Map<String, Integer>{'a' => 1};",
    "String[] names = new String[]{'it\\'s'}; final Integer k = 3; return;",
    "String s = 'a'\n    + 'b';",
    "if (false) { Integer x = 1 / 0; }",
]


@pytest.mark.parametrize("source", VALID)
def test_valid_code_compiles_and_succeeds(source: str) -> None:
    result = execute_anonymous(source)

    assert result.to_json() == {
        "line": -1,
        "column": -1,
        "compiled": True,
        "success": True,
        "compileProblem": None,
        "exceptionStackTrace": None,
        "exceptionMessage": None,
    }


@pytest.mark.parametrize(
    ("source", "line", "column", "problem"),
    [
        ("System.debug('a')\nSystem.debug('b');", 2, 1, "Missing ';' at 'System'"),
        ("Integer x = 1\nInteger y = 2;", 2, 1, "Missing ';' at 'Integer'"),
        ("x = y z;", 1, 7, "Missing ';' at 'z'"),
        ("i++\nj++;", 2, 1, "Missing ';' at 'j'"),
        ("System.debug(1)", 1, 16, "Missing ';' at '<EOF>'"),
        ("{ System.debug(1) }", 1, 19, "Missing ';' at '}'"),
        ("if (true) { System.debug(1);", 1, 29, "Missing '}' at '<EOF>'"),
        ("System.debug('x'));", 1, 18, "Unexpected token ')'."),
        ("System.debug(1); }", 1, 18, "Unexpected token '}'."),
        ("foo(1];", 1, 6, "Unexpected token ']'."),
        ("x = (1 + 2;", 1, 11, "Missing ')' at ';'"),
        ("if true) x();", 1, 4, "Missing '(' at 'true'"),
        ("String s = 'abc;", 1, 12, "Unterminated string literal"),
        ("x = 1;\n/* open", 2, 1, "Unterminated block comment"),
        ('String s = "x";', 1, 12, 'Invalid character in identifier: "'),
    ],
)
def test_compile_problems(source: str, line: int, column: int, problem: str) -> None:
    result = execute_anonymous(source)

    assert result.compiled is False
    assert result.success is False
    assert (result.line, result.column) == (line, column)
    assert result.compile_problem == problem
    assert result.exception_message is None


@pytest.mark.parametrize(
    ("source", "message", "line"),
    [
        ("Integer x = 10 / 0;", "System.MathException: Divide by 0", 1),
        ("Decimal d = 1;\nd = d / 0.0;", "System.MathException: Divide by 0", 2),
        ("throw new MathException('boom');", "System.MathException: boom", 1),
        ("throw new My.CustomException();", "My.CustomException", 1),
        ("System.assert(false, 'nope');", "System.AssertException: Assertion Failed: nope", 1),
        ("System.debug(1);\nSystem.assert(false);", "System.AssertException: Assertion Failed", 2),
    ],
)
def test_runtime_exceptions(source: str, message: str, line: int) -> None:
    result = execute_anonymous(source)

    assert result.compiled is True
    assert result.success is False
    assert result.exception_message == message
    assert result.exception_stack_trace == f"AnonymousBlock: line {line}, column 1"
    assert result.line == line


def test_tokens_carry_positions() -> None:
    tokens = tokenize("a =\n  'x' // c\n;")

    assert [(t.kind, t.text, t.line, t.column) for t in tokens] == [
        ("ident", "a", 1, 1),
        ("punct", "=", 1, 3),
        ("string", "'x'", 2, 3),
        ("punct", ";", 3, 1),
        ("eof", "", 3, 2),
    ]


def test_tokenize_raises_on_unterminated_string() -> None:
    with pytest.raises(CompileProblem) as caught:
        tokenize("x = 'never closed")
    assert (caught.value.line, caught.value.column) == (1, 5)


def _request(path: str) -> ApexRestRequest:
    return ApexRestRequest(
        method="GET", path=path, params={}, headers={}, body=b"", user_id="005000000000000AAA"
    )


def test_route_matching_prefers_exact_then_longest() -> None:
    routes = ApexRestRoutes()
    routes.register("/orders/*", lambda r: "wild")
    routes.register("/orders/special/*", lambda r: "longer")
    routes.register("/orders/exact", lambda r: "exact")

    assert routes.match("/orders/1").handler(_request("/orders/1")) == "wild"
    assert routes.match("/orders").handler(_request("/orders")) == "wild"
    assert routes.match("/orders/special/9").handler(_request("")) == "longer"
    assert routes.match("/orders/exact").handler(_request("")) == "exact"
    assert routes.match("/Orders/1") is None  # mappings are case-sensitive
    assert routes.match("/Echo/anything").handler is echo


def test_route_registration_validates() -> None:
    routes = ApexRestRoutes()
    with pytest.raises(ValueError, match="starts with '/'"):
        routes.register("orders", lambda r: None)
    with pytest.raises(ValueError, match="methods"):
        routes.register("/orders", lambda r: None, methods=["TRACE"])


def test_echo_returns_text_bodies_as_text() -> None:
    request = ApexRestRequest("PUT", "/Echo", {"a": "1"}, {}, b"plain words", "005")

    assert echo(request) == {
        "method": "PUT",
        "path": "/Echo",
        "params": {"a": "1"},
        "body": "plain words",
    }
