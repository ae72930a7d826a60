"""/openapi/v2 and /openapi/v3: the OpenAPI documents of what the server chain serves.

Modules, in the order data flows:
  services.py, paths.py   what is served -> web services of routes (model.py)
  params.py, naming.py    upstream's parameter texts, operation ids and doc words
  v2.py, v3.py            routes -> Swagger 2.0 / OpenAPI 3.0 documents
  schemas.py, defaults.py definitions: reachability and the v3 form (with defaults)
  proto.py                the v2 document in gnostic protobuf (what kubectl reads)
  aggregate.py            extension servers' documents: filtered to their APIService, merged in
  documents.py            build once per change, in a thread; keep the encoded bytes
  handlers.py             HTTP: negotiation, ETag/304, v3 hash redirects and caching

`install(server)` in kapiserver/server/routes.py wires the handlers on the head server.
"""

from __future__ import annotations

from .documents import Document, Documents
from .handlers import v2_handler, v3_document_handler, v3_index_handler

__all__ = ["Document", "Documents", "v2_handler", "v3_document_handler", "v3_index_handler"]
