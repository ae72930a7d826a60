"""apiextensions-apiserver: CustomResourceDefinitions and their custom resources (the end of the chain)."""
