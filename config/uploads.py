"""A cap on the request body (settings.REQUEST_BODY_MAX_BYTES): a request declaring a larger body is answered 413
before anything reads it, and the upload handler stops counting bytes at the limit, so no oversized upload is
written to disk whatever the client declared. The web server in front should cap it too (README)."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import render


def body_limit() -> int:
    return settings.REQUEST_BODY_MAX_BYTES


class BodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > body_limit():
            response = render(request, "413.html", {"limit_mb": body_limit() // (1024 * 1024)}, status=413)
            response["Connection"] = "close"  # the rest of the body is not read
            return response
        return self.get_response(request)


class BodyLimitUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: counts the bytes of every file of the request and stops the upload (the
    files are dropped, the form then says a file is missing) once they pass the limit."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        if content_length and content_length > body_limit():
            raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > body_limit():
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None
