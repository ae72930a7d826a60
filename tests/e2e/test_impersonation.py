"""`kubectl --as`: impersonation headers replace the authenticated user (every user may
impersonate under the default AlwaysAllow authorization)."""

from __future__ import annotations

import json

from harness import Server


def whoami(server: Server, *flags: str) -> dict[str, object]:
    return json.loads(server.kubectl("auth", "whoami", "-o", "json", *flags).stdout)["status"]["userInfo"]


def test_kubectl_as_a_user_with_groups_and_extras(server: Server) -> None:
    assert whoami(server, "--as=jane") == {"username": "jane", "groups": ["system:authenticated"]}
    assert whoami(server, "--as=jane", "--as-group=devs", "--as-group=ops", "--as-uid=42",
                  "--as-user-extra=scopes=view") == {
        "username": "jane", "uid": "42", "groups": ["devs", "ops", "system:authenticated"],
        "extra": {"scopes": ["view"]}}


def test_kubectl_as_a_service_account(server: Server, ns: str) -> None:
    assert whoami(server, f"--as=system:serviceaccount:{ns}:robot") == {
        "username": f"system:serviceaccount:{ns}:robot",
        "groups": ["system:serviceaccounts", f"system:serviceaccounts:{ns}", "system:authenticated"]}
    made = server.kubectl("-n", ns, "create", "configmap", "made-by-robot", f"--as=system:serviceaccount:{ns}:robot")
    assert made.stdout == "configmap/made-by-robot created\n"


def test_groups_without_a_user_are_refused(server: Server) -> None:
    answer = server.request("GET", "/api/v1/namespaces", headers={"Impersonate-Group": "devs"})
    assert answer.status == 400
    assert answer.json()["message"] == "requested [{Group  devs    }] without impersonating a user"
