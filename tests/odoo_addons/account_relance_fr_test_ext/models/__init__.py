from . import extension
