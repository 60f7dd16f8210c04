# coding: utf-16
import cgi
