"""A small application that predates Python 3.13: pyshift's sample tree."""
