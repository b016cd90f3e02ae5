"""One module per API family; each module docstring lists the REST paths it covers.

Builders here hold a reference to the client and build :class:`~salesforcepy.request.Request`
values; they never do I/O themselves: every request goes through the client's one funnel,
``Client._send``, and the builder returns its ``(body, request)`` tuple unchanged.
"""
