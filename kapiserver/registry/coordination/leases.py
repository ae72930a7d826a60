"""leases, coordination.k8s.io/v1 (upstream pkg/registry/coordination/lease, ValidateLease*).

`spec.strategy` and `spec.preferredHolder` belong to coordinated leader election, a beta
feature that is off by default in v1.35: they are dropped on write unless the stored lease
already uses them.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field, objectmeta, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

COORDINATED_LEADER_ELECTION = False  # feature gate CoordinatedLeaderElection, beta, off by default
VALID_LEASE_STRATEGIES = ("OldestEmulationVersion",)
_SPEC = field.new_path("spec")


def _spec(lease: Object) -> dict[str, Any]:
    spec = lease.get("spec")
    return spec if isinstance(spec, dict) else {}


def validate_coordinated_lease_strategy(strategy: str, path: field.Path) -> field.ErrorList:
    """ValidateCoordinatedLeaseStrategy; upstream reports under `<path>.strategy`, so `spec.strategy.strategy`."""
    path = path.child("strategy")
    if "/" not in strategy:
        if strategy not in VALID_LEASE_STRATEGIES:
            return [field.not_supported(path, strategy, VALID_LEASE_STRATEGIES)]
        return []
    return [field.invalid(path, strategy, msg) for msg in validation.is_qualified_name(strategy)]


def validate_lease_spec(spec: dict[str, Any]) -> field.ErrorList:
    errs: field.ErrorList = []
    duration = spec.get("leaseDurationSeconds")
    if duration is not None and duration <= 0:
        errs.append(field.invalid(_SPEC.child("leaseDurationSeconds"), duration, "must be greater than 0"))
    transitions = spec.get("leaseTransitions")
    if transitions is not None and transitions < 0:
        errs.append(field.invalid(_SPEC.child("leaseTransitions"), transitions, "must be greater than or equal to 0"))
    strategy = spec.get("strategy")
    if strategy is not None:
        errs += validate_coordinated_lease_strategy(strategy, _SPEC.child("strategy"))
    if spec.get("preferredHolder") and not strategy:
        errs.append(field.forbidden(_SPEC.child("preferredHolder"), "may only be specified if `strategy` is defined"))
    return errs


def validate_lease(lease: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(lease.get("metadata", {}), True, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    return errs + validate_lease_spec(_spec(lease))


class LeaseStrategy(Strategy):
    allow_create_on_update = True

    def default(self, obj: Object) -> None:
        """The spec struct is always written by Go's encoder, even when empty."""
        if not isinstance(obj.get("spec"), dict):
            obj["spec"] = {}

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        if not COORDINATED_LEADER_ELECTION and isinstance(obj.get("spec"), dict):
            obj["spec"].pop("strategy", None)
            obj["spec"].pop("preferredHolder", None)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        if COORDINATED_LEADER_ELECTION or not isinstance(obj.get("spec"), dict):
            return
        for name in ("strategy", "preferredHolder"):
            if _spec(old).get(name) is None:
                obj["spec"].pop(name, None)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_lease(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                      field.new_path("metadata"))
        return errs + validate_lease_spec(_spec(obj))


HOLDER_DESCRIPTION = ("holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader "
                      "Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name "
                      "field.")


def _row(lease: Object) -> list[object]:
    return [name_of(lease), _spec(lease).get("holderIdentity") or "", age(lease)]


LEASES = ResourceSpec(
    group="coordination.k8s.io", version="v1", kind="Lease", plural="leases", singular="lease", namespaced=True,
    strategy=LeaseStrategy(),
    printer=Printer((NAME_COLUMN, Column("Holder", "string", "", HOLDER_DESCRIPTION), AGE_COLUMN), _row),
)
