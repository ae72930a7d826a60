"""The OpenAPI 3 form of the bundled definitions, against upstream's v1.35 v3 documents."""

from kapiserver.endpoints.openapi import defaults, schemas

CORE = "io.k8s.api.core.v1."
META = "io.k8s.apimachinery.pkg.apis.meta.v1."


def test_reference_with_siblings_is_wrapped_in_all_of():
    metadata = schemas.v3_schema(CORE + "ConfigMap")["properties"]["metadata"]
    assert metadata == {
        "allOf": [{"$ref": "#/components/schemas/" + META + "ObjectMeta"}],
        "default": {},
        "description": "Standard object's metadata. More info: "
        "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
    }


def test_bare_reference_stays_bare():
    # []*T elements have no default, so the reference has no siblings.
    items = schemas.v3_schema(META + "ObjectMeta")["properties"]["ownerReferences"]["items"]
    assert items == {"allOf": [{"$ref": "#/components/schemas/" + META + "OwnerReference"}], "default": {}}
    status = schemas.v3_schema(CORE + "Pod")["properties"]["status"]
    assert (
        status["allOf"] == [{"$ref": "#/components/schemas/" + CORE + "PodStatus"}]
        and status["default"] == {}
    )


def test_zero_defaults():
    port = schemas.v3_schema(CORE + "ContainerPort")["properties"]
    assert port["containerPort"]["default"] == 0  # int32 without omitempty
    assert "default" not in port["hostPort"]  # omitempty
    assert port["protocol"]["default"] == "TCP"  # +default marker
    container = schemas.v3_schema(CORE + "Container")["properties"]
    assert container["name"]["default"] == ""
    assert container["args"]["items"] == {"type": "string", "default": ""}
    assert "default" not in container["securityContext"]  # pointer
    assert "default" not in container["args"]  # slice
    config_map = schemas.v3_schema(CORE + "ConfigMap")["properties"]
    assert config_map["data"]["additionalProperties"] == {"type": "string", "default": ""}
    assert config_map["binaryData"]["additionalProperties"] == {"type": "string", "format": "byte"}


def test_own_json_forms_get_no_default():
    meta = schemas.v3_schema(META + "ObjectMeta")["properties"]
    assert "default" not in meta["creationTimestamp"]  # metav1.Time by value
    resources = schemas.v3_schema(CORE + "ResourceRequirements")["properties"]
    assert resources["limits"]["additionalProperties"] == {
        "$ref": "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity"
    }


def test_embedded_struct_brings_its_markers():
    # ConfigMapEnvSource inlines LocalObjectReference, whose name has `+default=""`.
    assert schemas.v3_schema(CORE + "ConfigMapEnvSource")["properties"]["name"]["default"] == ""
    assert "default" not in schemas.v3_schema(CORE + "ConfigMapEnvSource")["properties"]["optional"]


def test_named_string_slices():
    assert schemas.v3_schema(META + "APIResource")["properties"]["verbs"]["items"]["default"] == ""
    extra = schemas.v3_schema("io.k8s.api.authentication.v1.UserInfo")["properties"]["extra"]
    assert extra["additionalProperties"]["items"] == {"type": "string", "default": ""}


def test_kinds_outside_the_protobuf_table():
    crd = schemas.v3_schema(
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition"
    )
    assert crd["properties"]["spec"]["default"] == {}
    info = schemas.v3_schema("io.k8s.apimachinery.pkg.version.Info")["properties"]
    assert info["gitVersion"]["default"] == "" and "default" not in info["emulationMajor"]


def test_int_or_string_and_quantity_forms():
    assert schemas.v3_schema("io.k8s.apimachinery.pkg.util.intstr.IntOrString") == {
        "description": schemas.v3_schema("io.k8s.apimachinery.pkg.util.intstr.IntOrString")["description"],
        "format": "int-or-string",
        "oneOf": [{"type": "integer"}, {"type": "string"}],
    }
    quantity = schemas.v3_schema("io.k8s.apimachinery.pkg.api.resource.Quantity")
    assert quantity["oneOf"] == [{"type": "string"}, {"type": "number"}] and "type" not in quantity


def test_extensions_are_values_not_schemas():
    pod_spec = schemas.v3_schema(CORE + "PodSpec")["properties"]
    assert pod_spec["containers"]["x-kubernetes-patch-merge-key"] == "name"
    assert pod_spec["containers"]["x-kubernetes-list-map-keys"] == ["name"]
    gvk = schemas.v3_schema(CORE + "Pod")["x-kubernetes-group-version-kind"]
    assert gvk == [{"group": "", "kind": "Pod", "version": "v1"}]


def test_definitions_are_not_changed():
    schemas.v3_schema(CORE + "ConfigMap")
    from kapiserver.apimachinery import definitions

    metadata = definitions.load()[CORE + "ConfigMap"]["properties"]["metadata"]
    assert metadata == {
        "$ref": "#/definitions/" + META + "ObjectMeta",
        "description": metadata["description"],
    }


def test_closure_follows_references():
    reached = schemas.closure([CORE + "ConfigMapList"])
    assert {
        CORE + "ConfigMap",
        META + "ListMeta",
        META + "ObjectMeta",
        META + "ManagedFieldsEntry",
        META + "FieldsV1",
        META + "Time",
        META + "OwnerReference",
    } == reached - {CORE + "ConfigMapList"}


def test_placements_cover_markers_once():
    found = defaults.placements(CORE + "ServicePort")
    assert ("protocol", "self", "TCP") in found
    assert len({(name, where) for name, where, _ in found}) == len(found)
