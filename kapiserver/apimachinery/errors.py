"""API errors: one exception type carrying a metav1.Status (upstream apimachinery/pkg/api/errors).

Build them only with the constructors below, named after upstream's, so that code, reason,
message and details are the ones clients expect. `endpoints.responses` is the only code that
turns a StatusError into an HTTP response.

    reason                code  constructor
    BadRequest            400   bad_request
    Unauthorized          401   unauthorized
    Forbidden             403   forbidden
    NotFound              404   not_found, not_found_generic
    MethodNotAllowed      405   method_not_supported, method_not_allowed_generic
    NotAcceptable         406   not_acceptable
    AlreadyExists         409   already_exists, generate_name_conflict
    Conflict              409   conflict, apply_conflict
    Gone / Expired        410   gone, resource_expired
    RequestEntityTooLarge 413   request_entity_too_large
    UnsupportedMediaType  415   unsupported_media_type
    Invalid               422   invalid
    TooManyRequests       429   too_many_requests
    InternalError         500   internal_error
    ServerTimeout         500   server_timeout
    ServiceUnavailable    503   service_unavailable
    Timeout               504   timeout
"""

from __future__ import annotations

from typing import Any

from . import field
from .schema import GroupKind, GroupResource
from .types import Object


class StatusError(Exception):
    """An API error whose body is a complete metav1.Status dict."""

    def __init__(self, status: Object):
        super().__init__(status.get("message", ""))
        self.status = status

    @property
    def code(self) -> int:
        return int(self.status["code"])

    @property
    def reason(self) -> str:
        return str(self.status.get("reason", ""))

    @property
    def message(self) -> str:
        return str(self.status.get("message", ""))


def _status(code: int, reason: str, message: str, details: dict[str, Any] | None = None) -> StatusError:
    status: Object = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message}
    if reason:
        status["reason"] = reason
    if details is not None:
        status["details"] = {k: v for k, v in details.items() if v not in ("", None, 0, [])}
    status["code"] = code
    return StatusError(status)


def _resource_details(gr: GroupResource, name: str = "") -> dict[str, Any]:
    return {"name": name, "group": gr.group, "kind": gr.resource}


def not_found(gr: GroupResource, name: str) -> StatusError:
    return _status(404, "NotFound", f"{gr} {field.go_quote(name)} not found", _resource_details(gr, name))


def not_found_generic() -> StatusError:
    """The answer for paths nothing serves (upstream's NotFound delegate)."""
    return _status(404, "NotFound", "the server could not find the requested resource", {})


def already_exists(gr: GroupResource, name: str) -> StatusError:
    return _status(409, "AlreadyExists", f"{gr} {field.go_quote(name)} already exists", _resource_details(gr, name))


def generate_name_conflict(gr: GroupResource, name: str, retry_after_seconds: int) -> StatusError:
    details = _resource_details(gr, name) | {"retryAfterSeconds": retry_after_seconds}
    message = (f"{gr} {field.go_quote(name)} already exists, "
               "the server was not able to generate a unique name for the object")
    return _status(409, "AlreadyExists", message, details)


def conflict(gr: GroupResource, name: str, reason: str) -> StatusError:
    message = f"Operation cannot be fulfilled on {gr} {field.go_quote(name)}: {reason}"
    return _status(409, "Conflict", message, _resource_details(gr, name))


OPTIMISTIC_LOCK_MESSAGE = "the object has been modified; please apply your changes to the latest version and try again"


def apply_conflict(causes: list[Object], message: str) -> StatusError:
    return _status(409, "Conflict", message, {"causes": causes})


def unauthorized(reason: str = "") -> StatusError:
    return _status(401, "Unauthorized", reason or "not authorized")


def forbidden(gr: GroupResource | None, name: str, reason: str) -> StatusError:
    if gr is None or (not gr.group and not gr.resource):
        return _status(403, "Forbidden", f"forbidden: {reason}", {})
    if not name:
        message = f"{gr} is forbidden: {reason}"
    else:
        message = f"{gr} {field.go_quote(name)} is forbidden: {reason}"
    return _status(403, "Forbidden", message, _resource_details(gr, name))


def gone(message: str) -> StatusError:
    return _status(410, "Gone", message)


def resource_expired(message: str) -> StatusError:
    return _status(410, "Expired", message)


def _cause(reason: str, message: str, field_path: str) -> Object:
    cause: Object = {"reason": reason, "message": message}
    if field_path:
        cause["field"] = field_path
    return cause


def invalid(gk: GroupKind, name: str, errs: field.ErrorList) -> StatusError:
    causes = [_cause(e.type, e.body(), e.field) for e in errs]
    summary = field.aggregate_message(errs)
    quoted = field.go_quote(name)
    message = f"{gk} {quoted} is invalid: {summary}" if summary else f"{gk} {quoted} is invalid"
    details: dict[str, Any] = {"name": name, "group": gk.group, "kind": gk.kind, "causes": causes}
    return _status(422, "Invalid", message, details)


def bad_request(message: str) -> StatusError:
    return _status(400, "BadRequest", message)


def too_many_requests(message: str, retry_after_seconds: int) -> StatusError:
    return _status(429, "TooManyRequests", message, {"retryAfterSeconds": retry_after_seconds})


def service_unavailable(reason: str) -> StatusError:
    return _status(503, "ServiceUnavailable", reason)


def method_not_supported(gr: GroupResource, action: str) -> StatusError:
    message = f"{action} is not supported on resources of kind {field.go_quote(str(gr))}"
    return _status(405, "MethodNotAllowed", message, {"group": gr.group, "kind": gr.resource})


def method_not_allowed_generic() -> StatusError:
    """A method the path does not serve at all (upstream's router answer)."""
    return _status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {})


def not_acceptable(accepted: list[str]) -> StatusError:
    return _status(406, "NotAcceptable", "only the following media types are accepted: " + ", ".join(accepted))


def unsupported_media_type(content_type: str, accepted: list[str]) -> StatusError:
    message = ("the body of the request was in an unknown format - accepted media types include: "
               + ", ".join(accepted))
    return _status(415, "UnsupportedMediaType", message)


def request_entity_too_large(message: str) -> StatusError:
    return _status(413, "RequestEntityTooLarge", f"Request entity too large: {message}")


def server_timeout(gr: GroupResource, operation: str, retry_after_seconds: int) -> StatusError:
    message = f"The {operation} operation against {gr} could not be completed at this time, please try again."
    details = {"name": operation, "group": gr.group, "kind": gr.resource, "retryAfterSeconds": retry_after_seconds}
    return _status(500, "ServerTimeout", message, details)


def internal_error(err: BaseException | str) -> StatusError:
    text = str(err)
    return _status(500, "InternalError", f"Internal error occurred: {text}", {"causes": [{"message": text}]})


def timeout(message: str, retry_after_seconds: int = 0) -> StatusError:
    details = {"retryAfterSeconds": retry_after_seconds} if retry_after_seconds else {}
    return _status(504, "Timeout", f"Timeout: {message}", details)


def from_status(status: Object) -> StatusError:
    """Wrap a Status received from elsewhere (a webhook, an aggregated server)."""
    return StatusError(status)


def is_not_found(err: BaseException) -> bool:
    return isinstance(err, StatusError) and err.reason == "NotFound"


def is_conflict(err: BaseException) -> bool:
    return isinstance(err, StatusError) and err.reason == "Conflict"


def is_already_exists(err: BaseException) -> bool:
    return isinstance(err, StatusError) and err.reason == "AlreadyExists"
