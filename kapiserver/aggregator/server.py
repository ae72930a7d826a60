"""The aggregator at the head of the chain (upstream kube-aggregator New()).

Local APIServices resolve to the delegate; it also serves /apis for the whole chain.
"""

from __future__ import annotations

from kapiserver.server.config import Config
from kapiserver.server.genericapiserver import Delegate, GenericAPIServer


def new_aggregator(config: Config, delegate: Delegate) -> GenericAPIServer:
    return GenericAPIServer("kube-aggregator", config, delegate)
