"""GET /fortunes: the TechEmpower fortunes page, escaped by the template (docs/contract.md)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gateway_django.errors import allow
from gateway_django.models import Fortune

ADDED_FORTUNE = "Additional fortune added at request time."


@allow("GET")
def fortunes(request: HttpRequest) -> HttpResponse:
    rows = list(Fortune.objects.all())
    rows.append(Fortune(id=0, message=ADDED_FORTUNE))
    rows.sort(key=lambda fortune: fortune.message)
    # The template's autoescaping escapes every message.
    return render(request, "gateway_django/fortunes.html", {"fortunes": rows})
