"""A local Salesforce org over real HTTP(S) and SQLite, for demos, tests and benchmarks.

Importing this package must not import werkzeug, lark or trustme: they are the optional ``fakeorg``
extra and are loaded only when a fake org is actually started.
"""
