"""kube-aggregator: APIService routing, the head of the chain."""
