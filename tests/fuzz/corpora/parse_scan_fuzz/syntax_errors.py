import cgi
def f(:
    import imp
class
from distutils import (
import telnetlib as
x = [1, 2
print "hello"
import asyncore
