"""certificatesigningrequests, certificates.k8s.io/v1 (upstream pkg/registry/certificates/certificates).

Three write paths, three strategies:
- the resource itself: the requester's identity is stamped into spec from the request's
  user, status starts empty; updates change metadata only.
- `/status` (the signer): spec is kept, Approved/Denied conditions are kept as stored,
  status.certificate may be set once.
- `/approval` (`kubectl certificate approve|deny`): only status.conditions change.
Condition timestamps are filled in on both subresources. spec.signerName is a
selectable field.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field, timefmt
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.podspec.access import as_dict, as_str, dicts
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec, Subresource
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.subresources import StatusREST
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from . import csr_validation as validation


def _status(obj: Object) -> dict[str, Any]:
    status = obj.get("status")
    if not isinstance(status, dict):
        status = obj["status"] = {}
    return status


def populate_condition_timestamps(obj: Object, old: Object) -> None:
    """Missing lastUpdateTime is now; missing lastTransitionTime is the stored one of the same
    type and status, else now."""
    now = timefmt.now_rfc3339()
    old_conditions = dicts(as_dict(old.get("status")).get("conditions"))
    for condition in _status(obj).get("conditions") or []:
        if not isinstance(condition, dict):
            continue
        if not condition.get("lastUpdateTime"):
            condition["lastUpdateTime"] = now
        if not condition.get("lastTransitionTime"):
            condition["lastTransitionTime"] = next(
                (c["lastTransitionTime"] for c in old_conditions if c.get("type") == condition.get("type")
                 and c.get("status") == condition.get("status") and c.get("lastTransitionTime")), now)


def preserve_condition_instances(obj: Object, old: Object, kind: str) -> None:
    """Keep the stored conditions of `kind` when the update has as many; a change in their
    number is left for validation to refuse."""
    new_conditions = _status(obj).get("conditions") or []
    old_conditions = dicts(as_dict(old.get("status")).get("conditions"))
    new_indices = [i for i, c in enumerate(new_conditions) if isinstance(c, dict) and c.get("type") == kind]
    old_indices = [i for i, c in enumerate(old_conditions) if c.get("type") == kind]
    if len(new_indices) == len(old_indices):
        for new_index, old_index in zip(new_indices, old_indices):
            new_conditions[new_index] = old_conditions[old_index]


class CSRStrategy(Strategy):
    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            spec = obj["spec"] = {}
        for key in ("username", "uid", "groups", "extra"):
            spec.pop(key, None)
        user = ctx.user
        if user.name:
            spec["username"] = user.name
        if user.uid:
            spec["uid"] = user.uid
        if user.groups:
            spec["groups"] = list(user.groups)
        if user.extra:
            spec["extra"] = {key: list(values) for key, values in user.extra.items()}
        obj["status"] = {}

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["spec"] = old.get("spec", {})
        obj["status"] = old.get("status", {})

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validation.validate_csr_create(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validation.validate_csr_main_update(obj, old)


class CSRStatusStrategy(CSRStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["spec"] = old.get("spec", {})
        preserve_condition_instances(obj, old, "Approved")
        preserve_condition_instances(obj, old, "Denied")
        populate_condition_timestamps(obj, old)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validation.validate_csr_status_update(obj, old)


class CSRApprovalStrategy(CSRStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["spec"] = old.get("spec", {})
        conditions = _status(obj).get("conditions")
        status = dict(as_dict(old.get("status")))
        if conditions is None:
            status.pop("conditions", None)
        else:
            status["conditions"] = conditions
        obj["status"] = status
        populate_condition_timestamps(obj, old)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validation.validate_csr_approval_update(obj, old)


# -- printing and fields -----------------------------------------------------------------


def csr_condition(obj: Object) -> str:
    """upstream extractCSRStatus: Denied, else Approved, else Pending; then Failed, then Issued."""
    kinds = {c.get("type") for c in dicts(as_dict(obj.get("status")).get("conditions"))}
    text = "Denied" if "Denied" in kinds else "Approved" if "Approved" in kinds else "Pending"
    if "Failed" in kinds:
        text += ",Failed"
    if as_dict(obj.get("status")).get("certificate"):
        text += ",Issued"
    return text


def requested_duration(spec: Object) -> str:
    seconds = spec.get("expirationSeconds")
    return timefmt.human_duration(seconds) if isinstance(seconds, int) else "<none>"


SIGNER_NAME_DESCRIPTION = (
    'Requested signer for the request. It is a qualified name in the form: `scope-hostname.io/name`. If '
    "empty, it will be defaulted:\n 1. If it's a kubelet client certificate, it is assigned\n    "
    '"kubernetes.io/kube-apiserver-client-kubelet".\n 2. If it\'s a kubelet serving certificate, it is '
    'assigned\n    "kubernetes.io/kubelet-serving".\n 3. Otherwise, it is assigned "kubernetes.io/legacy-'
    'unknown".\nDistribution of trust for signers happens out of band. You can select on this field using '
    '`spec.signerName`.'
)
REQUESTOR_DESCRIPTION = (
    'Base64-encoded PKCS#10 CSR data'
)
DURATION_DESCRIPTION = (
    'expirationSeconds is the requested duration of validity of the issued certificate. The certificate '
    'signer may issue a certificate with a different validity duration so a client must check the delta '
    'between the notBefore and and notAfter fields in the issued certificate to determine the actual '
    'duration.\n\nThe v1.22+ in-tree implementations of the well-known Kubernetes signers will honor this '
    'field as long as the requested duration is not greater than the maximum duration they will honor per'
    ' the --cluster-signing-duration CLI flag to the Kubernetes controller manager.\n\nCertificate signers '
    'may not honor this field for various reasons:\n\n  1. Old signer that is unaware of the field (such as'
    ' the in-tree\n     implementations prior to v1.22)\n  2. Signer whose configured maximum is shorter '
    'than the requested duration\n  3. Signer whose configured minimum is longer than the requested '
    'duration\n\nThe minimum valid value for expirationSeconds is 600, i.e. 10 minutes.'
)
CONDITION_DESCRIPTION = (
    'Conditions applied to the request, such as approval or denial.'
)


def _row(obj: Object) -> list[object]:
    spec = as_dict(obj.get("spec"))
    return [name_of(obj), age(obj), as_str(spec.get("signerName")) or "<none>", as_str(spec.get("username")),
            requested_duration(spec), csr_condition(obj)]


def selectable_fields(obj: Object) -> dict[str, str]:
    return {"spec.signerName": as_str(as_dict(obj.get("spec")).get("signerName"))}


CERTIFICATESIGNINGREQUESTS = ResourceSpec(
    group="certificates.k8s.io", version="v1", kind="CertificateSigningRequest", plural="certificatesigningrequests",
    singular="certificatesigningrequest", namespaced=False, strategy=CSRStrategy(), short_names=("csr",),
    fields=selectable_fields,
    subresources=(
        Subresource("approval", lambda store: StatusREST(store.with_strategy(CSRApprovalStrategy()))),
        Subresource("status", lambda store: StatusREST(store.with_strategy(CSRStatusStrategy()))),
    ),
    printer=Printer((
        NAME_COLUMN,
        AGE_COLUMN,
        Column("SignerName", "string", "", SIGNER_NAME_DESCRIPTION),
        Column("Requestor", "string", "", REQUESTOR_DESCRIPTION),
        Column("RequestedDuration", "string", "", DURATION_DESCRIPTION),
        Column("Condition", "string", "", CONDITION_DESCRIPTION),
    ), _row),
)
