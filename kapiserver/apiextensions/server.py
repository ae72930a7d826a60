"""The apiextensions server of the chain (upstream apiextensions-apiserver New()).

It sits last before not-found, so custom resources never shadow built-in ones.
"""

from __future__ import annotations

from kapiserver.server.config import Config
from kapiserver.server.genericapiserver import Delegate, GenericAPIServer


def new_apiextensions_server(config: Config, delegate: Delegate) -> GenericAPIServer:
    return GenericAPIServer("apiextensions-apiserver", config, delegate)
