"""Pod spec field errors print composite bad values as v1.35 does: json.Marshal of the internal type."""

from __future__ import annotations

from kapiserver.apimachinery import field
from kapiserver.registry.core.podspec import validation, validation_scheduling, validation_security

PATH = field.new_path("sc")


def messages(errs: field.ErrorList) -> list[str]:
    return [str(e) for e in errs]


def test_seccomp_profile_is_printed_whole() -> None:
    errs = validation_security.validate_seccomp_profile_field({"type": "RuntimeDefault", "localhostProfile": "p"},
                                                              PATH)
    assert messages(errs) == [('sc.localhostProfile: Invalid value: {"Type":"RuntimeDefault","LocalhostProfile":"p"}: '
                              "can only be set when seccomp type is Localhost")]


def test_string_pointers_print_their_string() -> None:
    errs = validation_security.validate_app_armor_profile_field({"type": "Unconfined", "localhostProfile": "p"}, PATH)
    assert messages(errs) == [('sc.localhostProfile: Invalid value: "p": can only be set when AppArmor type is '
                              "Localhost")]
    errs = validation_security.validate_windows_options({"gmsaCredentialSpec": ""}, PATH)
    assert messages(errs) == ['sc.gmsaCredentialSpec: Invalid value: "": gmsaCredentialSpec cannot be an empty string']


def test_container_security_context_is_printed_as_the_internal_struct() -> None:
    context = {"allowPrivilegeEscalation": False, "capabilities": {"add": ["CAP_SYS_ADMIN"]}, "runAsUser": 7}
    errs = validation_security.validate_security_context(context, PATH, True)
    assert messages(errs) == [
        ('sc: Invalid value: {"Capabilities":{"Add":["CAP_SYS_ADMIN"],"Drop":null},"Privileged":null,'
        '"SELinuxOptions":null,"WindowsOptions":null,"RunAsUser":7,"RunAsGroup":null,"RunAsNonRoot":null,'
        '"ReadOnlyRootFilesystem":null,"AllowPrivilegeEscalation":false,"ProcMount":null,"SeccompProfile":null,'
        '"AppArmorProfile":null}: cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN')]


def test_resource_claim_and_toleration_print_their_structs() -> None:
    errs = validation._validate_resource_claims([{"name": "a"}], field.new_path("resourceClaims"))
    assert messages(errs) == [('resourceClaims[0]: Invalid value: {"Name":"a","ResourceClaimName":null,'
                              '"ResourceClaimTemplateName":null}: must specify one of: `resourceClaimName`, '
                              "`resourceClaimTemplateName`")]
    errs = validation_scheduling.validate_tolerations([{"key": "k", "operator": "Exists", "value": "v"}],
                                                      field.new_path("tolerations"))
    assert messages(errs) == [('tolerations[0].operator: Invalid value: {"Key":"k","Operator":"Exists","Value":"v",'
                              '"Effect":"","TolerationSeconds":null}: value must be empty when `operator` is '
                              "'Exists'")]
