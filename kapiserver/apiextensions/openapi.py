"""OpenAPI of custom resources (upstream controller/openapi/builder and v2/conversion.go).

Each served version of an established CRD contributes its routes (upstream's CRD builder:
fewer routes than a built-in kind, JSON and YAML only, its own doc strings) and two
definitions, the kind and its list, named `<reversed group>.<version>.<Kind>`. The schema is
published as upstream publishes the structural schema: int-or-string unfolded into anyOf
for v3; for v2 without allOf/oneOf/anyOf/not, nullable or preserve-unknown-fields nodes
reduced to their description, as kube-openapi's v2 cannot express them. A group version's
web service merges the contributions of every CRD serving it (upstream MergeSpecs).
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import definitions
from kapiserver.apimachinery.types import Object
from kapiserver.endpoints import negotiation
from kapiserver.endpoints.openapi import params
from kapiserver.endpoints.openapi.model import STRING, Param, Response, Route, WebService
from kapiserver.endpoints.openapi.naming import article_for_noun, title

from . import helpers

META = "io.k8s.apimachinery.pkg.apis.meta.v1."
_V2, _V3 = "#/definitions/", "#/components/schemas/"
_OBJECT_METADATA = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/" \
                   "sig-architecture/api-conventions.md#metadata"
_LIST_METADATA = "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/" \
                 "sig-architecture/api-conventions.md#metadata"
_EMBEDDED_API_VERSION = "apiVersion defines the versioned schema of this representation of an object. More info: " \
                        "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources"
_EMBEDDED_KIND = "kind is a string value representing the type of this object. In CamelCase. More info: " \
                 "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"
_RESOURCE_VERSION = next(d for n, _, d in params.OPTIONS["ListOptions"] if n == "resourceVersion")
_MEDIA = (negotiation.JSON, negotiation.YAML)
_PATCH_MEDIA = ("application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml")
_OPTIONS = {"get": (("resourceVersion", "string", _RESOURCE_VERSION),), "list": params.OPTIONS["ListOptions"],
            "deletecollection": params.OPTIONS["ListOptions"], "put": params.OPTIONS["UpdateOptions"],
            "patch": params.OPTIONS["PatchOptions"], "post": params.OPTIONS["CreateOptions"],
            "delete": params.OPTIONS["DeleteOptions"]}
# The structural schema's fields, which is what upstream publishes of a CRD's schema.
_STRUCTURAL_KEYS = (
    "description", "type", "format", "title", "nullable", "default", "maximum", "exclusiveMaximum", "minimum",
    "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "multipleOf",
    "enum", "maxProperties", "minProperties", "required", "items", "allOf", "oneOf", "anyOf", "not", "properties",
    "additionalProperties", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource",
    "x-kubernetes-int-or-string", "x-kubernetes-list-map-keys", "x-kubernetes-list-type", "x-kubernetes-map-type",
    "x-kubernetes-validations",
)


# Extensions published only when true (ToKubeOpenAPI).
_TRUE_ONLY = frozenset({"x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource",
                        "x-kubernetes-int-or-string"})


def model_name(group: str, version: str, kind: str) -> str:
    """upstream gvkToModelName: the group reversed ("com.example.stable.v1.CronTab")."""
    return ".".join(reversed(group.split("."))) + f".{version}.{kind}"


def _type_meta(key: str) -> dict[str, Any]:
    return dict(definitions.load()["io.k8s.api.core.v1.ConfigMap"]["properties"][key])


# -- schemas ---------------------------------------------------------------------------------


def publish(schema: Any, v2: bool) -> Any:
    """A schema node as upstream publishes it (structural fields, unfolded, v2-reduced)."""
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key in _STRUCTURAL_KEYS:
        if key not in schema:
            continue
        value = schema[key]
        if key == "properties" and isinstance(value, dict):
            value = {name: publish(prop, v2) for name, prop in value.items()}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            value = publish(value, v2)
        elif key in ("allOf", "oneOf", "anyOf") and isinstance(value, list):
            value = [publish(v, v2) for v in value]
        elif key in _TRUE_ONLY and value is not True:
            continue
        out[key] = value
    if out.get("x-kubernetes-int-or-string") and not v2:
        _unfold_int_or_string(out)
    _add_embedded(out, v2)
    return _to_v2(out) if v2 else out


def _unfold_int_or_string(node: dict[str, Any]) -> None:
    any_of = [{"type": "integer"}, {"type": "string"}]
    if node.get("anyOf") == any_of or (node.get("allOf") and node["allOf"][0].get("anyOf") == any_of):
        return
    if "anyOf" not in node:
        node["anyOf"] = any_of
    else:
        node["allOf"] = [{"anyOf": any_of}] + list(node.get("allOf") or [])


def _add_embedded(node: dict[str, Any], v2: bool) -> None:
    if not node.get("x-kubernetes-embedded-resource") or (v2 and node.get("x-kubernetes-preserve-unknown-fields")):
        return
    props = node.setdefault("properties", {})
    props["apiVersion"] = {**_type_meta("apiVersion"), "description": _EMBEDDED_API_VERSION}
    props["kind"] = {**_type_meta("kind"), "description": _EMBEDDED_KIND}
    props["metadata"] = _meta_ref("ObjectMeta", _OBJECT_METADATA, v2)
    required = list(node.get("required") or [])
    node["required"] = required + [k for k in ("kind", "apiVersion") if k not in required]


def _to_v2(node: dict[str, Any]) -> dict[str, Any]:
    """upstream ToStructuralOpenAPIV2, for one node (its children are already converted)."""
    for key in ("allOf", "oneOf", "anyOf", "not"):
        node.pop(key, None)
    if node.pop("nullable", False):
        node.pop("type", None)
        node.pop("items", None)
        node.pop("properties", None)
    if node.get("x-kubernetes-preserve-unknown-fields"):
        node.pop("items", None)
        node.pop("properties", None)
        if node.get("type") == "object":
            node.pop("type")
    if node.get("type") == "array" and "items" not in node:
        node.pop("type")
    return node


def _meta_ref(name: str, description: str, v2: bool) -> dict[str, Any]:
    if v2:
        return {"$ref": _V2 + META + name, "description": description}
    return {"allOf": [{"$ref": _V3 + META + name}], "description": description}


def kind_schema(crd: Object, version: str, v2: bool) -> dict[str, Any]:
    group, names = helpers.group(crd), helpers.names(crd)
    schema = helpers.schema_for_version(crd, version)
    gvk = [{"group": group, "kind": names.get("kind", ""), "version": version}]
    preserve = bool(helpers.spec(crd).get("preserveUnknownFields"))
    if schema is None or (v2 and (schema.get("x-kubernetes-preserve-unknown-fields") is True or preserve)):
        out: dict[str, Any] = {"type": "object"}
    else:
        out = publish(schema, v2)
        props = out.setdefault("properties", {})
        props["metadata"] = _meta_ref("ObjectMeta", _OBJECT_METADATA, v2)
        props["apiVersion"] = _type_meta("apiVersion")
        props["kind"] = _type_meta("kind")
    out["x-kubernetes-group-version-kind"] = gvk
    selectable = _selectable_fields(crd, version)
    if selectable:
        out["x-kubernetes-selectable-fields"] = selectable
    return out


def list_schema(crd: Object, version: str, v2: bool) -> dict[str, Any]:
    group, names = helpers.group(crd), helpers.names(crd)
    kind, list_kind, plural = names.get("kind", ""), names.get("listKind", ""), names.get("plural", "")
    ref = (_V2 if v2 else _V3) + model_name(group, version, kind)
    out: dict[str, Any] = {
        "description": f"{list_kind} is a list of {kind}", "type": "object", "required": ["items"],
        "properties": {
            "apiVersion": _type_meta("apiVersion"),
            "items": {"description": f"List of {plural}. More info: https://git.k8s.io/community/contributors/devel/"
                                     "sig-architecture/api-conventions.md", "type": "array", "items": {"$ref": ref}},
            "kind": _type_meta("kind"),
            "metadata": _meta_ref("ListMeta", _LIST_METADATA, v2),
        },
        "x-kubernetes-group-version-kind": [{"group": group, "kind": list_kind, "version": version}],
    }
    selectable = _selectable_fields(crd, version)
    if selectable:
        out["x-kubernetes-selectable-fields"] = selectable
    return out


def _selectable_fields(crd: Object, version: str) -> list[dict[str, str]]:
    found = helpers.find_version(crd, version) or {}
    return [{"fieldPath": str(f.get("jsonPath") or "").removeprefix(".")}
            for f in found.get("selectableFields") or [] if isinstance(f, dict)]


# -- routes ----------------------------------------------------------------------------------


class _Routes:
    """upstream generateBuilder's routes for one CRD version."""

    def __init__(self, crd: Object, version: str):
        names = helpers.names(crd)
        self.group, self.version = helpers.group(crd), version
        self.kind, self.plural = str(names.get("kind", "")), str(names.get("plural", ""))
        self.namespaced = helpers.namespaced(crd)
        self.sample = model_name(self.group, version, self.kind)
        self.sample_list = model_name(self.group, version, str(names.get("listKind", "")))

    def description(self, path: str, verb: str) -> str:
        article = {"list": " objects of kind ", "read": " the specified ", "replace": " the specified ",
                   "patch": " the specified "}.get(verb, "")
        if verb in ("create", "delete"):
            article = article_for_noun(self.kind, " ")
        sub = path.split("/")[2] if path.count("/") >= 2 else ""
        sub = f" {sub} of" if sub else ""
        if verb == "patch":
            return "partially update" + sub + article + self.kind
        if verb == "deletecollection":
            return "delete collection of" + (sub + " a" if sub else "") + " " + self.kind
        return verb + sub + article + self.kind

    def route(self, root: str, path: str, method: str, action: str, verb: str, model: str,
              operation: str = "") -> Route:
        marker = "Namespaced" if self.namespaced else ""
        sub = path.split("/")[2] if path.count("/") >= 2 else ""
        scope: list[Param] = []
        if "{namespace}" in root + path:
            scope.append(Param("namespace", "path", params.NAME_AND_AUTH_SCOPE, required=True))
        if "{name}" in root + path:
            scope.append(Param("name", "path", "name of the " + self.kind, required=True))
        options = [Param(n, "query", d, t) for n, t, d in _OPTIONS.get(action, ())]
        body: list[Param] = []
        if action in ("post", "put"):
            body = [Param("body", "body", required=True, model=model)]
        elif action == "patch":
            body = [Param("body", "body", required=True, model=META + "Patch")]
        elif action == "delete":
            body = [Param("body", "body", model=META + "DeleteOptions")]
        responses = [Response(200, "OK", model)]
        if action == "post":
            responses += [Response(201, "Created", model), Response(202, "Accepted", model)]
        elif action == "delete":
            responses.append(Response(202, "Accepted", model))
        elif action == "put":
            responses.append(Response(201, "Created", model))
        return Route(method, root + path, operation or verb + marker + self.kind + title(sub),
                     self.description(path, verb), (Param("pretty", "query", params.PRETTY), *body, *options, *scope),
                     consumes=_PATCH_MEDIA if method == "PATCH" else _MEDIA, produces=_MEDIA,
                     responses=tuple(responses), action=action, gvk=(self.group, self.version, self.kind))

    def routes(self, crd: Object) -> list[Route]:
        root = f"/apis/{self.group}/{self.version}/{self.plural}"
        out: list[Route] = []
        if self.namespaced:
            out.append(self.route(root, "", "GET", "list", "list", self.sample_list,
                                  f"list{self.kind}ForAllNamespaces"))
            root = f"/apis/{self.group}/{self.version}/namespaces/{{namespace}}/{self.plural}"
        status = META + "Status"
        out += [self.route(root, "", "GET", "list", "list", self.sample_list),
                self.route(root, "", "POST", "post", "create", self.sample),
                self.route(root, "", "DELETE", "deletecollection", "deletecollection", status),
                self.route(root, "/{name}", "GET", "get", "read", self.sample),
                self.route(root, "/{name}", "PUT", "put", "replace", self.sample),
                self.route(root, "/{name}", "DELETE", "delete", "delete", status),
                self.route(root, "/{name}", "PATCH", "patch", "patch", self.sample)]
        if helpers.has_status_subresource(crd, self.version):
            out += [self.route(root, "/{name}/status", m, a, v, self.sample)
                    for m, a, v in (("GET", "get", "read"), ("PUT", "put", "replace"), ("PATCH", "patch", "patch"))]
        if helpers.scale_subresource(crd, self.version) is not None:
            scale = "io.k8s.api.autoscaling.v1.Scale"
            out += [self.route(root, "/{name}/scale", m, a, v, scale)
                    for m, a, v in (("GET", "get", "read"), ("PUT", "put", "replace"), ("PATCH", "patch", "patch"))]
        return out


def group_version_service(group: str, version: str, crds: list[Object]) -> WebService | None:
    """The web service of a CRD group version: every established CRD serving it (None if none)."""
    routes: list[Route] = []
    v2: dict[str, Any] = {}
    v3: dict[str, Any] = {}
    for crd in crds:
        if not helpers.has_served_version(crd, version):
            continue
        builder = _Routes(crd, version)
        routes += builder.routes(crd)
        v2[builder.sample], v3[builder.sample] = kind_schema(crd, version, True), kind_schema(crd, version, False)
        v2[builder.sample_list], v3[builder.sample_list] = list_schema(crd, version, True), list_schema(crd, version,
                                                                                                        False)
    if not routes:
        return None
    return WebService(f"/apis/{group}/{version}", tuple(routes), v2, v3)


__all__ = ["STRING", "group_version_service", "kind_schema", "list_schema", "model_name", "publish"]
