"""Root URLconf of the ASGI deployment (config/settings_asgi.py): the contract only.

The admin stays on /django/ (config/urls.py): one place to log in, one login limit at the edge.
"""

from django.urls import include, path

# The same JSON error views as config/urls.py (docs/contract.md: errors are JSON everywhere).
from config.urls import handler400, handler403, handler404, handler500  # noqa: F401

urlpatterns = [
    path("", include("gateway_django.urls_asgi")),
]
