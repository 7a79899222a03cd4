"""sscli: a command-line client for clouds that speak the Apache CloudStack API."""

__version__ = "0.1.0"
