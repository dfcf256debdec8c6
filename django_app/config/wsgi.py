"""WSGI entry point Gunicorn loads (`config.wsgi:application`).

The /django prefix comes from the SCRIPT_NAME environment variable: Gunicorn
strips it from the request path and sets environ["SCRIPT_NAME"], from which
Django builds every URL it reverses.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()
