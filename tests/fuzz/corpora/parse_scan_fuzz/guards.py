import sys
from typing import TYPE_CHECKING
try:
    import imp
except ImportError:
    imp = None
try:
    import cgi
except (ModuleNotFoundError, OSError):
    cgi = None
try:
    import telnetlib
except Exception:
    pass
try:
    import asyncore
except:
    asyncore = None
try:
    import smtpd
except ValueError:
    pass
if TYPE_CHECKING:
    import distutils.core
if sys.version_info < (3, 12):
    import asynchat
else:
    import asyncio
if sys.version_info >= (3, 13):
    import tomllib
else:
    import pipes
if sys.version_info[:2] <= (3, 11):
    from lib2to3 import fixer_base
