"""Table-driven SOQL tests: query -> expected rows (worked out by hand from conftest's dataset) or
expected error code.

``fields`` names what to read from each record (dotted paths into nested parents); ``expected``
is a list of values (one field) or tuples (several), or an ``errorCode``, or for ``SELECT COUNT()``
the expected ``totalSize``. Queries with ORDER BY are compared in order, others as multisets.
Placeholders such as ``{acme15}`` are replaced by the ids of the dataset.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Union

import pytest

from salesforcepy.fakeorg.errors import SalesforceError
from salesforcepy.fakeorg.soql import run_query

from .conftest import API, rows


class Case(NamedTuple):
    soql: str
    fields: str
    expected: Union[list[Any], str, int]


ALL_NAMES = ["Acme Corp", "Globex", "Hooli", "Initech", "stark industries", "Umbrella"]

CASES = [
    # ---- plain filters, ordering, case-insensitivity ---------------------------------------
    Case("SELECT Name FROM Account ORDER BY Name", "Name", ALL_NAMES),
    Case("select name from account order by NAME desc", "Name", ALL_NAMES[::-1]),
    Case("SELECT Name FROM Account WHERE Industry = 'Banking'", "Name", ["Acme Corp", "Umbrella"]),
    Case("SELECT Name FROM Account WHERE Industry = 'BANKING'", "Name", ["Acme Corp", "Umbrella"]),
    Case(
        "SELECT Name FROM Account WHERE Industry != 'Banking' ORDER BY Name",
        "Name",
        ["Globex", "Hooli", "Initech", "stark industries"],
    ),
    Case(
        "SELECT Name FROM Account WHERE Industry <> 'Banking' AND Industry != null ORDER BY Name",
        "Name",
        ["Globex", "Hooli", "Initech"],
    ),
    Case("SELECT Name FROM Account WHERE Industry = null", "Name", ["stark industries"]),
    Case(
        "SELECT Name FROM Account WHERE AnnualRevenue > 1000000 ORDER BY AnnualRevenue DESC",
        "Name",
        ["Hooli", "Acme Corp", "Globex"],
    ),
    Case(
        "SELECT Name, AnnualRevenue FROM Account "
        "WHERE AnnualRevenue >= 750000 AND AnnualRevenue <= 2500000 ORDER BY Name",
        "Name, AnnualRevenue",
        [("Globex", 2500000.0), ("Initech", 750000.0)],
    ),
    Case("SELECT Name FROM Account WHERE AnnualRevenue < 1000", "Name", ["stark industries"]),
    Case(
        "SELECT Name FROM Account WHERE NumberOfEmployees IN (30, 80, 999) ORDER BY Name",
        "Name",
        ["Globex", "Initech"],
    ),
    Case(
        "SELECT Name FROM Account WHERE Industry IN ('banking', 'Energy') ORDER BY Name",
        "Name",
        ["Acme Corp", "Globex", "Umbrella"],
    ),
    Case(
        "SELECT Name FROM Account WHERE Industry NOT IN ('Banking', 'Energy') ORDER BY Name",
        "Name",
        ["Hooli", "Initech", "stark industries"],
    ),
    Case(
        "SELECT Name FROM Account WHERE Industry IN ('Banking', null) ORDER BY Name",
        "Name",
        ["Acme Corp", "stark industries", "Umbrella"],
    ),
    Case("SELECT Name FROM Account WHERE Name LIKE 'ac%'", "Name", ["Acme Corp"]),
    Case(
        "SELECT Name FROM Account WHERE Name LIKE '%o%' ORDER BY Name",
        "Name",
        ["Acme Corp", "Globex", "Hooli"],
    ),
    Case("SELECT Name FROM Account WHERE Name LIKE '_LOBEX'", "Name", ["Globex"]),
    Case("SELECT Name FROM Account WHERE Site LIKE 'HQ\\_1'", "Name", ["Acme Corp"]),
    Case(
        "SELECT Name FROM Account WHERE Site LIKE 'HQ_1' ORDER BY Name",
        "Name",
        ["Acme Corp", "Globex"],
    ),
    Case("SELECT LastName FROM Contact WHERE LastName LIKE 'o\\'%'", "LastName", ["O'Brien"]),
    Case("SELECT LastName FROM Contact WHERE LastName = 'O\\'Brien'", "LastName", ["O'Brien"]),
    Case("SELECT Name FROM Account WHERE Name LIKE '\\u0041cme%'", "Name", ["Acme Corp"]),
    Case("SELECT Name FROM Account WHERE Name = 'Acme\\sCorp'", "", "MALFORMED_QUERY"),
    Case("SELECT Name FROM Account WHERE Site = 'HQ\\_1'", "", "MALFORMED_QUERY"),
    Case("SELECT Name FROM Account WHERE Name LIKE 'Acme\\ Corp'", "", "MALFORMED_QUERY"),
    Case("SELECT Name FROM Account WHERE Name = '\\ud800'", "", "MALFORMED_QUERY"),
    Case("SELECT Name FROM Account WHERE Regions__c INCLUDES ('\\q')", "", "MALFORMED_QUERY"),
    Case(
        "SELECT Name FROM Account WHERE (Industry = 'Banking' OR Industry = 'Energy') "
        "AND Rating = 'Hot' ORDER BY Name",
        "Name",
        ["Acme Corp", "Umbrella"],
    ),
    Case(
        "SELECT Name FROM Account WHERE Industry = 'Technology' OR Rating = 'Hot' ORDER BY Name",
        "Name",
        ["Acme Corp", "Hooli", "Initech", "Umbrella"],
    ),
    Case(
        "SELECT Name FROM Account "
        "WHERE NOT (Industry = 'Banking' OR Industry = 'Technology') ORDER BY Name",
        "Name",
        ["Globex", "stark industries"],
    ),
    Case(
        "SELECT Name FROM Account WHERE NOT Rating = 'Hot' ORDER BY Name",
        "Name",
        ["Globex", "Hooli", "Initech", "stark industries"],
    ),
    Case(
        "SELECT Name FROM Account WHERE Industry = 'Banking' AND Rating = 'Hot' OR Name = 'x'",
        "Name",
        "MALFORMED_QUERY",
    ),
    Case("SELECT Name FROM Account WHERE Name = 'Wayne Enterprises'", "Name", []),
    # Picklists sort in the order their values are defined in (Rating: Hot, Warm, Cold).
    Case(
        "SELECT Name FROM Account ORDER BY Rating, Name",
        "Name",
        ["Hooli", "stark industries", "Acme Corp", "Umbrella", "Globex", "Initech"],
    ),
    Case(
        "SELECT Name FROM Account ORDER BY Rating DESC NULLS LAST, Name",
        "Name",
        ["Initech", "Globex", "Acme Corp", "Umbrella", "Hooli", "stark industries"],
    ),
    Case(
        "SELECT Name FROM Opportunity ORDER BY StageName, Name",
        "Name",
        [
            "Acme - Renewal",
            "Globex - Pilot",
            "Hooli - Expansion",
            "Acme - Big Deal",
            "Hooli - Services",
            "Initech - Upgrade",
        ],
    ),
    # ---- parent relationships ----------------------------------------------------------------
    Case(
        "SELECT LastName, Account.Name FROM Contact "
        "WHERE Account.Industry = 'Banking' ORDER BY LastName",
        "LastName, Account.Name",
        [("Doe", "Acme Corp"), ("Smith", "Acme Corp")],
    ),
    Case(
        "SELECT LastName FROM Contact WHERE Account.Owner.Name = 'Sam Seller'",
        "LastName",
        ["Jones"],
    ),
    Case(
        "SELECT LastName, Account.Parent.Name FROM Contact WHERE Account.ParentId != null",
        "LastName, Account.Parent.Name",
        [("Jones", "Acme Corp")],
    ),
    Case(
        "SELECT LastName FROM Contact ORDER BY Account.Name NULLS LAST, LastName",
        "LastName",
        ["Doe", "Smith", "Jones", "O'Brien", "Brown", "White"],
    ),
    Case(
        "SELECT LastName FROM Contact ORDER BY Account.Name, LastName",
        "LastName",
        ["White", "Doe", "Smith", "Jones", "O'Brien", "Brown"],
    ),
    Case(
        "SELECT LastName FROM Contact ORDER BY Account.Name DESC, LastName ASC",
        "LastName",
        ["Brown", "O'Brien", "Jones", "Doe", "Smith", "White"],
    ),
    Case(
        "SELECT Name FROM Opportunity WHERE Account.BillingCity = 'paris' ORDER BY Name",
        "Name",
        ["Acme - Big Deal", "Acme - Renewal"],
    ),
    Case("SELECT c.LastName FROM Contact c WHERE c.Account.Name = 'Globex'", "LastName", ["Jones"]),
    Case("SELECT Contact.LastName FROM Contact WHERE Contact.Title = 'CEO'", "LastName", ["Doe"]),
    Case(
        "SELECT Subject, Who.Name, What.Name FROM Task ORDER BY Subject",
        "Subject, Who.Name, What.Name",
        [
            ("Call Jane", "Jane Doe", "Acme - Big Deal"),
            ("Email Peter", "Peter Parker", None),
            ("Plan QBR", None, "Acme Corp"),
        ],
    ),
    Case("SELECT Subject FROM Task WHERE Who.Type = 'Lead'", "Subject", ["Email Peter"]),
    Case(
        "SELECT Subject FROM Task WHERE What.Name LIKE 'Acme%' ORDER BY Subject",
        "Subject",
        ["Call Jane", "Plan QBR"],
    ),
    Case(
        "SELECT Name, Account__r.Name FROM Project__c ORDER BY Name",
        "Name, Account__r.Name",
        [("Apollo", "Acme Corp"), ("Gemini", "Acme Corp"), ("Mercury", "Initech")],
    ),
    Case(
        "select NAME from PROJECT__C where ACCOUNT__R.name = 'ACME CORP' order by name",
        "Name",
        ["Apollo", "Gemini"],
    ),
    # ---- semi-joins and anti-joins -------------------------------------------------------------
    Case(
        "SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact) ORDER BY Name",
        "Name",
        ["Acme Corp", "Globex", "Hooli", "Initech"],
    ),
    Case(
        "SELECT Name FROM Account WHERE Id NOT IN (SELECT AccountId FROM Contact) ORDER BY Name",
        "Name",
        ["stark industries", "Umbrella"],
    ),
    Case(
        "SELECT Name FROM Account WHERE Id IN "
        "(SELECT AccountId FROM Opportunity WHERE StageName = 'Closed Won') ORDER BY Name",
        "Name",
        ["Acme Corp", "Hooli"],
    ),
    Case(
        "SELECT LastName FROM Contact WHERE AccountId IN "
        "(SELECT Id FROM Account WHERE Rating = 'Hot') ORDER BY LastName",
        "LastName",
        ["Doe", "Smith"],
    ),
    Case(
        "SELECT Name FROM Account WHERE Id IN "
        "(SELECT Account__c FROM Project__c WHERE Active__c = true) ORDER BY Name",
        "Name",
        ["Acme Corp", "Initech"],
    ),
    Case(
        "SELECT Name FROM Account WHERE Name IN (SELECT Name FROM Contact)",
        "Name",
        "INVALID_FIELD",
    ),
    Case(
        "SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact) "
        "AND Id NOT IN (SELECT AccountId FROM Opportunity WHERE IsWon = true) ORDER BY Name",
        "Name",
        ["Globex", "Initech"],
    ),
    # Not on the outer object, not with OR or NOT, not nested, at most two in one WHERE.
    Case(
        "SELECT Name FROM Account WHERE ParentId IN (SELECT Id FROM Account WHERE Rating = 'Hot')",
        "",
        "MALFORMED_QUERY",
    ),
    Case(
        "SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact) OR Name = 'x'",
        "",
        "MALFORMED_QUERY",
    ),
    Case(
        "SELECT Name FROM Account WHERE NOT (Id IN (SELECT AccountId FROM Contact))",
        "",
        "MALFORMED_QUERY",
    ),
    Case(
        "SELECT Name FROM Account WHERE Id IN "
        "(SELECT AccountId FROM Contact WHERE Id IN (SELECT WhoId FROM Task))",
        "",
        "MALFORMED_QUERY",
    ),
    Case(
        "SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact) "
        "AND Id IN (SELECT AccountId FROM Opportunity) AND Id IN (SELECT AccountId FROM Case)",
        "",
        "MALFORMED_QUERY",
    ),
    # ---- booleans, numbers, dates, date literals --------------------------------------------
    Case("SELECT LastName FROM Contact WHERE DoNotCall = true", "LastName", ["White"]),
    Case("SELECT COUNT() FROM Contact WHERE DoNotCall = FALSE", "", 5),
    Case(
        "SELECT LastName FROM Contact WHERE Birthdate > 1989-12-31 ORDER BY Birthdate",
        "LastName",
        ["Doe", "Jones"],
    ),
    Case("SELECT LastName FROM Contact WHERE Birthdate = 1985-07-20", "LastName", ["Smith"]),
    Case(
        "SELECT Name FROM Account WHERE CreatedDate > 2024-05-01T00:00:00Z ORDER BY Name",
        "Name",
        ["Globex", "Initech", "Umbrella"],
    ),
    Case(
        "SELECT Name FROM Account WHERE CreatedDate < 2024-05-15T10:00:00+02:00 ORDER BY Name",
        "Name",
        ["Acme Corp", "Hooli", "Initech", "stark industries", "Umbrella"],
    ),
    Case("SELECT Name FROM Account WHERE CreatedDate = TODAY", "Name", ["Globex"]),
    Case("SELECT Name FROM Account WHERE CreatedDate = YESTERDAY", "Name", ["Initech"]),
    Case(
        "SELECT Name FROM Account WHERE CreatedDate = THIS_WEEK ORDER BY Name",
        "Name",
        ["Globex", "Initech", "Umbrella"],
    ),
    Case("SELECT Name FROM Account WHERE CreatedDate = LAST_MONTH", "Name", ["Hooli"]),
    Case("SELECT Name FROM Account WHERE CreatedDate = LAST_YEAR", "Name", ["stark industries"]),
    Case(
        "SELECT Name FROM Account WHERE CreatedDate = LAST_N_DAYS:2 ORDER BY Name",
        "Name",
        ["Globex", "Initech", "Umbrella"],
    ),
    Case(
        "SELECT Name FROM Account WHERE CreatedDate < LAST_N_DAYS:30 ORDER BY Name",
        "Name",
        ["Acme Corp", "stark industries"],
    ),
    Case(
        "SELECT Name FROM Opportunity WHERE CloseDate = THIS_MONTH ORDER BY Name",
        "Name",
        ["Acme - Big Deal", "Globex - Pilot"],
    ),
    Case(
        "SELECT Name FROM Opportunity WHERE CloseDate = NEXT_90_DAYS ORDER BY Name",
        "Name",
        ["Acme - Renewal", "Hooli - Expansion"],
    ),
    Case(
        "SELECT Name FROM Opportunity WHERE CloseDate = THIS_QUARTER ORDER BY Name",
        "Name",
        ["Acme - Big Deal", "Acme - Renewal", "Globex - Pilot", "Initech - Upgrade"],
    ),
    Case(
        "SELECT Name FROM Opportunity WHERE CloseDate > TODAY ORDER BY CloseDate",
        "Name",
        ["Acme - Renewal", "Hooli - Expansion"],
    ),
    Case("SELECT Name FROM Opportunity WHERE CloseDate = LAST_WEEK", "Name", ["Acme - Big Deal"]),
    Case("SELECT Name FROM Opportunity WHERE CloseDate < THIS_YEAR", "Name", ["Hooli - Services"]),
    Case(
        "SELECT Name FROM Opportunity WHERE CloseDate = N_DAYS_AGO:5", "Name", ["Acme - Big Deal"]
    ),
    Case("SELECT Name FROM Project__c WHERE Kickoff__c = THIS_MONTH", "Name", ["Apollo"]),
    Case("SELECT Name FROM Project__c WHERE Budget__c > 1500", "Name", ["Gemini"]),
    # ---- date functions (UTC) --------------------------------------------------------------------
    Case(
        "SELECT CALENDAR_YEAR(CreatedDate), COUNT(Id) n FROM Account "
        "GROUP BY CALENDAR_YEAR(CreatedDate) ORDER BY CALENDAR_YEAR(CreatedDate)",
        "expr0, n",
        [(2023, 1), (2024, 5)],
    ),
    Case(
        "SELECT CALENDAR_MONTH(CloseDate) m, SUM(Amount) FROM Opportunity "
        "GROUP BY CALENDAR_MONTH(CloseDate) HAVING CALENDAR_MONTH(CloseDate) > 5 "
        "ORDER BY CALENDAR_MONTH(CloseDate) DESC",
        "m, expr0",
        [(12, 250000.0), (8, None), (6, 120000.0)],
    ),
    Case(
        "SELECT DAY_ONLY(CreatedDate) d, COUNT(Id) FROM Account WHERE CreatedDate = THIS_WEEK "
        "GROUP BY DAY_ONLY(CreatedDate) ORDER BY DAY_ONLY(CreatedDate)",
        "d, expr0",
        [("2024-05-13", 1), ("2024-05-14", 1), ("2024-05-15", 1)],
    ),
    Case("SELECT Name FROM Account WHERE DAY_ONLY(CreatedDate) = TODAY", "Name", ["Globex"]),
    Case(
        "SELECT Name FROM Account WHERE DAY_ONLY(convertTimezone(CreatedDate)) = 2024-05-14",
        "Name",
        ["Initech"],
    ),
    Case(
        "SELECT Name FROM Account WHERE HOUR_IN_DAY(CreatedDate) >= 10 ORDER BY Name",
        "Name",
        ["Initech", "stark industries", "Umbrella"],
    ),
    Case(
        "SELECT Name FROM Opportunity WHERE DAY_IN_WEEK(CloseDate) = 1", "Name", ["Acme - Renewal"]
    ),
    Case(
        "SELECT Name FROM Opportunity WHERE WEEK_IN_MONTH(CloseDate) = 3 "
        "AND CALENDAR_QUARTER(CloseDate) = 2",
        "Name",
        ["Globex - Pilot"],
    ),
    Case(
        "SELECT Name FROM Opportunity WHERE WEEK_IN_YEAR(CloseDate) = 14 "
        "AND DAY_IN_YEAR(CloseDate) = 93 AND FISCAL_YEAR(CloseDate) = 2024",
        "Name",
        ["Initech - Upgrade"],
    ),
    Case("SELECT COUNT() FROM Account WHERE CALENDAR_YEAR(CreatedDate) = 2024", "", 5),
    Case("SELECT CALENDAR_YEAR(CreatedDate) FROM Account", "", "MALFORMED_QUERY"),
    Case("SELECT Name FROM Account ORDER BY CALENDAR_YEAR(CreatedDate)", "", "MALFORMED_QUERY"),
    Case(
        "SELECT CALENDAR_YEAR(CreatedDate) FROM Account GROUP BY CALENDAR_MONTH(CreatedDate)",
        "",
        "MALFORMED_QUERY",
    ),
    Case("SELECT Name FROM Opportunity WHERE HOUR_IN_DAY(CloseDate) = 1", "", "MALFORMED_QUERY"),
    Case("SELECT Name FROM Account WHERE CALENDAR_YEAR(Name) = 1", "", "MALFORMED_QUERY"),
    Case(
        "SELECT Name FROM Account WHERE CALENDAR_YEAR(CreatedDate) = '2024'",
        "",
        "INVALID_QUERY_FILTER_OPERATOR",
    ),
    Case("SELECT toLabel(Industry) FROM Account", "", "MALFORMED_QUERY"),
    # ---- COUNT() and aggregates --------------------------------------------------------------
    Case("SELECT COUNT() FROM Account", "", 6),
    Case("SELECT COUNT() FROM Account WHERE Industry = 'Banking'", "", 2),
    Case(
        "SELECT Industry, COUNT(Id) n FROM Account GROUP BY Industry ORDER BY Industry NULLS LAST",
        "Industry, n",
        [("Banking", 2), ("Energy", 1), ("Technology", 2), (None, 1)],
    ),
    Case(
        "SELECT StageName, SUM(Amount) total FROM Opportunity WHERE IsClosed = true "
        "GROUP BY StageName ORDER BY StageName",
        "StageName, total",
        [("Closed Won", 750000.0), ("Closed Lost", 75000.0)],  # picklist order
    ),
    Case(
        "SELECT MAX(Amount), MIN(CloseDate) FROM Opportunity",
        "expr0, expr1",
        [(500000.0, "2023-12-15")],
    ),
    Case(
        "SELECT AVG(NumberOfEmployees) avgEmp FROM Account WHERE Industry = 'Technology'",
        "avgEmp",
        [515.0],
    ),
    Case("SELECT COUNT_DISTINCT(Industry) FROM Account", "expr0", [3]),
    # MIN and MAX of a picklist follow its order (Rating: Hot, Warm, Cold).
    Case("SELECT MIN(Rating), MAX(Rating) FROM Account", "expr0, expr1", [("Hot", "Cold")]),
    Case(
        "SELECT Owner.Name, MIN(Rating) lo, MAX(Rating) hi FROM Account "
        "GROUP BY Owner.Name HAVING MAX(Rating) != 'Hot' ORDER BY Owner.Name",
        "Name, lo, hi",
        [("Admin User", "Hot", "Cold"), ("Sam Seller", "Hot", "Warm")],
    ),
    Case(
        "SELECT MIN(StageName) FROM Opportunity WHERE Name LIKE 'Acme%'",
        "expr0",
        ["Prospecting"],
    ),
    Case(
        "SELECT Account.Name, COUNT(Id) FROM Contact GROUP BY Account.Name HAVING COUNT(Id) > 1",
        "Name, expr0",
        [("Acme Corp", 2)],
    ),
    Case(
        "SELECT Owner.Name, COUNT(Id) c FROM Account GROUP BY Owner.Name ORDER BY COUNT(Id) DESC",
        "Name, c",
        [("Admin User", 4), ("Sam Seller", 2)],
    ),
    Case("SELECT COUNT(Id) FROM Account WHERE Name = 'nobody'", "expr0", [0]),
    Case(
        "SELECT Industry FROM Account GROUP BY Industry HAVING COUNT(Id) = 1 ORDER BY Industry",
        "Industry",
        [None, "Energy"],
    ),
    Case("SELECT Name, COUNT(Id) FROM Account", "", "MALFORMED_QUERY"),
    Case("SELECT Industry, Name FROM Account GROUP BY Industry", "", "MALFORMED_QUERY"),
    Case("SELECT SUM(Name) FROM Account", "", "INVALID_FIELD"),
    Case("SELECT CreatedDate FROM Account GROUP BY CreatedDate", "", "INVALID_FIELD"),
    Case("SELECT COUNT(Id) FROM Account GROUP BY AnnualRevenue", "", "INVALID_FIELD"),
    Case("SELECT COUNT(Id) FROM Project__c GROUP BY Budget__c", "", "INVALID_FIELD"),
    Case(
        "SELECT Kickoff__c, COUNT(Id) FROM Project__c GROUP BY Kickoff__c ORDER BY Kickoff__c",
        "Kickoff__c, expr0",
        [(None, 1), ("2024-05-01", 1), ("2024-06-01", 1)],
    ),
    Case(
        "SELECT NumberOfEmployees n FROM Account WHERE NumberOfEmployees > 100 "
        "GROUP BY NumberOfEmployees ORDER BY NumberOfEmployees",
        "n",
        [120, 500, 1000],
    ),
    Case("SELECT Name FROM Account WHERE COUNT(Id) > 1", "", "MALFORMED_QUERY"),
    Case("SELECT COUNT(), Name FROM Account", "", "MALFORMED_QUERY"),
    Case("SELECT COUNT() FROM Account GROUP BY Industry", "", "MALFORMED_QUERY"),
    Case("SELECT COUNT() FROM Account ORDER BY Name", "", "MALFORMED_QUERY"),
    Case("SELECT COUNT() FROM Account HAVING COUNT(Id) > 1", "", "MALFORMED_QUERY"),
    # ---- multi-select picklists ----------------------------------------------------------------
    Case(
        "SELECT Name FROM Account WHERE Regions__c INCLUDES ('AMER') ORDER BY Name",
        "Name",
        ["Acme Corp", "Globex", "Initech"],
    ),
    Case(
        "SELECT Name FROM Account WHERE Regions__c INCLUDES ('AMER;APAC', 'emea') ORDER BY Name",
        "Name",
        ["Acme Corp", "Initech"],
    ),
    Case(
        "SELECT Name FROM Account WHERE Regions__c EXCLUDES ('AMER') ORDER BY Name",
        "Name",
        ["Hooli", "stark industries", "Umbrella"],
    ),
    Case("SELECT Name FROM Account WHERE Name INCLUDES ('x')", "", "INVALID_QUERY_FILTER_OPERATOR"),
    # = and IN on a multi-select picklist: exactly these values, in any order and case.
    Case("SELECT Name FROM Account WHERE Regions__c = 'EMEA;AMER'", "Name", ["Acme Corp"]),
    Case("SELECT Name FROM Account WHERE Regions__c = 'amer;emea'", "Name", ["Acme Corp"]),
    Case("SELECT Name FROM Account WHERE Regions__c = 'AMER'", "Name", ["Globex"]),
    Case("SELECT Name FROM Account WHERE Regions__c = 'AMER;EMEA;APAC'", "Name", []),
    Case(
        "SELECT Name FROM Account WHERE Regions__c IN ('APAC;AMER', 'APAC') ORDER BY Name",
        "Name",
        ["Hooli", "Initech"],
    ),
    Case(
        "SELECT Name FROM Account WHERE Regions__c != 'AMER;EMEA' ORDER BY Name",
        "Name",
        ["Globex", "Hooli", "Initech", "stark industries", "Umbrella"],
    ),
    Case(
        "SELECT Name FROM Account WHERE Regions__c NOT IN ('AMER', null) ORDER BY Name",
        "Name",
        ["Acme Corp", "Hooli", "Initech"],
    ),
    # ---- ids -----------------------------------------------------------------------------------
    Case("SELECT Name FROM Account WHERE Id = '{acme15}'", "Name", ["Acme Corp"]),
    Case("SELECT Name FROM Account WHERE Id = '{acme18lower}'", "Name", ["Acme Corp"]),
    Case(
        "SELECT Name FROM Account WHERE Id IN ('{acme15}', '{globex18}') ORDER BY Name",
        "Name",
        ["Acme Corp", "Globex"],
    ),
    Case(
        "SELECT LastName FROM Contact WHERE AccountId = '{acme15}' ORDER BY LastName",
        "LastName",
        ["Doe", "Smith"],
    ),
    Case("SELECT Name FROM Account WHERE Id = 'nonsense'", "", "INVALID_QUERY_FILTER_OPERATOR"),
    Case("SELECT Name FROM Account WHERE Id LIKE '001%'", "", "INVALID_QUERY_FILTER_OPERATOR"),
    Case("SELECT Subject FROM Task WHERE WhatId LIKE '006%'", "", "INVALID_QUERY_FILTER_OPERATOR"),
    # ---- LIMIT / OFFSET / clauses accepted and ignored ----------------------------------------
    Case("SELECT Name FROM Account ORDER BY Name LIMIT 2", "Name", ALL_NAMES[:2]),
    Case("SELECT Name FROM Account ORDER BY Name LIMIT 2 OFFSET 3", "Name", ALL_NAMES[3:5]),
    Case("SELECT Name FROM Account ORDER BY Name OFFSET 4", "Name", ALL_NAMES[4:]),
    Case("SELECT Name FROM Account OFFSET 2001", "", "NUMBER_OUTSIDE_VALID_RANGE"),
    # OFFSET in a subquery: only under a parent with LIMIT 1, never in a semi-join.
    Case(
        "SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName OFFSET 1) FROM Account "
        "WHERE Name = 'Acme Corp' LIMIT 1",
        "Name, Contacts.totalSize",
        [("Acme Corp", 1)],
    ),
    Case(
        "SELECT Name, (SELECT LastName FROM Contacts OFFSET 1) FROM Account",
        "",
        "MALFORMED_QUERY",
    ),
    Case(
        "SELECT Name, (SELECT LastName FROM Contacts OFFSET 1) FROM Account LIMIT 2",
        "",
        "MALFORMED_QUERY",
    ),
    Case(
        "SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact OFFSET 1) LIMIT 1",
        "",
        "MALFORMED_QUERY",
    ),
    Case("SELECT Name FROM Account ORDER BY Name LIMIT 99999999999999999999999", "Name", ALL_NAMES),
    Case("SELECT COUNT() FROM Account LIMIT 99999999999999999999999", "", 6),
    Case(
        "SELECT Name FROM Account WHERE NumberOfEmployees < 99999999999999999999999 "
        "AND NumberOfEmployees > -99999999999999999999999 ORDER BY Name",
        "Name",
        ALL_NAMES,
    ),
    Case("SELECT Name FROM Account WHERE NumberOfEmployees = 99999999999999999999999", "Name", []),
    Case(
        "SELECT Name FROM Account WITH SECURITY_ENFORCED ORDER BY Name LIMIT 1",
        "Name",
        ["Acme Corp"],
    ),
    Case("SELECT Name FROM Account ORDER BY Name LIMIT 1 FOR VIEW", "Name", ["Acme Corp"]),
    Case("SELECT Name FROM Account WITH USER_MODE ORDER BY Name LIMIT 1", "Name", ["Acme Corp"]),
    Case("SELECT Name FROM Account WITH NOTHING", "", "MALFORMED_QUERY"),
    # ---- errors --------------------------------------------------------------------------------
    Case("SELECT Foo FROM Account", "", "INVALID_FIELD"),
    Case("SELECT Id FROM Foo", "", "INVALID_TYPE"),
    Case("SELECT Id, Bogus.Name FROM Contact", "", "INVALID_FIELD"),
    Case("SELECT Id, Account.Bogus FROM Contact", "", "INVALID_FIELD"),
    Case("SELECT Id FORM Account", "", "MALFORMED_QUERY"),
    Case("SELECT FROM Account", "", "MALFORMED_QUERY"),
    Case("SELECT Id, Id FROM Account", "", "MALFORMED_QUERY"),
    Case("SELECT Name FROM Account WHERE AnnualRevenue = '5'", "", "INVALID_QUERY_FILTER_OPERATOR"),
    Case(
        "SELECT Name FROM Account WHERE CreatedDate > 2024-01-01",
        "",
        "INVALID_QUERY_FILTER_OPERATOR",
    ),
    Case("SELECT Name FROM Account WHERE Name = TODAY", "", "INVALID_QUERY_FILTER_OPERATOR"),
    Case("SELECT Name FROM Account WHERE Name = bogus", "", "MALFORMED_QUERY"),
    Case("SELECT Name FROM Account WHERE Name = 5", "", "INVALID_QUERY_FILTER_OPERATOR"),
    Case("SELECT Name, (SELECT LastName FROM Bogus) FROM Account", "", "INVALID_TYPE"),
    Case("SELECT FIELDS(ALL) FROM Account", "", "MALFORMED_QUERY"),
    Case("SELECT FIELDS(ALL) FROM Account LIMIT 201", "", "MALFORMED_QUERY"),
    Case("SELECT Name FROM Account WHERE Description = 'x'", "", "INVALID_FIELD"),
    Case("SELECT Name FROM Account ORDER BY BillingAddress", "", "INVALID_FIELD"),
    Case("SELECT Name n FROM Account", "", "MALFORMED_QUERY"),
    Case("", "", "MALFORMED_QUERY"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.soql or "<empty>" for c in CASES])
def test_query(org: Any, case: Case) -> None:
    store, ids = org
    placeholders = {
        "acme15": ids["acme"][:15],
        "acme18lower": ids["acme"].lower(),
        "globex18": ids["globex"],
    }
    soql = case.soql.format(**placeholders) if "{" in case.soql else case.soql
    if isinstance(case.expected, str):
        with pytest.raises(SalesforceError) as caught:
            run_query(store, soql, api_version=API)
        assert caught.value.status == 400
        assert caught.value.error_code == case.expected
        return
    result = run_query(store, soql, api_version=API)
    if isinstance(case.expected, int):
        assert result.total_size == case.expected
        assert result.records == []
        return
    got = rows(result.records, case.fields)
    assert result.total_size == len(case.expected)
    if "ORDER BY" in soql.upper():
        assert got == case.expected
    else:
        assert sorted(got, key=repr) == sorted(case.expected, key=repr)


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 60
