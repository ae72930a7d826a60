"""Every kind of this package against the fully populated upstream round-trip fixtures (testdata-v1.35).

The fixtures hold every field of the v1.35 type, so reading them checks that the field
names the strategies, printers and field sets use are the real ones, and that nothing
here trips over a field it does not expect.
"""

from __future__ import annotations

import copy
import json
import pathlib

import pytest

from kapiserver.apimachinery import errors
from kapiserver.registry.coordination.leases import LEASES
from kapiserver.registry.core.configmaps import CONFIGMAPS
from kapiserver.registry.core.endpoints import ENDPOINTS
from kapiserver.registry.core.events import EVENTS
from kapiserver.registry.core.namespaces import NAMESPACES
from kapiserver.registry.core.nodes import NODES
from kapiserver.registry.core.secrets import SECRETS
from kapiserver.registry.core.serviceaccounts import SERVICEACCOUNTS
from kapiserver.registry.core.services import services_spec
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec

TESTDATA = pathlib.Path(__file__).resolve().parents[5] / "shared" / "upstream" / "testdata-v1.35"
SPECS = [CONFIGMAPS, ENDPOINTS, EVENTS, NAMESPACES, NODES, SECRETS, SERVICEACCOUNTS, services_spec(), LEASES]


def fixture(spec: ResourceSpec) -> dict[str, object]:
    group = spec.group or "core"
    path = TESTDATA / f"{group}.{spec.version}.{spec.kind}.json"
    if not path.exists():
        pytest.skip(f"no upstream fixture at {path}")
    return json.loads(path.read_text())  # type: ignore[no-any-return]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.kind)
def test_fixture_passes_through_strategy_and_printer(spec: ResourceSpec) -> None:
    obj = fixture(spec)
    ctx = RequestContext(namespace=str(obj["metadata"].get("namespace", "")),  # type: ignore[union-attr]
                         api_group=spec.group, api_version=spec.version)
    work = copy.deepcopy(obj)
    spec.strategy.default(work)
    try:
        spec.strategy.prepare_for_create(ctx, work)
    except errors.StatusError as exc:  # the service allocator refuses the fixture's made-up IP families
        assert spec.kind == "Service" and exc.status["code"] == 422
    spec.strategy.validate(ctx, work)
    spec.strategy.warnings_on_create(ctx, work)
    row = spec.printer.row(copy.deepcopy(obj))
    assert len(row) == len(spec.printer.columns)
    assert set(spec.field_set(obj)) == set(spec.field_set({}))


def test_fixture_values_reach_the_cells() -> None:
    node = fixture(NODES)
    row = NODES.printer.row(node)
    assert row[4] == "kubeletVersionValue" and row[7] == "osImageValue"
    service = fixture(services_spec())
    assert services_spec().printer.row(service)[2] == "clusterIPsValue"
    assert LEASES.printer.row(fixture(LEASES))[1] == "holderIdentityValue"
    assert EVENTS.field_set(fixture(EVENTS))["reportingComponent"] == "reportingComponentValue"
    assert SECRETS.field_set(fixture(SECRETS))["type"] == "typeValue"
