"""The lark grammar and the syntax trees it produces; syntax errors in Salesforce's style."""

from __future__ import annotations

import pytest

from salesforcepy.fakeorg.errors import SalesforceError
from salesforcepy.fakeorg.soql import ast
from salesforcepy.fakeorg.soql.parser import parse_search_term, parse_soql, parse_sosl


def test_select_list_items_and_positions() -> None:
    query = parse_soql("SELECT Id, Account.Owner.Name, COUNT(Id) total FROM Contact")
    field, path, aggregate = query.select
    assert field == ast.FieldItem(ast.Path(("Id",), ((1, 8),)))
    assert isinstance(path, ast.FieldItem)
    assert path.path.parts == ("Account", "Owner", "Name")
    assert path.path.positions == ((1, 12), (1, 20), (1, 26))
    assert isinstance(aggregate, ast.AggregateItem)
    assert aggregate.call == ast.Aggregate("COUNT", ast.Path(("Id",), ((1, 38),)), (1, 32))
    assert aggregate.alias == ast.Word("total", (1, 42))
    assert query.object_name == ast.Word("Contact", (1, 53))


def test_every_clause() -> None:
    query = parse_soql(
        "SELECT Name, (SELECT LastName FROM Contacts) FROM Account a USING SCOPE Everything "
        "WHERE Name != 'x' WITH SECURITY_ENFORCED GROUP BY Name HAVING COUNT(Id) > 1 "
        "ORDER BY Name DESC NULLS LAST LIMIT 10 OFFSET 5 FOR VIEW, REFERENCE"
    )
    assert isinstance(query.select[1], ast.SubqueryItem)
    assert query.select[1].query.object_name.text == "Contacts"
    assert query.object_alias is not None
    assert query.object_alias.text == "a"
    assert query.using_scope is not None
    assert query.using_scope.text == "Everything"
    assert isinstance(query.where, ast.Comparison)
    assert query.where.operator == "!="
    assert query.where.values[0].kind == "string"
    assert [w.text for w in query.with_words] == ["SECURITY_ENFORCED"]
    assert [p.text for p in query.group_by] == ["Name"]
    assert isinstance(query.having, ast.Comparison)
    assert isinstance(query.having.operand, ast.Aggregate)
    (order,) = query.order_by
    assert order.descending
    assert order.nulls is not None
    assert order.nulls.text == "LAST"
    assert query.limit is not None
    assert query.limit.text == "10"
    assert query.offset is not None
    assert query.offset.text == "5"
    assert [w.text for w in query.for_words] == ["VIEW", "REFERENCE"]


def test_keywords_are_case_insensitive_and_usable_as_names() -> None:
    query = parse_soql("select id, MIN(Amount) min from Group where name like 'x%' order by name")
    assert query.object_name.text == "Group"
    assert isinstance(query.select[1], ast.AggregateItem)
    assert query.select[1].alias == ast.Word("min", (1, 24))
    assert isinstance(query.where, ast.Comparison)
    assert query.where.operator == "LIKE"
    custom = parse_soql("SELECT Count__c, Limit__c FROM Order")
    assert [i.path.text for i in custom.select if isinstance(i, ast.FieldItem)] == [
        "Count__c",
        "Limit__c",
    ]


def test_conditions_build_and_or_not_trees() -> None:
    query = parse_soql(
        "SELECT Id FROM Account WHERE (A = 1 OR B = 2) AND NOT C = 3 AND D IN ('x', 'y')"
    )
    where = query.where
    assert isinstance(where, ast.And)
    first, second, third = where.items
    assert isinstance(first, ast.Or)
    assert len(first.items) == 2
    assert isinstance(second, ast.Not)
    assert isinstance(third, ast.Comparison)
    assert third.operator == "IN"
    assert [v.text for v in third.values] == ["'x'", "'y'"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("'it''s'", None),
        ("'a\\'b'", "string"),
        ("42", "number"),
        ("-4.5", "number"),
        ("2024-05-20", "date"),
        ("2024-05-20T10:00:00Z", "datetime"),
        ("2024-05-20T10:00:00.123+02:00", "datetime"),
        ("TODAY", "word"),
        ("null", "word"),
        ("LAST_N_DAYS:30", "word_n"),
    ],
)
def test_literal_kinds(text: str, kind: str) -> None:
    soql = f"SELECT Id FROM Account WHERE X = {text}"  # noqa: S608
    if kind is None:
        with pytest.raises(SalesforceError):
            parse_soql(soql)
        return
    where = parse_soql(soql).where
    assert isinstance(where, ast.Comparison)
    assert where.values[0].kind == kind
    assert where.values[0].text == text


def test_semi_join_and_anti_join() -> None:
    query = parse_soql(
        "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact) "
        "AND Id NOT IN (SELECT AccountId FROM Opportunity)"
    )
    assert isinstance(query.where, ast.And)
    semi, anti = query.where.items
    assert isinstance(semi, ast.Comparison)
    assert isinstance(anti, ast.Comparison)
    assert (semi.operator, anti.operator) == ("IN", "NOT IN")
    assert semi.subquery is not None
    assert semi.subquery.object_name.text == "Contact"
    assert anti.subquery is not None
    assert anti.subquery.object_name.text == "Opportunity"


@pytest.mark.parametrize(
    ("soql", "message"),
    [
        (
            "SELECT Id FORM Account",
            "\nSELECT Id FORM Account\n               ^\nERROR at Row:1:Column:16\n"
            "unexpected token: Account",
        ),
        (
            "SELECT Id FROM",
            "\nSELECT Id FROM\n              ^\nERROR at Row:1:Column:15\nunexpected token: <EOF>",
        ),
        (
            "SELECT Id FROM Account WHERE A = 1 AND B = 2 OR C = 3",
            "\nSELECT Id FROM Account WHERE A = 1 AND B = 2 OR C = 3\n"
            + " " * 45
            + "^\nERROR at Row:1:Column:46\nunexpected token: OR",
        ),
        (
            "SELECT Id\nFROM Account\nWHERE Name == 'x'",
            "\nWHERE Name == 'x'\n            ^\nERROR at Row:3:Column:13\nunexpected token: =",
        ),
    ],
)
def test_syntax_errors(soql: str, message: str) -> None:
    with pytest.raises(SalesforceError) as caught:
        parse_soql(soql)
    assert caught.value.status == 400
    assert caught.value.error_code == "MALFORMED_QUERY"
    assert caught.value.message == message


def test_parsed_queries_are_cached() -> None:
    text = "SELECT Id FROM Account WHERE Name = 'cache me'"
    assert parse_soql(text) is parse_soql(text)


def test_sosl_statement() -> None:
    search = parse_sosl(
        "FIND {Acme Corp} IN NAME FIELDS RETURNING Account(Name, Owner.Name WHERE Rating = 'Hot' "
        "ORDER BY Name LIMIT 5), Contact LIMIT 20"
    )
    assert search.term == "Acme Corp"
    assert search.scope == ast.Word("NAME", (1, 21))
    account, contact = search.returning
    assert account.has_fields
    assert [i.path.text for i in account.query.select if isinstance(i, ast.FieldItem)] == [
        "Name",
        "Owner.Name",
    ]
    assert account.query.where is not None
    assert account.query.limit is not None
    assert not contact.has_fields
    assert [i.path.text for i in contact.query.select if isinstance(i, ast.FieldItem)] == ["Id"]
    assert search.limit is not None
    assert search.limit.text == "20"
    quoted = parse_sosl("FIND 'acme*' RETURNING Account")
    assert quoted.term == "acme*"


def test_sosl_syntax_error() -> None:
    with pytest.raises(SalesforceError) as caught:
        parse_sosl("FIND Acme RETURNING Account")
    assert caught.value.error_code == "MALFORMED_SEARCH"


def test_search_term_operators() -> None:
    term = parse_search_term('acme "big deal" OR (x* AND NOT y?)')
    assert term == ast.TermAny(
        (
            ast.TermAll(
                (ast.TermWord("acme", False), ast.TermWord("big deal", True)), (False, False)
            ),
            ast.TermAll((ast.TermWord("x*", False), ast.TermWord("y?", False)), (False, True)),
        )
    )
