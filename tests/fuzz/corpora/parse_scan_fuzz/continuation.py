from distutils.version \
    import LooseVersion
import os, \
    imp
from tkinter import (
    ttk,
    tix,
)
