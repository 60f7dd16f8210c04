import cgi
if True:
	import imp
		x = 1
from distutils \
    import core
