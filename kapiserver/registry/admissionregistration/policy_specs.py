"""The ResourceSpecs and printers of the admission policy kinds (upstream printers.go
printValidatingAdmissionPolicy*, printMutatingAdmissionPolicy*).

MutatingAdmissionPolicy is beta in v1.35: v1beta1 owns the storage and v1alpha1 shares
it; both are off by default.
"""

from __future__ import annotations

from kapiserver.apimachinery.types import Object
from kapiserver.registry import conversion
from kapiserver.registry.core.podspec.access import as_dict, as_str, dicts, strings
from kapiserver.registry.spec import ResourceSpec, Subresource
from kapiserver.registry.subresources import StatusREST
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, RowFunc, age, name_of

from .policies import PolicyStrategy, ValidatingPolicyStatusStrategy

GROUP = "admissionregistration.k8s.io"
CATEGORIES = ("api-extensions",)
PARAM_KIND_DESCRIPTION = "ParamKind specifies the kind of resources used to parameterize this policy"
POLICY_NAME_DESCRIPTION = "PolicyName indicates the policy definition which the policy binding binded to"
PARAM_REF_DESCRIPTION = "ParamRef indicates the param resource which sets the configration param"


def param_kind(spec: Object) -> str:
    kind = spec.get("paramKind")
    if not isinstance(kind, dict):
        return "<unset>"
    return as_str(kind.get("apiVersion")) + "/" + as_str(kind.get("kind"))


def label_selector_string(selector: Object) -> str:
    """The generated String() of *metav1.LabelSelector, which the binding printer shows."""
    expressions = "".join(
        f"LabelSelectorRequirement{{Key:{as_str(r.get('key'))},Operator:{as_str(r.get('operator'))},"
        f"Values:[{' '.join(strings(r.get('values')))}],}},"
        for r in dicts(selector.get("matchExpressions")))
    labels = as_dict(selector.get("matchLabels"))
    pairs = "".join(f"{k}: {labels[k]}," for k in sorted(labels))
    return (f"&LabelSelector{{MatchLabels:map[string]string{{{pairs}}},"
            f"MatchExpressions:[]LabelSelectorRequirement{{{expressions}}},}}")


def param_ref(spec: Object) -> str:
    ref = spec.get("paramRef")
    if not isinstance(ref, dict):
        return "<unset>"
    name = as_str(ref.get("name"))
    if name:
        namespace = as_str(ref.get("namespace"))
        return f"{namespace}/{name}" if namespace else f"*/{name}"
    if isinstance(ref.get("selector"), dict):
        return label_selector_string(ref["selector"])
    return "<unset>"


def _policy_row(count_key: str) -> RowFunc:
    def row(obj: Object) -> list[object]:
        spec = as_dict(obj.get("spec"))
        return [name_of(obj), len(dicts(spec.get(count_key))), param_kind(spec), age(obj)]
    return row


def _binding_row(obj: Object) -> list[object]:
    spec = as_dict(obj.get("spec"))
    return [name_of(obj), as_str(spec.get("policyName")), param_ref(spec), age(obj)]


BINDING_PRINTER = Printer((
    NAME_COLUMN,
    Column("PolicyName", "string", "", POLICY_NAME_DESCRIPTION),
    Column("ParamRef", "string", "", PARAM_REF_DESCRIPTION),
    AGE_COLUMN,
), _binding_row)

VALIDATINGADMISSIONPOLICIES = ResourceSpec(
    group=GROUP, version="v1", kind="ValidatingAdmissionPolicy", plural="validatingadmissionpolicies",
    singular="validatingadmissionpolicy", namespaced=False, strategy=PolicyStrategy("validating"),
    categories=CATEGORIES,
    subresources=(Subresource("status", lambda store: StatusREST(store.with_strategy(ValidatingPolicyStatusStrategy()))),),
    printer=Printer((
        NAME_COLUMN,
        Column("Validations", "integer", "",
               "Validations indicates the number of validation rules defined in this configuration"),
        Column("ParamKind", "string", "", PARAM_KIND_DESCRIPTION),
        AGE_COLUMN,
    ), _policy_row("validations")),
)
VALIDATINGADMISSIONPOLICYBINDINGS = ResourceSpec(
    group=GROUP, version="v1", kind="ValidatingAdmissionPolicyBinding", plural="validatingadmissionpolicybindings",
    singular="validatingadmissionpolicybinding", namespaced=False, strategy=PolicyStrategy("validating-binding"),
    categories=CATEGORIES, printer=BINDING_PRINTER,
)
MUTATINGADMISSIONPOLICIES = ResourceSpec(
    group=GROUP, version="v1beta1", kind="MutatingAdmissionPolicy", plural="mutatingadmissionpolicies",
    singular="mutatingadmissionpolicy", namespaced=False, strategy=PolicyStrategy("mutating"),
    categories=CATEGORIES,
    printer=Printer((
        NAME_COLUMN,
        Column("Mutations", "integer", "",
               "Mutation indicates the number of mutations rules defined in this configuration"),
        Column("ParamKind", "string", "", PARAM_KIND_DESCRIPTION),
        AGE_COLUMN,
    ), _policy_row("mutations")),
)
MUTATINGADMISSIONPOLICYBINDINGS = ResourceSpec(
    group=GROUP, version="v1beta1", kind="MutatingAdmissionPolicyBinding", plural="mutatingadmissionpolicybindings",
    singular="mutatingadmissionpolicybinding", namespaced=False, strategy=PolicyStrategy("mutating-binding"),
    categories=CATEGORIES, printer=BINDING_PRINTER,
)
MUTATINGADMISSIONPOLICIES_V1ALPHA1 = conversion.alternate_version(MUTATINGADMISSIONPOLICIES, "v1alpha1")
MUTATINGADMISSIONPOLICYBINDINGS_V1ALPHA1 = conversion.alternate_version(MUTATINGADMISSIONPOLICYBINDINGS, "v1alpha1")


