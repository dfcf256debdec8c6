"""Root URLconf: the contract endpoints at the root, the admin under admin/.

Paths here have no /django prefix: Gunicorn moves it into SCRIPT_NAME.
"""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("workloads.urls")),
]

# Errors are JSON everywhere, never Django's HTML error pages.
# https://docs.djangoproject.com/en/5.2/topics/http/views/#customizing-error-views
handler400 = "gateway.errors.bad_request"
handler403 = "gateway.errors.permission_denied"
handler404 = "gateway.errors.page_not_found"
handler500 = "gateway.errors.server_error"
