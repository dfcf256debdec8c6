from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("hello", views.hello, name="hello"),
    path("json", views.json_message, name="json"),
    path("db", views.single_query, name="db"),
    path("queries", views.multiple_queries, name="queries"),
    path("fortunes", views.fortunes, name="fortunes"),
    path("io", views.io_wait, name="io"),
    path("info", views.info, name="info"),
    path("messages", views.messages, name="messages"),
    path("healthz", views.healthz, name="healthz"),
]
