"""prioritylevelconfigurations, flowcontrol.apiserver.k8s.io/v1 (upstream
pkg/registry/flowcontrol/prioritylevelconfiguration): status subresource, generation on spec
changes, and the printer's `<none>` cells for levels that are not Limited or do not queue.
"""

from __future__ import annotations

from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from . import validation
from .defaults import default_priority_level
from .strategies import ConfigurationStatusStrategy, ConfigurationStrategy

GROUP = "flowcontrol.apiserver.k8s.io"


PRIORITY_LEVEL_STRATEGY = ConfigurationStrategy(default_priority_level, validation.validate_priority_level_configuration)
PRIORITY_LEVEL_STATUS_STRATEGY = ConfigurationStatusStrategy(default_priority_level, validation.validate_priority_level_configuration)


DESCRIPTIONS = {
    'type': (
        "`type` indicates whether this priority level is subject to limitation on request execution.  A "
        "value of `\"Exempt\"` means that requests of this priority level are not subject to a limit (and "
        "thus are never queued) and do not detract from the capacity made available to other priority le"
        "vels.  A value of `\"Limited\"` means that (a) requests of this priority level _are_ subject to l"
        "imits and (b) some of the server's limited capacity is made available exclusively to this prior"
        "ity level. Required."
    ),
    'nominalConcurrencyShares': (
        "`nominalConcurrencyShares` (NCS) contributes to the computation of the NominalConcurrencyLimit "
        "(NominalCL) of this level. This is the number of execution seats available at this priority lev"
        "el. This is used both for requests dispatched from this priority level as well as requests disp"
        "atched from other priority levels borrowing seats from this level. The server's concurrency lim"
        "it (ServerCL) is divided among the Limited priority levels in proportion to their NCS values:\n\n"
        "NominalCL(i)  = ceil( ServerCL * NCS(i) / sum_ncs ) sum_ncs = sum[priority level k] NCS(k)\n\nBig"
        "ger numbers mean a larger nominal concurrency limit, at the expense of every other priority lev"
        "el.\n\nIf not specified, this field defaults to a value of 30.\n\nSetting this field to zero suppor"
        "ts the construction of a \"jail\" for this priority level that is used to hold some request(s)"
    ),
    'queues': (
        "`queues` is the number of queues for this priority level. The queues exist independently at eac"
        "h apiserver. The value must be positive.  Setting it to 1 effectively precludes shufflesharding"
        " and thus makes the distinguisher method of associated flow schemas irrelevant.  This field has"
        " a default value of 64."
    ),
    'handSize': (
        "`handSize` is a small positive number that configures the shuffle sharding of requests into que"
        "ues.  When enqueuing a request at this priority level the request's flow identifier (a string p"
        "air) is hashed and the hash value is used to shuffle the list of queues and deal a hand of the "
        "size specified here.  The request is put into one of the shortest queues in that hand. `handSiz"
        "e` must be no larger than `queues`, and should be significantly smaller (so that a few heavy fl"
        "ows do not saturate most of the queues).  See the user-facing documentation for more extensive "
        "guidance on setting this field.  This field has a default value of 8."
    ),
    'queueLengthLimit': (
        "`queueLengthLimit` is the maximum number of requests allowed to be waiting in a given queue of "
        "this priority level at a time; excess requests are rejected.  This value must be positive.  If "
        "not specified, it will be defaulted to 50."
    ),
}


def _row(pl: Object) -> list[object]:
    spec = pl.get("spec") or {}
    shares: object = "<none>"
    queues: object = "<none>"
    hand: object = "<none>"
    limit: object = "<none>"
    limited = spec.get("limited")
    if isinstance(limited, dict):
        shares = int(limited.get("nominalConcurrencyShares") or 0)
        queuing = (limited.get("limitResponse") or {}).get("queuing")
        if isinstance(queuing, dict):
            queues, hand, limit = (int(queuing.get(k) or 0) for k in ("queues", "handSize", "queueLengthLimit"))
    return [name_of(pl), spec.get("type") or "", shares, queues, hand, limit, age(pl)]


PRIORITYLEVELCONFIGURATIONS = ResourceSpec(
    group=GROUP, version="v1", kind="PriorityLevelConfiguration", plural="prioritylevelconfigurations",
    singular="prioritylevelconfiguration", namespaced=False, strategy=PRIORITY_LEVEL_STRATEGY,
    subresources=(subresources.status(PRIORITY_LEVEL_STATUS_STRATEGY),),
    printer=Printer((
        NAME_COLUMN,
        Column("Type", "string", "", DESCRIPTIONS["type"]),
        Column("NominalConcurrencyShares", "string", "", DESCRIPTIONS["nominalConcurrencyShares"]),
        Column("Queues", "string", "", DESCRIPTIONS["queues"]),
        Column("HandSize", "string", "", DESCRIPTIONS["handSize"]),
        Column("QueueLengthLimit", "string", "", DESCRIPTIONS["queueLengthLimit"]),
        AGE_COLUMN,
    ), _row),
)
