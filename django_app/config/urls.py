"""Root URLconf: the contract endpoints at the root, the admin under admin/.

Paths here have no /django prefix: Gunicorn moves it into SCRIPT_NAME.
"""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("gateway_django.urls")),
]

# Errors are JSON everywhere, never Django's HTML error pages (docs/contract.md).
# https://docs.djangoproject.com/en/5.2/topics/http/views/#customizing-error-views
handler400 = "gateway_django.errors.bad_request"
handler403 = "gateway_django.errors.permission_denied"
handler404 = "gateway_django.errors.page_not_found"
handler500 = "gateway_django.errors.server_error"
