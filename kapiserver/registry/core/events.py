"""events, core/v1 (upstream pkg/registry/core/event, pkg/apis/core/validation/events.go).

One storage serves core/v1 and events.k8s.io Events; validation depends on the group
version of the request: core/v1 (and events.k8s.io/v1beta1) keep the legacy rules for
backwards compatibility, newer versions add the strict ones. Events expire after
--event-ttl: the provider passes the configured value to `events_spec()`.
"""

from __future__ import annotations

import dataclasses

from kapiserver.apimachinery import field, metav1_validation, objectmeta, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.table import NAME_DESCRIPTION, Column, Printer, name_of, translate_timestamp_since

DEFAULT_EVENT_TTL_SECONDS = 3600
REPORTING_INSTANCE_LENGTH_LIMIT = 128
ACTION_LENGTH_LIMIT = 128
REASON_LENGTH_LIMIT = 128
NOTE_LENGTH_LIMIT = 1024
_LEGACY_VERSIONS = (("", "v1"), ("events.k8s.io", "v1beta1"))
# (JSON name, the path upstream reports it under: the internal field name).
_IMMUTABLE_ON_STRICT_UPDATE = tuple((name, name) for name in (
    "involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "reason", "type",
    "eventTime", "action", "related")) + (("reportingComponent", "reportingController"),
                                          ("reportingInstance", "reportingInstance"))
# core/v1 spells ReportingController `reportingComponent` on the wire; errors use the Go name.
REPORTING_CONTROLLER = "reportingComponent"


def _blen(value: object) -> int:
    return len(str(value or "").encode())


def _max_len(errs: field.ErrorList, event: Object, name: str, limit: int) -> None:
    if _blen(event.get(name)) > limit:
        errs.append(field.invalid(field.new_path(name), "", f"can have at most {limit} characters"))


def _validate_new_style(event: Object, involved_namespace: str, namespace: str) -> field.ErrorList:
    """The rules an Event with eventTime set (a "new" event) must follow, in any version."""
    errs: field.ErrorList = []
    if not involved_namespace and namespace not in ("default", "kube-system"):
        errs.append(field.invalid(field.new_path("involvedObject", "namespace"), involved_namespace,
                                  "does not match event.namespace"))
    controller = event.get(REPORTING_CONTROLLER) or ""
    if not controller:
        errs.append(field.required(field.new_path("reportingController"), ""))
    errs += [field.invalid(field.new_path("reportingController"), controller, msg)
             for msg in validation.is_qualified_name(controller)]
    if not event.get("reportingInstance"):
        errs.append(field.required(field.new_path("reportingInstance"), ""))
    _max_len(errs, event, "reportingInstance", REPORTING_INSTANCE_LENGTH_LIMIT)
    if not event.get("action"):
        errs.append(field.required(field.new_path("action"), ""))
    _max_len(errs, event, "action", ACTION_LENGTH_LIMIT)
    if not event.get("reason"):
        errs.append(field.required(field.new_path("reason"), ""))
    _max_len(errs, event, "reason", REASON_LENGTH_LIMIT)
    _max_len(errs, event, "message", NOTE_LENGTH_LIMIT)
    return errs


def legacy_validate_event(event: Object) -> field.ErrorList:
    namespace = event.get("metadata", {}).get("namespace") or ""
    involved_namespace = (event.get("involvedObject") or {}).get("namespace") or ""
    errs: field.ErrorList = []
    if metav1_validation.is_zero_time(event.get("eventTime")):
        if involved_namespace:
            mismatch = namespace != involved_namespace
        else:
            mismatch = namespace not in ("", "default")
        if mismatch:
            errs.append(field.invalid(field.new_path("involvedObject", "namespace"), involved_namespace,
                                      "does not match event.namespace"))
    else:
        errs += _validate_new_style(event, involved_namespace, namespace)
    errs += [field.invalid(field.new_path("namespace"), namespace, msg)
             for msg in validation.is_dns1123_subdomain(namespace)]
    return errs


def _validate_series(event: Object) -> field.ErrorList:
    series = event.get("series")
    if not isinstance(series, dict):
        return []
    errs: field.ErrorList = []
    if int(series.get("count") or 0) < 2:
        errs.append(field.invalid(field.new_path("series.count"), "", "should be at least 2"))
    if metav1_validation.is_zero_time(series.get("lastObservedTime")):
        errs.append(field.required(field.new_path("series.lastObservedTime"), ""))
    return errs


def _is_legacy(ctx: RequestContext) -> bool:
    return (ctx.api_group, ctx.api_version) in _LEGACY_VERSIONS


def validate_event_create(ctx: RequestContext, event: Object) -> field.ErrorList:
    errs = legacy_validate_event(event)
    if _is_legacy(ctx):
        return errs
    errs += objectmeta.validate_object_meta(event.get("metadata", {}), True, objectmeta.name_is_dns_subdomain,
                                            field.new_path("metadata"))
    errs += _validate_series(event)
    if metav1_validation.is_zero_time(event.get("eventTime")):
        errs.append(field.required(field.new_path("eventTime"), ""))
    kind = event.get("type") or ""
    if kind not in ("Normal", "Warning"):
        errs.append(field.invalid(field.new_path("type"), "", f"has invalid value: {kind}"))
    for name in ("firstTimestamp", "lastTimestamp"):
        if not metav1_validation.is_zero_time(event.get(name)):
            errs.append(field.invalid(field.new_path(name), "", "needs to be unset"))
    if event.get("count"):
        errs.append(field.invalid(field.new_path("count"), "", "needs to be unset"))
    source = event.get("source") or {}
    if source.get("component") or source.get("host"):
        errs.append(field.invalid(field.new_path("source"), "", "needs to be unset"))
    return errs


def validate_event_update(ctx: RequestContext, event: Object, old: Object) -> field.ErrorList:
    errs = legacy_validate_event(event)
    if _is_legacy(ctx):
        return errs
    errs += objectmeta.validate_object_meta_update(event.get("metadata", {}), old.get("metadata", {}),
                                                   field.new_path("metadata"))
    if event.get("series") != old.get("series"):
        errs += _validate_series(event)
    for name, path in _IMMUTABLE_ON_STRICT_UPDATE:
        errs += objectmeta.validate_immutable_field(event.get(name), old.get(name), field.new_path(path))
    return errs


# Event fields Go's encoder always writes: structs, times (null when zero), non-omitempty strings.
_ALWAYS_WRITTEN: tuple[tuple[str, object], ...] = (
    ("involvedObject", {}), ("source", {}), ("firstTimestamp", None), ("lastTimestamp", None),
    ("eventTime", None), (REPORTING_CONTROLLER, ""), ("reportingInstance", ""))


class EventStrategy(Strategy):
    allow_create_on_update = True
    default_garbage_collection_policy = "Unsupported"

    def default(self, obj: Object) -> None:
        """No defaults upstream; the fields a v1 round trip always writes are filled in, as Go leaves them."""
        for name, zero in _ALWAYS_WRITTEN:
            if name not in obj:
                obj[name] = {} if isinstance(zero, dict) else zero

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_event_create(ctx, obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_event_update(ctx, obj, old)


def selectable_fields(event: Object) -> dict[str, str]:
    """ToSelectableFields: `source` falls back to reportingController, as core/v1 readers expect."""
    involved = event.get("involvedObject") or {}
    source = (event.get("source") or {}).get("component") or event.get(REPORTING_CONTROLLER) or ""
    out = {f"involvedObject.{key}": str(involved.get(key) or "")
           for key in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")}
    out.update({"reason": event.get("reason") or "", "reportingComponent": event.get(REPORTING_CONTROLLER) or "",
                "source": source, "type": event.get("type") or ""})
    return out


def format_event_source(event: Object) -> str:
    """formatEventSource: component (or reportingController), then ", host" (or reportingInstance)."""
    source = event.get("source") or {}
    component = source.get("component") or event.get(REPORTING_CONTROLLER) or ""
    instance = source.get("host") or event.get("reportingInstance") or ""
    return f"{component}, {instance}" if instance else component


def _row(event: Object) -> list[object]:
    first = event.get("firstTimestamp")
    first_seen = translate_timestamp_since(first if not metav1_validation.is_zero_time(first) else
                                           event.get("eventTime"))
    last = event.get("lastTimestamp")
    last_seen = first_seen if metav1_validation.is_zero_time(last) else translate_timestamp_since(last)
    count = int(event.get("count") or 0)
    series = event.get("series")
    if isinstance(series, dict):
        last_seen = translate_timestamp_since(series.get("lastObservedTime"))
        count = int(series.get("count") or 0)
    elif count == 0:
        count = 1
    involved = event.get("involvedObject") or {}
    kind = str(involved.get("kind") or "").lower()
    target = f"{kind}/{involved['name']}" if involved.get("name") else kind
    return [last_seen, event.get("type") or "", event.get("reason") or "", target, involved.get("fieldPath") or "",
            format_event_source(event), str(event.get("message") or "").strip(), first_seen, count, name_of(event)]


FIELD_PATH_DESCRIPTION = (
    "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go "
    "field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to "
    'a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the '
    'name of the container that triggered the event) or if no container name is specified "spec.containers[2]" '
    "(container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a "
    "part of an object.")

EVENT_PRINTER = Printer((
    Column("Last Seen", "string", "", "The time at which the most recent occurrence of this event was recorded."),
    Column("Type", "string", "", "Type of this event (Normal, Warning), new types could be added in the future"),
    Column("Reason", "string", "", "This should be a short, machine understandable string that gives the reason for "
                                   "the transition into the object's current status."),
    Column("Object", "string", "", "The object that this event is about."),
    Column("Subobject", "string", "", FIELD_PATH_DESCRIPTION, 1),
    Column("Source", "string", "", "The component reporting this event. Should be a short machine understandable "
                                   "string.", 1),
    Column("Message", "string", "", "A human-readable description of the status of this operation."),
    Column("First Seen", "string", "", "The time at which the event was first recorded. (Time of server receipt is "
                                       "in TypeMeta.)", 1),
    Column("Count", "string", "", "The number of times this event has occurred.", 1),
    Column("Name", "string", "name", NAME_DESCRIPTION, 1),
), _row)

EVENTS = ResourceSpec(
    group="", version="v1", kind="Event", plural="events", singular="event", namespaced=True,
    strategy=EventStrategy(), short_names=("ev",), printer=EVENT_PRINTER, fields=selectable_fields,
    ttl_seconds=DEFAULT_EVENT_TTL_SECONDS,
)


def events_spec(ttl_seconds: int = DEFAULT_EVENT_TTL_SECONDS) -> ResourceSpec:
    """The events spec with the configured --event-ttl (upstream NewREST(optsGetter, ttl))."""
    return EVENTS if ttl_seconds == EVENTS.ttl_seconds else dataclasses.replace(EVENTS, ttl_seconds=ttl_seconds)
