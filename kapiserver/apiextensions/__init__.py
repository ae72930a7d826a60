"""apiextensions-apiserver: CustomResourceDefinitions and their custom resources (the end of the chain).

Modules, bottom up:

- helpers.py            reading a CRD dict: versions, subresources, conditions, approval, version order
- defaults.py           SetDefaults_CustomResourceDefinition and the Go shape of a stored CRD
- internal.py           the internal (hoisted) spec upstream validates, and Go's semantic equality
- gostruct.py           internal values as upstream's error messages print them
- validation.py         ValidateCustomResourceDefinition(Update) over the internal spec
- validation_parts.py   names, printer columns, subresources, selectable fields, conversion webhook
- crds.py               the customresourcedefinitions resource: strategy, status, two-step delete
- schema/               the schema engine (structural checks, validation, pruning, defaulting, CEL)
- jsonpath.py           client-go's JSONPath, for printer columns and selectable fields
- tableconvertor.py     Table output from additionalPrinterColumns
- resource_strategy.py  a custom resource version's strategy and status strategy
- conversion.py         Converter: strategy None, and the seam a conversion webhook registers with
- storage.py            one served version's view of the CRD's storage (default, convert, prune)
- serving.py            a CRD's serving info: specs, stores, subresources, request scopes
- handler.py            the CRD handler: which requests a CRD serves, and how
- discovery.py          the discovery documents of CRD group versions
- openapi.py            the OpenAPI routes and definitions of CRD group versions
- controllers/          naming, establishing, API approval, finalizer, discovery/OpenAPI publishing
- server.py             ApiextensionsServer: the group, the handler, the controllers' lifecycle
"""
