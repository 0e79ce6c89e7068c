"""Public certificate pages (no login): whether a certificate is valid, and its PDF."""

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .certificates import course_title_for_reader, render_pdf
from .models import Certificate

_CERTIFICATE_CODE = re.compile(r"[A-Z0-9-]{1,40}")


def _get_certificate(code: str) -> Certificate | None:
    """The certificate with this code (typed in any case, with or without spaces), or None."""
    normalised = "".join(code.split()).upper()
    if not _CERTIFICATE_CODE.fullmatch(normalised):
        return None  # also keeps NUL bytes and other oddities away from the database
    return Certificate.objects.select_related("course").filter(code=normalised).first()


def _certificate_not_found(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "courses/certificate_not_found.html", {"code": code[:60]}, status=404)


@require_GET
@never_cache
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: whether the certificate with this code is valid, and only what proves it."""
    certificate = _get_certificate(code)
    if certificate is None:
        return _certificate_not_found(request, code)
    response = render(
        request,
        "courses/certificate_verify.html",
        {"certificate": certificate, "course_title": course_title_for_reader(certificate)},
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
@never_cache
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """Public, like the verification page: the certificate as a PDF (marked when revoked)."""
    certificate = _get_certificate(code)
    if certificate is None:
        return _certificate_not_found(request, code)
    pdf = render_pdf(
        certificate, verify_url=request.build_absolute_uri(certificate.get_absolute_url())
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"certificate-{slugify(certificate.course_title)[:60]}-{certificate.code}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex"
    return response
