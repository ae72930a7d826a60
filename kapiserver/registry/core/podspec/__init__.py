"""The pod spec, shared by Pods and every kind that carries a pod template.

- defaults:   upstream's v1 defaults for Pod, PodSpec and everything a spec holds
- validation: ValidatePodCreate / ValidatePodSpec / ValidatePodTemplateSpec
- validation_update: ValidatePodUpdate (with upstream's immutability message and diff),
  status and ephemeral-container updates
- qos:        the QoS class
- options:    PodValidationOptions and how they are chosen for a create or an update

Modules below those are the parts of a spec (containers, env, volumes, scheduling,
security, resources), one concern each.
"""

from __future__ import annotations

from .defaults import set_defaults_pod, set_defaults_pod_spec
from .options import PodValidationOptions, validation_options
from .qos import compute_pod_qos, get_pod_qos
from .validation import validate_pod_create, validate_pod_spec, validate_pod_template_spec

__all__ = [
    "PodValidationOptions", "compute_pod_qos", "get_pod_qos", "set_defaults_pod", "set_defaults_pod_spec",
    "validate_pod_create", "validate_pod_spec", "validate_pod_template_spec", "validation_options",
]
