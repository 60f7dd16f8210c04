"""CGI entry point written for Python 3.8."""
import cgi
import cgitb
import sys

cgitb.enable()


def main():
    form = cgi.FieldStorage()
    name = form.getfirst("name", "world")
    sys.stdout.write("Content-Type: text/plain\r\n\r\nhello %s\n" % name)
