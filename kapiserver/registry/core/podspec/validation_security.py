"""Security settings of pods and containers (upstream validatePodSpecSecurityContext,
ValidateSecurityContext, seccomp/AppArmor profiles, Windows options, sysctls, OS and
host-namespace rules).

In the v1 API hostNetwork, hostPID, hostIPC, hostUsers and shareProcessNamespace sit on the
PodSpec; upstream validates them inside the internal PodSecurityContext, so some of the
paths below (spec.securityContext.shareProcessNamespace, spec.HostPID) are upstream's own.
"""

from __future__ import annotations

import re

from kapiserver.apimachinery import field, validation
from kapiserver.apimachinery.types import Object

from .. import internal_json
from . import features, helpers
from .access import as_dict, as_int, as_str, dicts
from .options import PodValidationOptions
from .paths import validate_local_descending_path

SYSCTL_SEGMENT_FMT = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
SYSCTL_CONTAIN_SLASH_FMT = "(" + SYSCTL_SEGMENT_FMT + "[\\./])*" + SYSCTL_SEGMENT_FMT
SYSCTL_MAX_LENGTH = 253
_SYSCTL_RE = re.compile(SYSCTL_CONTAIN_SLASH_FMT)
_SECCOMP_TYPES = ["Localhost", "RuntimeDefault", "Unconfined"]
_WINDOWS_FORBIDDEN = "cannot be set for a windows pod"


def sysctl_namespace(name: str) -> str:
    """upstream utilsysctl.GetNamespace: "ipc", "net" or "" for a node-level sysctl."""
    slash, dot = name.find("/"), name.find(".")
    if slash != -1 and (dot == -1 or slash < dot):
        name = name.translate(str.maketrans("./", "/."))
    if name == "kernel.sem":
        return "ipc"
    if name.startswith(("kernel.shm", "kernel.msg", "fs.mqueue.")):
        return "ipc"
    return "net" if name.startswith("net.") else ""


def validate_seccomp_profile_field(profile: object, path: field.Path) -> field.ErrorList:
    if not isinstance(profile, dict):
        return []
    errs: field.ErrorList = []
    kind = as_str(profile.get("type"))
    if not kind:
        errs.append(field.required(path.child("type"), "type is required when seccompProfile is set"))
    elif kind not in _SECCOMP_TYPES:
        errs.append(field.not_supported(path.child("type"), kind, _SECCOMP_TYPES))
    local = profile.get("localhostProfile")
    if kind == "Localhost":
        if local is None:
            errs.append(field.required(path.child("localhostProfile"), "must be set when seccomp type is Localhost"))
        else:
            errs += validate_local_descending_path(as_str(local), path.child("localhostProfile"))
    elif local is not None:
        errs.append(field.invalid(path.child("localhostProfile"), internal_json.marshal(profile, "core.v1.SeccompProfile"),
                                  "can only be set when seccomp type is Localhost"))
    return errs


def validate_app_armor_profile_field(profile: object, path: field.Path) -> field.ErrorList:
    if not isinstance(profile, dict):
        return []
    kind = as_str(profile.get("type"))
    local = profile.get("localhostProfile")
    errs: field.ErrorList = []
    if kind == "Localhost":
        if local is None:
            errs.append(field.required(path.child("localhostProfile"), "must be set when AppArmor type is Localhost"))
        else:
            text = as_str(local)
            if text.strip() != text:
                errs.append(field.invalid(path.child("localhostProfile"), text, "must not be padded with whitespace"))
            elif not text:
                errs.append(field.required(path.child("localhostProfile"),
                                           "must be set when AppArmor type is Localhost"))
            if validation.byte_len(text) > 4095:
                errs.append(field.too_long(path.child("localhostProfile"), 4095))
    elif kind in ("RuntimeDefault", "Unconfined"):
        if local is not None:
            errs.append(field.invalid(path.child("localhostProfile"), _pointer(local),
                                      "can only be set when AppArmor type is Localhost"))
    elif not kind:
        errs.append(field.required(path.child("type"), "type is required when appArmorProfile is set"))
    else:
        errs.append(field.not_supported(path.child("type"), kind, ["Localhost", "RuntimeDefault", "Unconfined"]))
    return errs


def _pointer(value: object) -> str | None:
    """A *string bad value: json.Marshal writes the string, or null for nil."""
    return None if value is None else as_str(value)


def validate_windows_options(options: object, path: field.Path) -> field.ErrorList:
    if not isinstance(options, dict):
        return []
    errs: field.ErrorList = []
    spec_name = options.get("gmsaCredentialSpecName")
    if spec_name is not None:
        errs += [field.invalid(path.child("gmsaCredentialSpecName"), _pointer(spec_name), msg)
                 for msg in validation.is_dns1123_subdomain(as_str(spec_name))]
    credential = options.get("gmsaCredentialSpec")
    if credential is not None:
        size = validation.byte_len(as_str(credential))
        if size == 0:
            errs.append(field.invalid(path.child("gmsaCredentialSpec"), _pointer(credential),
                                      "gmsaCredentialSpec cannot be an empty string"))
        elif size > 64 * 1024:
            errs.append(field.invalid(path.child("gmsaCredentialSpec"), _pointer(credential),
                                      "gmsaCredentialSpec size must be under 64 KiB"))
    user = options.get("runAsUserName")
    if user is not None:
        errs += [field.invalid(path.child("runAsUserName"), _pointer(user), msg)
                 for msg in _run_as_user_name_errors(as_str(user))]
    return errs


_NETBIOS = re.compile(r'[^\\/:\*\?"<>|\.][^\\/:\*\?"<>|]{0,14}')
_DNS_LABEL = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
_WINDOWS_DOMAIN = re.compile(_DNS_LABEL + r"(?:\." + _DNS_LABEL + r")*")
_BAD_USER_CHARS = re.compile(r'["/\\:;|=,\+\*\?<>@\[\]]')


def _run_as_user_name_errors(user: str) -> list[str]:
    if not user:
        return ["runAsUserName cannot be an empty string"]
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in user):
        return ["runAsUserName cannot contain control characters"]
    parts = user.split("\\")
    if len(parts) > 2:
        return ["runAsUserName cannot contain more than one backslash"]
    domain, name = (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])
    problems = []
    if len(domain) >= 256:
        problems.append("runAsUserName's Domain length must be under 256 characters")
    if len(parts) == 2 and not (_NETBIOS.fullmatch(domain) or _WINDOWS_DOMAIN.fullmatch(domain)):
        problems.append("runAsUserName's Domain doesn't match the NetBios nor the DNS format")
    if not name:
        problems.append("runAsUserName's User cannot be empty")
    elif len(name) > 104:
        problems.append("runAsUserName's User length must not be longer than 104 characters")
    if name and all(ch in ". " for ch in name):
        problems.append("runAsUserName's User cannot contain only periods or spaces")
    if _BAD_USER_CHARS.search(name):
        problems.append('runAsUserName\'s User cannot contain the following characters: "/\\:;|=,+*?<>@[]')
    return problems


def _validate_ids(sc: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    for key, check in (("fsGroup", validation.is_valid_group_id), ("runAsUser", validation.is_valid_user_id),
                       ("runAsGroup", validation.is_valid_group_id)):
        if sc.get(key) is not None:
            errs += [field.invalid(path.child(key), as_int(sc[key]), msg) for msg in check(as_int(sc[key]))]
    return errs


def validate_pod_security_context(spec: Object, path: field.Path, opts: PodValidationOptions) -> field.ErrorList:
    sc = spec.get("securityContext")
    if not isinstance(sc, dict):
        return []
    errs = _validate_ids(sc, path)
    for g, gid in enumerate(sc.get("supplementalGroups") or []):
        errs += [field.invalid(path.child("supplementalGroups").index(g), as_int(gid), msg)
                 for msg in validation.is_valid_group_id(as_int(gid))]
    if spec.get("shareProcessNamespace") is True and spec.get("hostPID") is True:
        errs.append(field.invalid(path.child("shareProcessNamespace"), True,
                                  "ShareProcessNamespace and HostPID cannot both be enabled"))
    if sc.get("sysctls"):
        errs += _validate_sysctls(spec, dicts(sc.get("sysctls")), path.child("sysctls"), opts)
    if sc.get("fsGroupChangePolicy") is not None:
        policy = as_str(sc["fsGroupChangePolicy"])
        if policy not in ("Always", "OnRootMismatch"):
            errs.append(field.not_supported(path.child("fsGroupChangePolicy"), policy, ["Always", "OnRootMismatch"]))
    errs += validate_seccomp_profile_field(sc.get("seccompProfile"), path.child("seccompProfile"))
    errs += validate_windows_options(sc.get("windowsOptions"), path.child("windowsOptions"))
    errs += validate_app_armor_profile_field(sc.get("appArmorProfile"), path.child("appArmorProfile"))
    if sc.get("supplementalGroupsPolicy") is not None:
        policy = as_str(sc["supplementalGroupsPolicy"])
        if policy not in ("Merge", "Strict"):
            errs.append(field.not_supported(path.child("supplementalGroupsPolicy"), policy, ["Merge", "Strict"]))
    if sc.get("seLinuxChangePolicy") is not None:
        policy = as_str(sc["seLinuxChangePolicy"])
        allowed = ["Recursive"] if opts.allow_only_recursive_selinux_change_policy else ["MountOption", "Recursive"]
        if policy not in allowed:
            errs.append(field.not_supported(path.child("seLinuxChangePolicy"), policy, allowed))
    return errs


def _validate_sysctls(spec: Object, sysctls: list[Object], path: field.Path,
                      opts: PodValidationOptions) -> field.ErrorList:
    errs: field.ErrorList = []
    names: set[str] = set()
    for i, sysctl in enumerate(sysctls):
        name = as_str(sysctl.get("name"))
        item = path.index(i).child("name")
        if not name:
            errs.append(field.required(item, ""))
        elif validation.byte_len(name) > SYSCTL_MAX_LENGTH or not _SYSCTL_RE.fullmatch(name):
            errs.append(field.invalid(item, name, f"must have at most {SYSCTL_MAX_LENGTH} characters and match "
                                                  f"regex ^{SYSCTL_CONTAIN_SLASH_FMT}$"))
        elif name in names:
            errs.append(field.duplicate(item, name))
        if not opts.allow_namespaced_sysctls_for_host_net_and_host_ipc:
            namespace = sysctl_namespace(name)
            if spec.get("hostNetwork") is True and namespace == "net":
                errs.append(field.invalid(item, name, "may not be specified when 'hostNetwork' is true"))
            elif spec.get("hostIPC") is True and namespace == "ipc":
                errs.append(field.invalid(item, name, "may not be specified when 'hostIPC' is true"))
        names.add(name)
    return errs


def validate_security_context(sc: object, path: field.Path, host_users: bool) -> field.ErrorList:
    """A container's SecurityContext."""
    if not isinstance(sc, dict):
        return []
    errs: field.ErrorList = []
    if sc.get("privileged") is True and not features.allow_privileged():
        errs.append(field.forbidden(path.child("privileged"), "disallowed by cluster policy"))
    errs += _validate_ids({k: v for k, v in sc.items() if k in ("runAsUser", "runAsGroup")}, path)
    if sc.get("procMount") is not None:
        proc_mount = as_str(sc["procMount"])
        if proc_mount not in ("Default", "Unmasked"):
            errs.append(field.not_supported(path.child("procMount"), proc_mount, ["Default", "Unmasked"]))
        if host_users and proc_mount == "Unmasked":
            errs.append(field.invalid(path.child("procMount"), proc_mount, "`hostUsers` must be false to use `Unmasked`"))
    errs += validate_seccomp_profile_field(sc.get("seccompProfile"), path.child("seccompProfile"))
    if sc.get("allowPrivilegeEscalation") is False:
        shown = internal_json.marshal(sc, "core.v1.SecurityContext")
        if sc.get("privileged") is True:
            errs.append(field.invalid(path, shown, "cannot set `allowPrivilegeEscalation` to false and `privileged` "
                                                   "to true"))
        for cap in as_dict(sc.get("capabilities")).get("add") or []:
            if cap == "CAP_SYS_ADMIN":
                errs.append(field.invalid(path, shown, "cannot set `allowPrivilegeEscalation` to false and "
                                                       "`capabilities.Add` CAP_SYS_ADMIN"))
    errs += validate_windows_options(sc.get("windowsOptions"), path.child("windowsOptions"))
    errs += validate_app_armor_profile_field(sc.get("appArmorProfile"), path.child("appArmorProfile"))
    return errs


# --- OS and host namespaces ------------------------------------------------------------------


def validate_os(spec: Object, path: field.Path) -> field.ErrorList:
    """spec.os, then the OS-specific rules when it names a supported OS."""
    os_field = spec.get("os")
    if not isinstance(os_field, dict):
        return []
    name = as_str(os_field.get("name"))
    if not name:
        return [field.required(path.child("os").child("name"), "cannot be empty")]
    if name not in ("linux", "windows"):
        return [field.not_supported(path.child("os"), name, ["linux", "windows"])]
    return _validate_linux(spec, path) if name == "linux" else _validate_windows(spec, path)


def _validate_linux(spec: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    if as_dict(spec.get("securityContext")).get("windowsOptions") is not None:
        errs.append(field.forbidden(path.child("securityContext").child("windowsOptions"),
                                    "windows options cannot be set for a linux pod"))
    for container, cpath in helpers.visit_containers(spec, path):
        if as_dict(container.get("securityContext")).get("windowsOptions") is not None:
            errs.append(field.forbidden(cpath.child("securityContext").child("windowsOptions"),
                                        "windows options cannot be set for a linux pod"))
    return errs


_POD_WINDOWS_FORBIDDEN = ("appArmorProfile", "seLinuxOptions")
_POD_WINDOWS_FORBIDDEN_SC = ("seccompProfile", "fsGroup", "fsGroupChangePolicy", "sysctls")
_POD_WINDOWS_FORBIDDEN_IDS = ("runAsUser", "runAsGroup", "supplementalGroups", "supplementalGroupsPolicy",
                              "seLinuxChangePolicy")
_CONTAINER_WINDOWS_FORBIDDEN = ("appArmorProfile", "seLinuxOptions", "seccompProfile", "capabilities",
                                "readOnlyRootFilesystem", "privileged", "allowPrivilegeEscalation", "procMount",
                                "runAsUser", "runAsGroup")


def _validate_windows(spec: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    sc = as_dict(spec.get("securityContext"))
    sc_path = path.child("securityContext")
    for key in _POD_WINDOWS_FORBIDDEN:
        if sc.get(key) is not None:
            errs.append(field.forbidden(sc_path.child(key), _WINDOWS_FORBIDDEN))
    if spec.get("hostUsers") is not None:
        errs.append(field.forbidden(path.child("hostUsers"), _WINDOWS_FORBIDDEN))
    for key in ("hostPID", "hostIPC"):
        if spec.get(key) is True:
            errs.append(field.forbidden(path.child(key), _WINDOWS_FORBIDDEN))
    for key in _POD_WINDOWS_FORBIDDEN_SC:
        if sc.get(key) is not None and (key != "sysctls" or sc.get(key)):
            errs.append(field.forbidden(sc_path.child(key), _WINDOWS_FORBIDDEN))
    if spec.get("shareProcessNamespace") is not None:
        errs.append(field.forbidden(path.child("shareProcessNamespace"), _WINDOWS_FORBIDDEN))
    for key in _POD_WINDOWS_FORBIDDEN_IDS:
        if sc.get(key) is not None:
            errs.append(field.forbidden(sc_path.child(key), _WINDOWS_FORBIDDEN))
    for container, cpath in helpers.visit_containers(spec, path):
        csc = container.get("securityContext")
        if isinstance(csc, dict):
            for key in _CONTAINER_WINDOWS_FORBIDDEN:
                if csc.get(key) is not None:
                    errs.append(field.forbidden(cpath.child("securityContext").child(key), _WINDOWS_FORBIDDEN))
    return errs


def validate_windows_host_process_pod(spec: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    pod_host_process = as_dict(as_dict(spec.get("securityContext")).get("windowsOptions")).get("hostProcess")
    count = host_process_count = 0
    for container, cpath in helpers.visit_containers(spec, path):
        count += 1
        mine = as_dict(as_dict(container.get("securityContext")).get("windowsOptions")).get("hostProcess")
        if pod_host_process is not None and mine is not None and pod_host_process != mine:
            errs.append(field.invalid(cpath.child("securityContext", "windowsOptions", "hostProcess"), mine,
                                      "pod hostProcess value must be identical if both are specified, was "
                                      f"{'true' if pod_host_process else 'false'}"))
        if mine is True or (mine is None and pod_host_process is True):
            host_process_count += 1
    if host_process_count > 0:
        if host_process_count != count:
            errs.append(field.invalid(path, "", "If pod contains any hostProcess containers then all containers "
                                                "must be HostProcess containers"))
        if spec.get("hostNetwork") is not True:
            errs.append(field.invalid(path.child("hostNetwork"), False,
                                      "hostNetwork must be true if pod contains any hostProcess containers"))
        if not features.allow_privileged():
            errs.append(field.forbidden(path, "hostProcess containers are disallowed by cluster policy"))
    return errs


def validate_host_users(spec: Object, path: field.Path) -> field.ErrorList:
    if spec.get("hostUsers") is not False:
        return []
    errs: field.ErrorList = []
    for key, shown in (("hostNetwork", "hostNetwork"), ("hostPID", "HostPID"), ("hostIPC", "HostIPC")):
        if spec.get(key) is True:
            errs.append(field.forbidden(path.child(shown), "when `pod.Spec.HostUsers` is false"))
    return errs
