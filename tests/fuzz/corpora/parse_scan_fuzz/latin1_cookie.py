# -*- coding: latin-1 -*-
import cgi
s = "café"
