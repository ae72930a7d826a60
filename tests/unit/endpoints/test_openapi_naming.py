"""Operation ids and tags (upstream GetOperationIDAndTags), checked against published names."""

import pytest

from kapiserver.endpoints.openapi.naming import (
    article_for_noun,
    operation_id_and_tags,
    title,
    to_valid_operation_id,
)


@pytest.mark.parametrize(
    ("operation", "path", "expected_id", "expected_tags"),
    [
        (
            "readNamespacedConfigMap",
            "/api/v1/namespaces/{namespace}/configmaps/{name}",
            "readCoreV1NamespacedConfigMap",
            ["core_v1"],
        ),
        (
            "listConfigMapForAllNamespaces",
            "/api/v1/configmaps",
            "listCoreV1ConfigMapForAllNamespaces",
            ["core_v1"],
        ),
        (
            "deletecollectionNamespacedConfigMap",
            "/api/v1/namespaces/{namespace}/configmaps",
            "deleteCoreV1CollectionNamespacedConfigMap",
            ["core_v1"],
        ),
        (
            "watchConfigMapListForAllNamespaces",
            "/api/v1/watch/configmaps",
            "watchCoreV1ConfigMapListForAllNamespaces",
            ["core_v1"],
        ),
        (
            "replaceNamespaceFinalize",
            "/api/v1/namespaces/{name}/finalize",
            "replaceCoreV1NamespaceFinalize",
            ["core_v1"],
        ),
        (
            "connectGetNamespacedPodExec",
            "/api/v1/namespaces/{namespace}/pods/{name}/exec",
            "connectCoreV1GetNamespacedPodExec",
            ["core_v1"],
        ),
        (
            "connectGetNodeProxyWithPath",
            "/api/v1/nodes/{name}/proxy/{path:*}",
            "connectCoreV1GetNodeProxyWithPath",
            ["core_v1"],
        ),
        (
            "getAPIResources",
            "/apis/rbac.authorization.k8s.io/v1/",
            "getRbacAuthorizationV1APIResources",
            ["rbacAuthorization_v1"],
        ),
        ("getAPIGroup", "/apis/apps/", "getAppsAPIGroup", ["apps"]),
        (
            "getAPIGroup",
            "/apis/flowcontrol.apiserver.k8s.io/",
            "getFlowcontrolApiserverAPIGroup",
            ["flowcontrolApiserver"],
        ),
        ("getAPIVersions", "/api/", "getCoreAPIVersions", ["core"]),
        ("getAPIVersions", "/apis/", "getAPIVersions", ["apis"]),
        ("getCodeVersion", "/version/", "getCodeVersion", ["version"]),
        (
            "getServiceAccountIssuerOpenIDConfiguration",
            "/.well-known/openid-configuration/",
            "getServiceAccountIssuerOpenIDConfiguration",
            ["WellKnown"],
        ),
        ("logFileHandler", "/logs/{logpath:*}", "logFileHandler", ["logs"]),
        (
            "createNamespacedPodEviction",
            "/api/v1/namespaces/{namespace}/pods/{name}/eviction",
            "createCoreV1NamespacedPodEviction",
            ["core_v1"],
        ),
    ],
)
def test_operation_id_and_tags(operation, path, expected_id, expected_tags):
    assert operation_id_and_tags(operation, path) == (expected_id, expected_tags)


def test_operation_without_verb_is_an_error():
    with pytest.raises(ValueError, match="should start with a verb"):
        operation_id_and_tags("frobnicate", "/api/v1/")


def test_valid_operation_id_drops_punctuation_and_leading_digits():
    assert to_valid_operation_id("admissionregistration.k8s", True) == "AdmissionregistrationK8s"
    assert to_valid_operation_id("1abc-def", False) == "AbcDef"


def test_articles_and_titles():
    assert article_for_noun("ConfigMap", " ") == " a "
    assert article_for_noun("Endpoints", " ") == " "
    assert article_for_noun("IngressClass", " ") == " an "
    assert article_for_noun("Eviction", " ") == " an "
    assert title("ephemeralcontainers") == "Ephemeralcontainers"
    assert title("GET".lower()) == "Get"
