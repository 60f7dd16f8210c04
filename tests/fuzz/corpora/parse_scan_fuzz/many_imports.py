import aifc
from aifc import x as y0
import audioop
from audioop import x as y1
import cgi
from cgi import x as y2
import cgitb
from cgitb import x as y3
import chunk
from chunk import x as y4
import crypt
from crypt import x as y5
import imghdr
from imghdr import x as y6
import mailcap
from mailcap import x as y7
import msilib
from msilib import x as y8
import nis
from nis import x as y9
import nntplib
from nntplib import x as y10
import ossaudiodev
from ossaudiodev import x as y11
import pipes
from pipes import x as y12
import sndhdr
from sndhdr import x as y13
import spwd
from spwd import x as y14
import sunau
from sunau import x as y15
import telnetlib
from telnetlib import x as y16
import uu
from uu import x as y17
import xdrlib
from xdrlib import x as y18
import asynchat
from asynchat import x as y19
import asyncore
from asyncore import x as y20
import smtpd
from smtpd import x as y21
import imp
from imp import x as y22
import distutils
from distutils import x as y23
import lib2to3
from lib2to3 import x as y24
