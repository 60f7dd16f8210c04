"""Nothing to report here."""
import importlib.util
import shutil


def which(tool):
    return shutil.which(tool) or importlib.util.find_spec(tool)
