import _sha256, _sha512
import _bootsubprocess
from _crypt import crypt
import importlib.resources._legacy as legacy
from _compression import DecompressReader
import mypkg.cgi
import mypkg
from mypkg import imp
