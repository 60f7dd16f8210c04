import importlib
import importlib as il
from importlib import import_module as im, reload
m1 = __import__("crypt")
m2 = __import__("distutils.util", fromlist=["x"])
m3 = importlib.import_module("nntplib")
m4 = il.import_module("uu", None)
m5 = im("xdrlib")
m6 = importlib.import_module(".cgi", package=__package__)
m7 = importlib.import_module(f"{name}")
m8 = __import__(name)
m9 = getattr(importlib, "import_module")("mailcap")
