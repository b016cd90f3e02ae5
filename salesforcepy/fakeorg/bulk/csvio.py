"""CSV as Bulk API jobs read and write it: delimiters, line endings, decoding, quoting.

Uploaded data is parsed with the :mod:`csv` module (quoted fields may hold delimiters and line
breaks); results are written with it too, every cell quoted, in the job's delimiter and line
ending.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

__all__ = [
    "DELIMITERS",
    "LINE_ENDINGS",
    "CsvProblem",
    "check_line_ending",
    "decode",
    "read_rows",
    "write_rows",
]

DELIMITERS = {
    "COMMA": ",",
    "TAB": "\t",
    "PIPE": "|",
    "SEMICOLON": ";",
    "CARET": "^",
    "BACKQUOTE": "`",
}
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}


class CsvProblem(Exception):
    """Uploaded data that cannot be read at all; the message is the job's ``errorMessage``."""


def decode(data: bytes) -> str:
    """UTF-8 text of an upload, without a byte order mark.

    Raises:
        CsvProblem: the bytes are not UTF-8.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CsvProblem(
            f"ClientInputError : The data is not valid UTF-8 (byte {exc.start})"
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def _first_line_break(text: str) -> str | None:
    """The line break that ends the header row ("\\n" or "\\r\\n"), None for a single line.

    A line break inside a quoted header cell does not count: an even number of quotes before a
    line break means it is outside any quotes.
    """
    quotes = 0
    start = 0
    index = text.find("\n")
    while index != -1:
        quotes += text.count('"', start, index)
        if quotes % 2 == 0:
            return "\r\n" if index and text[index - 1] == "\r" else "\n"
        start = index
        index = text.find("\n", index + 1)
    return None


def check_line_ending(text: str, line_ending: str) -> None:
    """Fail like Salesforce when the header row does not end with the job's line ending.

    Raises:
        CsvProblem: ``ClientInputError : LineEnding is invalid on user data. ...``.
    """
    found = _first_line_break(text)
    if found is None or found == LINE_ENDINGS[line_ending]:
        return
    raise CsvProblem(
        "ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is "
        f"{line_ending}"
    )


def read_rows(text: str, delimiter: str) -> list[list[str]]:
    """Every non-blank row of ``text`` (header included). A line holding only ``""`` is a row
    with one empty value, not a blank line.

    Raises:
        CsvProblem: the csv module cannot read the data.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        return [row for row in reader if row]
    except csv.Error as exc:
        raise CsvProblem(f"ClientInputError : Unable to parse the CSV: {exc}") from None


def write_rows(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    delimiter: str = ",",
    line_ending: str = "\n",
) -> str:
    """CSV text with ``header`` then ``rows``, every cell quoted."""
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator=line_ending, quoting=csv.QUOTE_ALL
    )
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
