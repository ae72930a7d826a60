"""kube-aggregator: APIService routing, the head of the chain.

Modules, roughly in the order a request meets them:
  server.py             APIAggregator: routes by APIService, wires the controllers to post-start hooks
  proxy.py, upgrade.py  one APIService's handler: delegate, or forward to the extension server (and tunnel)
  resolver.py           Service -> address to dial; transport.py: TLS, client certificate, X-Remote-* headers
  apiservices.py        the apiregistration.k8s.io/v1 resource (validation, strategies, printer)
  autoregister.py       local APIServices for built-in and custom group versions; priorities.py: their order
  availability.py       the Available condition (local and remote checks)
  remote_discovery.py   extension servers' discovery into ours; openapi.py: their OpenAPI into ours
  informer.py, workqueue.py, tasks.py   list-watch caches, work queues, the task group everything runs in
"""
