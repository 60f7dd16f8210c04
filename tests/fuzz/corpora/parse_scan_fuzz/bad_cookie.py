# coding: no-such-codec
import cgi
