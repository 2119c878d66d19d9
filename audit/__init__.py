"""audit: find out how easy it is for residents to reach their municipality's customer service."""

__version__ = "0.1.0"
