# Fixture for RM001 removed-module-import (target 3.14 unless a
# `# pyshift-fixture: --target-version X` line says otherwise).
import asyncore  # expect: RM001
import imp, os  # expect: RM001
import cgi as legacy_cgi  # expect: RM001
import distutils.core  # expect: RM001
import os.path, telnetlib  # expect: RM001
from distutils.version import LooseVersion  # expect: RM001
from distutils import sysconfig  # expect: RM001
from tkinter import tix  # expect: RM001
from tkinter import ttk  # ok: RM001
import tkinter.tix  # expect: RM001
from lib2to3.pgen2 import token  # expect: RM001
from pipes import (  # expect: RM001
    quote,
    Template,
)
import importlib
import importlib as il
from importlib import import_module
from importlib import import_module as load

crypt_mod = __import__("crypt")  # expect: RM001
nntp = importlib.import_module("nntplib")  # expect: RM001
uu = il.import_module("uu")  # expect: RM001
xdr = import_module("xdrlib")  # expect: RM001
sun = load("sunau")  # expect: RM001
rel = importlib.import_module(".cgi", __package__)  # ok: RM001
dyn = importlib.import_module(name)  # ok: RM001
other = something.import_module("cgi")  # ok: RM001
text = "import cgi"  # ok: RM001
# import cgi  # ok: RM001

# Near misses: names that only look like removed modules.
import imports  # ok: RM001
import cgitb_helpers  # ok: RM001
from asyncio import streams  # ok: RM001
import xml.etree.cElementTree  # ok: RM001
from . import cgi  # ok: RM001
from .imp import thing  # ok: RM001
from ..distutils import core  # ok: RM001

# Fallbacks: the import is guarded, so the target survives it.
try:
    import imp  # ok: RM001
except ImportError:
    imp = None

try:
    from distutils.version import LooseVersion  # ok: RM001
except (AttributeError, ModuleNotFoundError):
    LooseVersion = None

try:
    import pipes  # expect: RM001
except ValueError:
    pipes = None

import sys

if sys.version_info < (3, 12):
    import asynchat  # ok: RM001
else:
    import asyncio  # ok: RM001

if sys.version_info >= (3, 13):
    import mailcap  # expect: RM001
else:
    import mailcap  # ok: RM001

if sys.version_info < (3, 14):
    import imghdr  # expect: RM001

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sndhdr  # ok: RM001


def load_legacy():
    import spwd  # expect: RM001
    return spwd


class Legacy:
    import nis  # expect: RM001


import smtpd  # pyshift: ignore[RM001]
import chunk  # noqa: RM001
import aifc  # noqa: E401  # expect: RM001
