"""Sphinx configuration for salesforcepy (``make docs``)."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.abspath(".."))

from salesforcepy import __version__  # noqa: E402 - needs the path above

project = "salesforcepy"
author = "salesforcepy contributors"
copyright = "salesforcepy contributors"  # noqa: A001 - Sphinx's name
release = __version__
version = __version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]

# Google-style docstrings; "Attributes:" sections become fields, so attrs classes are not
# documented twice.
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_ivar = True
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}

exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path: list[str] = []
