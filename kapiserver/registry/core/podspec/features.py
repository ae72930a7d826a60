"""The v1.35 feature-gate defaults that change what the pod API accepts.

Upstream reads these from the feature gate; kapiserver has no gate registry yet, so the
pod code reads this one table (Beta and GA gates on, Alpha gates off, as shipped). When
`--feature-gates` arrives, this module is the single place to wire it.
"""

from __future__ import annotations

# Gates that decide validation options and dropped fields for pods in v1.35.
_DEFAULTS = {
    "PodLevelResources": True,  # beta since 1.34
    "PodDeletionCost": True,
    "RelaxedEnvironmentVariableValidation": True,  # GA in 1.34
    "RelaxedDNSSearchValidation": True,  # GA in 1.34
    "PodLifecycleSleepActionAllowZero": True,  # GA in 1.34
    "SELinuxChangePolicy": True,  # beta
    "InPlacePodVerticalScaling": True,
    "SidecarContainers": True,
    "ImageVolume": True,  # beta, on by default in 1.35
    "ClusterTrustBundleProjection": False,  # beta, off by default
    "PodCertificateRequest": False,  # off by default
    "EnvFiles": True,  # alpha in 1.34, beta in 1.35
    "HostnameOverride": True,  # alpha in 1.34, beta in 1.35
    "ContainerRestartRules": True,  # alpha in 1.34, beta in 1.35
    "PodLogsQuerySplitStreams": False,  # alpha
    "ClearingNominatedNodeNameAfterBinding": True,  # beta in 1.35
    "PodTopologyLabelsAdmission": True,  # beta in 1.35: bindings carry node topology labels
    "MatchLabelKeysInPodAffinity": True,
    "MatchLabelKeysInPodTopologySpread": True,
    "MatchLabelKeysInPodTopologySpreadSelectorMerge": True,
}


def enabled(name: str) -> bool:
    return _DEFAULTS.get(name, False)


# upstream pkg/capabilities: what `--allow-privileged` granted (false unless the flag is set).
_capabilities = {"allow_privileged": False}


def allow_privileged() -> bool:
    return _capabilities["allow_privileged"]


def set_allow_privileged(allowed: bool) -> None:
    """Called once at startup with `--allow-privileged` (upstream capabilities.Initialize)."""
    _capabilities["allow_privileged"] = allowed
