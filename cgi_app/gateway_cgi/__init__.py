"""The CGI backend of Gateway Lab: one Python process per request, run by fcgiwrap."""
