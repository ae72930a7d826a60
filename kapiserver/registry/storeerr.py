"""Storage errors to API errors (upstream k8s.io/apiserver/pkg/storage/errors + list/watch cases)."""

from __future__ import annotations

from kapiserver.apimachinery import errors
from kapiserver.apimachinery.schema import GroupResource
from kapiserver.storage import errors as storage_errors

_EXPIRED_LIST = "The resourceVersion for the provided list is too old."
_EXPIRED_WATCH = "The resourceVersion for the provided watch is too old."
_INCONSISTENT_CONTINUE = (
    "The provided continue parameter is too old to display a consistent list result. You can start a new list "
    "without the continue parameter, or use the continue token in this response to retrieve the remainder of the "
    "results. Continuing with the provided token results in an inconsistent list - objects that were created, "
    "modified, or deleted between the time the first chunk was returned and now may show up in the list.")


def _common(err: BaseException) -> errors.StatusError | None:
    if isinstance(err, errors.StatusError):
        return err
    if isinstance(err, storage_errors.ResourceVersionTooLarge):
        status = errors.timeout(str(err), 1)
        # StatusDetails' field order: causes come before retryAfterSeconds.
        status.status["details"] = {
            "causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
            **status.status.get("details", {})}
        return status
    if isinstance(err, storage_errors.InvalidResourceVersion):
        return errors.bad_request(f"invalid resource version: {err}")
    if isinstance(err, storage_errors.InvalidContinue):
        text = str(err)
        if text.startswith("specifying"):
            return errors.bad_request(text)
        return errors.bad_request(f"invalid continue token: {text}")
    if isinstance(err, storage_errors.StorageError) and err.code == storage_errors.CORRUPT_OBJ:
        return errors.internal_error(err)
    return None


def interpret_get_error(err: BaseException, gr: GroupResource, name: str) -> errors.StatusError:
    if isinstance(err, storage_errors.StorageError):
        if err.code == storage_errors.KEY_NOT_FOUND:
            return errors.not_found(gr, name)
        if err.code in (storage_errors.UNREACHABLE, storage_errors.TIMEOUT):
            return errors.server_timeout(gr, "get", 2)
    return _common(err) or errors.internal_error(err)


def interpret_list_error(err: BaseException, gr: GroupResource) -> errors.StatusError:
    if isinstance(err, storage_errors.ResourceVersionTooOld):
        return errors.resource_expired(_EXPIRED_LIST)
    if isinstance(err, storage_errors.ContinueExpired):
        status = errors.resource_expired(_INCONSISTENT_CONTINUE)
        status.status["metadata"] = {"continue": err.token}
        return status
    if isinstance(err, storage_errors.StorageError):
        if err.code == storage_errors.KEY_NOT_FOUND:
            return errors.not_found(gr, "")
        if err.code in (storage_errors.UNREACHABLE, storage_errors.TIMEOUT):
            return errors.server_timeout(gr, "list", 2)
    return _common(err) or errors.internal_error(err)


def interpret_watch_error(err: BaseException, gr: GroupResource) -> errors.StatusError:
    if isinstance(err, storage_errors.CacheResourceVersionTooOld):
        # The watch cache's wording: what clients of kube-apiserver see with its cache on.
        return errors.resource_expired(str(err))
    if isinstance(err, storage_errors.ResourceVersionTooOld):
        # The backend's (etcd's) wording, for --watch-cache=false.
        return errors.resource_expired(_EXPIRED_WATCH)
    return _common(err) or errors.internal_error(err)


def interpret_create_error(err: BaseException, gr: GroupResource, name: str) -> errors.StatusError:
    if isinstance(err, storage_errors.StorageError):
        if err.code == storage_errors.KEY_EXISTS:
            return errors.already_exists(gr, name)
        if err.code in (storage_errors.UNREACHABLE, storage_errors.TIMEOUT):
            return errors.server_timeout(gr, "create", 2)
    return _common(err) or errors.internal_error(err)


def interpret_update_error(err: BaseException, gr: GroupResource, name: str) -> errors.StatusError:
    if isinstance(err, storage_errors.StorageError):
        if err.code in (storage_errors.RESOURCE_VERSION_CONFLICTS, storage_errors.KEY_EXISTS,
                        storage_errors.INVALID_OBJ):
            return errors.conflict(gr, name, str(err))
        if err.code in (storage_errors.UNREACHABLE, storage_errors.TIMEOUT):
            return errors.server_timeout(gr, "update", 2)
        if err.code == storage_errors.KEY_NOT_FOUND:
            return errors.not_found(gr, name)
    return _common(err) or errors.internal_error(err)


def interpret_delete_error(err: BaseException, gr: GroupResource, name: str) -> errors.StatusError:
    if isinstance(err, storage_errors.StorageError):
        if err.code == storage_errors.KEY_NOT_FOUND:
            return errors.not_found(gr, name)
        if err.code in (storage_errors.UNREACHABLE, storage_errors.TIMEOUT):
            return errors.server_timeout(gr, "delete", 2)
        if err.code in (storage_errors.RESOURCE_VERSION_CONFLICTS, storage_errors.KEY_EXISTS,
                        storage_errors.INVALID_OBJ):
            return errors.conflict(gr, name, str(err))
    return _common(err) or errors.internal_error(err)
