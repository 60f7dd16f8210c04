from distutils import *
from tkinter.tix import *
from . import cgi
from .. import imp
from .imp import x
import xml.etree.cElementTree
