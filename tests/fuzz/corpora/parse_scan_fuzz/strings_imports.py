"""import cgi"""
s = '''
import imp
'''
# import telnetlib
text = "from distutils import core"
