"""Admission flags (upstream AdmissionOptions with kube-apiserver's plugin list)."""

from __future__ import annotations

from .base import FlagSet
from .flags import Flag

# upstream AllOrderedPlugins: the order plugins run in, whatever order the flag lists them.
ALL_ORDERED_PLUGINS = (
    "AlwaysAdmit", "NamespaceAutoProvision", "NamespaceLifecycle", "NamespaceExists",
    "LimitPodHardAntiAffinityTopology", "LimitRanger", "ServiceAccount", "NodeRestriction", "TaintNodesByCondition",
    "AlwaysPullImages", "ImagePolicyWebhook", "PodSecurity", "PodNodeSelector", "Priority",
    "DefaultTolerationSeconds", "PodTolerationRestriction", "EventRateLimit", "ExtendedResourceToleration",
    "DefaultStorageClass", "StorageObjectInUseProtection", "OwnerReferencesPermissionEnforcement",
    "PersistentVolumeClaimResize", "RuntimeClass", "CertificateApproval", "CertificateSigning",
    "ClusterTrustBundleAttest", "CertificateSubjectRestriction", "DefaultIngressClass", "DenyServiceExternalIPs",
    "PodTopologyLabels", "MutatingAdmissionPolicy", "MutatingAdmissionWebhook", "ValidatingAdmissionPolicy",
    "ValidatingAdmissionWebhook", "ResourceQuota", "AlwaysDeny",
)

DEFAULT_ON_PLUGINS = frozenset({
    "NamespaceLifecycle", "LimitRanger", "ServiceAccount", "DefaultStorageClass", "PersistentVolumeClaimResize",
    "DefaultTolerationSeconds", "MutatingAdmissionWebhook", "ValidatingAdmissionWebhook", "ResourceQuota",
    "StorageObjectInUseProtection", "Priority", "TaintNodesByCondition", "RuntimeClass", "CertificateApproval",
    "CertificateSigning", "ClusterTrustBundleAttest", "CertificateSubjectRestriction", "DefaultIngressClass",
    "PodSecurity", "PodTopologyLabels", "MutatingAdmissionPolicy", "ValidatingAdmissionPolicy",
})

# Plugins kapiserver runs. Default-on plugins it does not run yet are skipped quietly (the
# user did not ask for them); asking for one explicitly is an error.
IMPLEMENTED_PLUGINS = frozenset({"NamespaceLifecycle", "AlwaysAdmit", "AlwaysDeny", "Priority",
                                 "DefaultTolerationSeconds", "LimitRanger", "DefaultIngressClass",
                                 "DefaultStorageClass", "StorageObjectInUseProtection", "ValidatingAdmissionPolicy",
                                 "PersistentVolumeClaimResize", "ResourceQuota", "MutatingAdmissionWebhook",
                                 "ValidatingAdmissionWebhook"})


class AdmissionOptions(FlagSet):
    title = "Admission"
    flags = (
        Flag("admission-control-config-file", "string", "", "File with admission control configuration.",
             support="no"),
        Flag("disable-admission-plugins", "strings", [], "admission plugins that should be disabled although they "
             "are in the default enabled plugins list. Comma-delimited list of admission plugins: "
             + ", ".join(ALL_ORDERED_PLUGINS) + ". The order of plugins in this flag does not matter."),
        Flag("enable-admission-plugins", "strings", [], "admission plugins that should be enabled in addition to "
             "default enabled ones (" + ", ".join(p for p in ALL_ORDERED_PLUGINS if p in DEFAULT_ON_PLUGINS)
             + "). Comma-delimited list of admission plugins: " + ", ".join(ALL_ORDERED_PLUGINS)
             + ". The order of plugins in this flag does not matter."),
    )

    def enabled_plugins(self) -> list[str]:
        """The plugins to run, in upstream's order."""
        enabled = (DEFAULT_ON_PLUGINS | set(self["enable_admission_plugins"])) - set(self["disable_admission_plugins"])
        return [p for p in ALL_ORDERED_PLUGINS if p in enabled]

    def validate(self) -> list[str]:
        problems = super().validate()
        known = set(ALL_ORDERED_PLUGINS)
        for flag_name, dest in (("enable", "enable_admission_plugins"), ("disable", "disable_admission_plugins")):
            for plugin in self[dest]:
                if plugin not in known:
                    problems.append(f"{flag_name}-admission-plugins plugin {plugin!r} is unknown")
        for plugin in self["enable_admission_plugins"]:
            if plugin in known and plugin not in IMPLEMENTED_PLUGINS and plugin not in DEFAULT_ON_PLUGINS:
                problems.append(f"--enable-admission-plugins={plugin} is not supported by kapiserver yet")
        both = set(self["enable_admission_plugins"]) & set(self["disable_admission_plugins"])
        for plugin in sorted(both):
            problems.append(f"{plugin} should not be enabled and disabled at the same time")
        return problems
