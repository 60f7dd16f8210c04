import cgi  # pyshift: ignore[RM001]
import imp  # pyshift: ignore
import telnetlib  # noqa: RM001
import pipes  # noqa
import crypt  # NOQA:RM001,RM101
import nntplib  # pyshift: ignore[RM] # noqa: E501
import uu  # pyshift: ignore[RM001 RM101, FT]
import xdrlib  # pyshift:ignore[]
import sunau  # noqa:
import msilib  # pyshift: ignorex
# pyshift: ignore-file[RM101]
import _sha256
