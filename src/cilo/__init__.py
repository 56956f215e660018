from cilo._version import __version__
