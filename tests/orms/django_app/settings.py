"""Settings of the small Django project strata's ORM test hands to strata.

The database is ORM_DATABASE_URL: sqlite:///absolute/path.db or
postgres://user@host:port/name.
"""

import os
from urllib.parse import urlparse

SECRET_KEY = "strata-orm-test"
INSTALLED_APPS = ["shop"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_url = urlparse(os.environ.get("ORM_DATABASE_URL", "sqlite:///django.db"))
if _url.scheme == "sqlite":
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": _url.path}}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": _url.path.lstrip("/"),
            "HOST": _url.hostname or "",
            "PORT": str(_url.port or ""),
            "USER": _url.username or "",
            "PASSWORD": _url.password or "",
        }
    }
