"""Response headers that keep the app offline and safe, and errors that never show a stack trace.

The Content-Security-Policy allows nothing but the app itself: no inline script, no inline style, no
outside address. Errors answer in the shape the client asked for: a page, or for the API
``{"ok": false, "error": ..., "status": ...}``.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def wants_json() -> bool:
    return request.path.startswith(("/sparql", "/api/")) or request.accept_mimetypes.best == "application/json"


def error_response(status: int, message: str) -> Response:
    """The error, as JSON for the API and as a page for people, with its status."""
    if wants_json():
        return make_response(jsonify({"ok": False, "error": message, "status": status}), status)
    return make_response(render_template("error.html", status=status, message=message), status)


def init_app(app: Flask) -> None:
    @app.after_request
    def headers(response):
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        if request.path == "/sparql":
            # Browser clients on other origins (YASGUI) may read the endpoint: it is read-only, with no cookies.
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return error_response(error.code or 500, error.description or error.name)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("Unexpected error")
        return error_response(500, "Something went wrong on our side; the error has been logged.")
