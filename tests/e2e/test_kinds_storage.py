"""storage.k8s.io, certificates.k8s.io and resource.k8s.io kinds end to end, as their users drive them.

StorageClass, CSIDriver, CSINode, CSIStorageCapacity, VolumeAttachment (+status), VolumeAttributesClass;
CertificateSigningRequest with a real PKCS#10 request, `kubectl certificate approve|deny` and a signer's
status update; the DRA kinds DeviceClass, ResourceClaim (+status), ResourceClaimTemplate and ResourceSlice
from the v1.35 docs. Each kind: a realistic manifest through `kubectl apply`, upstream's defaults read back,
upstream's table columns (plain and -o wide), refused variants with upstream's exact messages (nothing
stored), and the `kubernetes` client. Cluster-scoped names carry the test namespace's name.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from harness import Server, get_json, parse_table, refused
from kubernetes import client


def table(server: Server, *args: str) -> tuple[list[str], dict[str, dict[str, str]]]:
    """`kubectl get` and `kubectl get -o wide` agree but for AGE (none of these kinds has wide columns)."""
    header, rows = parse_table(server.kubectl("get", *args).stdout)
    wide_header, wide_rows = parse_table(server.kubectl("get", *args, "-o", "wide").stdout)
    assert wide_header == header
    assert [dict(row, AGE="") for row in wide_rows] == [dict(row, AGE="") for row in rows]
    return header, {row["NAME"]: row for row in rows}


def not_found(server: Server, *args: str) -> None:
    assert "NotFound" in refused(server, "get", *args)


# -- storage.k8s.io ---------------------------------------------------------------------------------


def test_storage_class_defaults_default_marks_and_immutable_fields(server: Server, ns: str) -> None:
    fast, local, nfs = f"fast-{ns}", f"local-{ns}", f"nfs-{ns}"
    server.kubectl("apply", "-f", "-", input=f"""
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: {fast}
  annotations: {{storageclass.kubernetes.io/is-default-class: "true"}}
provisioner: ebs.csi.aws.com
parameters: {{type: gp3, iops: "3000", csi.storage.k8s.io/fstype: ext4}}
volumeBindingMode: WaitForFirstConsumer
allowVolumeExpansion: true
mountOptions: [debug]
allowedTopologies:
- matchLabelExpressions: [{{key: topology.ebs.csi.aws.com/zone, values: [us-east-1a, us-east-1b]}}]
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: {local}
  annotations: {{storageclass.beta.kubernetes.io/is-default-class: "true"}}
provisioner: kubernetes.io/no-provisioner
reclaimPolicy: Retain
volumeBindingMode: WaitForFirstConsumer
""")
    storage = client.StorageV1Api(server.api)
    storage.create_storage_class(client.V1StorageClass(
        metadata=client.V1ObjectMeta(name=nfs), provisioner="nfs.csi.k8s.io",
        parameters={"server": "nfs.example.com", "share": "/exports"}))
    sc = get_json(server, "storageclass", fast)
    assert {k: v for k, v in sc.items() if k != "metadata"} == {
        "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "provisioner": "ebs.csi.aws.com",
        "parameters": {"type": "gp3", "iops": "3000", "csi.storage.k8s.io/fstype": "ext4"},
        "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": True,
        "mountOptions": ["debug"], "allowedTopologies": [{"matchLabelExpressions": [
            {"key": "topology.ebs.csi.aws.com/zone", "values": ["us-east-1a", "us-east-1b"]}]}]}
    assert "generation" not in sc["metadata"]
    read = storage.read_storage_class(nfs)
    assert (read.reclaim_policy, read.volume_binding_mode) == ("Delete", "Immediate")

    header, rows = table(server, "sc", fast, local, nfs)
    assert header == ["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"]
    cells = {name: [row[c] for c in header[:5]] for name, row in rows.items()}
    assert cells == {
        f"{fast} (default)": [f"{fast} (default)", "ebs.csi.aws.com", "Delete", "WaitForFirstConsumer", "true"],
        f"{local} (default)": [f"{local} (default)", "kubernetes.io/no-provisioner", "Retain",
                               "WaitForFirstConsumer", "false"],
        nfs: [nfs, "nfs.csi.k8s.io", "Delete", "Immediate", "false"]}

    bad = f"""apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {{name: bad-{ns}}}
provisioner: Example.COM/Not/Qualified
reclaimPolicy: Recycle
volumeBindingMode: Later
"""
    assert refused(server, "apply", "-f", "-", input=bad) == (
        f'The StorageClass "bad-{ns}" is invalid: \n'
        '* provisioner: Invalid value: "example.com/not/qualified": a valid label key must consist of alphanumeric '
        "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or "
        "'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with "
        "an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')\n"
        '* reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"\n'
        '* volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"\n')
    not_found(server, "sc", f"bad-{ns}")
    assert refused(server, "patch", "sc", fast, "--type=merge", "-p", '{"parameters":{"type":"io2"}}') == (
        f'The StorageClass "{fast}" is invalid: parameters: Forbidden: updates to parameters are forbidden.\n')
    assert refused(server, "patch", "sc", fast, "--type=merge", "-p", '{"provisioner":"pd.csi.storage.gke.io"}') == (
        f'The StorageClass "{fast}" is invalid: provisioner: Forbidden: updates to provisioner are forbidden.\n')
    assert refused(server, "patch", "sc", local, "--type=merge", "-p",
                   '{"reclaimPolicy":"Delete","volumeBindingMode":"Immediate"}') == (
        f'The StorageClass "{local}" is invalid: \n'
        "* reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.\n"
        '* volumeBindingMode: Invalid value: "Immediate": field is immutable\n')
    assert get_json(server, "sc", fast)["parameters"]["type"] == "gp3"

    # Moving the default mark is how clusters switch default classes: annotations stay mutable.
    server.kubectl("annotate", "sc", fast, "storageclass.kubernetes.io/is-default-class=false", "--overwrite")
    _, rows = table(server, "sc", fast)
    assert list(rows) == [fast]
    patched = storage.patch_storage_class(nfs, {"metadata": {"labels": {"tier": "shared"}}})
    assert patched.metadata.labels == {"tier": "shared"}
    assert [c.metadata.name for c in storage.list_storage_class(label_selector="tier=shared").items] == [nfs]
    deleted = storage.delete_storage_class(nfs)
    assert (deleted.kind, deleted.metadata.name, deleted.provisioner) == ("StorageClass", nfs, "nfs.csi.k8s.io")
    server.kubectl("delete", "sc", fast, local)


def test_csi_driver_defaults_immutable_fields_and_generation(server: Server, ns: str) -> None:
    store, ebs = f"secrets-store.csi.{ns}.io", f"ebs.csi.{ns}.io"
    server.kubectl("apply", "-f", "-", input=f"""
apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata:
  name: {store}
  labels: {{app.kubernetes.io/name: secrets-store-csi-driver}}
spec:
  podInfoOnMount: true
  attachRequired: false
  volumeLifecycleModes: [Ephemeral]
  tokenRequests: [{{audience: api://AzureADTokenExchange, expirationSeconds: 3600}}]
  serviceAccountTokenInSecrets: true
  requiresRepublish: true
---
apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata: {{name: {ebs}}}
spec: {{}}
""")
    driver = get_json(server, "csidriver", ebs)
    assert driver["spec"] == {"attachRequired": True, "podInfoOnMount": False, "storageCapacity": False,
                              "fsGroupPolicy": "ReadWriteOnceWithFSType", "requiresRepublish": False,
                              "seLinuxMount": False, "volumeLifecycleModes": ["Persistent"]}
    assert "generation" not in driver["metadata"]
    assert get_json(server, "csidriver", store)["spec"] == {
        "attachRequired": False, "podInfoOnMount": True, "storageCapacity": False,
        "fsGroupPolicy": "ReadWriteOnceWithFSType", "requiresRepublish": True, "seLinuxMount": False,
        "volumeLifecycleModes": ["Ephemeral"], "serviceAccountTokenInSecrets": True,
        "tokenRequests": [{"audience": "api://AzureADTokenExchange", "expirationSeconds": 3600}]}

    header, rows = table(server, "csidrivers", store, ebs)
    assert header == ["NAME", "ATTACHREQUIRED", "PODINFOONMOUNT", "STORAGECAPACITY", "TOKENREQUESTS",
                      "REQUIRESREPUBLISH", "MODES", "AGE"]
    assert [rows[store][c] for c in header[1:7]] == ["false", "true", "false", "api://AzureADTokenExchange",
                                                     "true", "Ephemeral"]
    assert [rows[ebs][c] for c in header[1:7]] == ["true", "false", "false", "<unset>", "false", "Persistent"]

    bad = f"""apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata: {{name: bad.{ns}.io}}
spec:
  fsGroupPolicy: Always
  volumeLifecycleModes: [Inline]
  tokenRequests: [{{audience: vault, expirationSeconds: 60}}, {{audience: vault}}]
  nodeAllocatableUpdatePeriodSeconds: 5
"""
    assert refused(server, "apply", "-f", "-", input=bad) == (
        f'The CSIDriver "bad.{ns}.io" is invalid: \n'
        '* spec.fsGroupPolicy: Unsupported value: "Always": supported values: "File", "None", '
        '"ReadWriteOnceWithFSType"\n'
        "* spec.tokenRequests[0].expirationSeconds: Invalid value: 60: may not specify a duration less than 10 "
        "minutes\n"
        '* spec.tokenRequests[1].audience: Duplicate value: "vault"\n'
        '* spec.volumeLifecycleModes: Unsupported value: "Inline": supported values: "Persistent", "Ephemeral"\n'
        "* spec.nodeAllocatableUpdatePeriodSeconds: Invalid value: 5: must be greater than or equal to 10 "
        "seconds\n")
    not_found(server, "csidriver", f"bad.{ns}.io")
    assert refused(server, "patch", "csidriver", ebs, "--type=merge", "-p", '{"spec":{"attachRequired":false}}') == (
        f'The CSIDriver "{ebs}" is invalid: spec.attachedRequired: Invalid value: false: field is immutable\n')
    assert refused(server, "patch", "csidriver", store, "--type=merge", "-p",
                   '{"spec":{"volumeLifecycleModes":["Ephemeral","Persistent"]}}') == (
        f'The CSIDriver "{store}" is invalid: spec.volumeLifecycleModes: Invalid value: '
        '["Ephemeral","Persistent"]: field is immutable\n')

    # podInfoOnMount and storageCapacity may change; each spec change moves the generation.
    server.kubectl("patch", "csidriver", ebs, "--type=merge", "-p", '{"spec":{"podInfoOnMount":true}}')
    assert get_json(server, "csidriver", ebs)["metadata"]["generation"] == 1
    storage = client.StorageV1Api(server.api)
    patched = storage.patch_csi_driver(ebs, {"spec": {"storageCapacity": True}})
    assert (patched.metadata.generation, patched.spec.storage_capacity, patched.spec.attach_required) == (2, True, True)
    relabelled = storage.patch_csi_driver(ebs, {"metadata": {"labels": {"team": "storage"}}})
    assert relabelled.metadata.generation == 2
    names = {d.metadata.name for d in storage.list_csi_driver(label_selector="team=storage").items}
    assert names == {ebs}
    deleted = storage.delete_csi_driver(ebs)
    assert (deleted.kind, deleted.metadata.name, deleted.spec.pod_info_on_mount) == ("CSIDriver", ebs, True)
    server.kubectl("delete", "csidriver", store)


def test_csi_node_registered_drivers_and_allocatable_count(server: Server, ns: str) -> None:
    node = f"ip-10-0-1-23.{ns}.internal"
    manifest = f"""apiVersion: storage.k8s.io/v1
kind: CSINode
metadata: {{name: {node}}}
spec:
  drivers:
  - name: ebs.csi.aws.com
    nodeID: i-0abc123def4567890
    topologyKeys: [topology.ebs.csi.aws.com/zone, kubernetes.io/os]
    allocatable: {{count: 25}}
  - {{name: efs.csi.aws.com, nodeID: i-0abc123def4567890}}
"""
    server.kubectl("apply", "-f", "-", input=manifest)
    csinode = get_json(server, "csinode", node)
    assert csinode["spec"]["drivers"] == [
        {"name": "ebs.csi.aws.com", "nodeID": "i-0abc123def4567890", "allocatable": {"count": 25},
         "topologyKeys": ["topology.ebs.csi.aws.com/zone", "kubernetes.io/os"]},
        {"name": "efs.csi.aws.com", "nodeID": "i-0abc123def4567890", "topologyKeys": None}]  # no omitempty
    assert "generation" not in csinode["metadata"] and "status" not in csinode
    header, rows = table(server, "csinodes", node)
    assert header == ["NAME", "DRIVERS", "AGE"] and rows[node]["DRIVERS"] == "2"

    # MutableCSINodeAllocatableCount (beta, on in v1.35): the count may move, nothing else may.
    server.kubectl("patch", "csinode", node, "--type=json", "-p",
                   '[{"op":"replace","path":"/spec/drivers/0/allocatable/count","value":31}]')
    assert get_json(server, "csinode", node)["spec"]["drivers"][0]["allocatable"] == {"count": 31}
    assert refused(server, "patch", "csinode", node, "--type=json", "-p",
                   '[{"op":"replace","path":"/spec/drivers/0/nodeID","value":"i-0fff"}]') == (
        f'The CSINode "{node}" is invalid: spec.drivers: Invalid value: {{"Name":"ebs.csi.aws.com",'
        '"NodeID":"i-0fff","TopologyKeys":["topology.ebs.csi.aws.com/zone","kubernetes.io/os"],'
        '"Allocatable":null}: field is immutable\n')
    bad = f"""apiVersion: storage.k8s.io/v1
kind: CSINode
metadata: {{name: bad-{ns}}}
spec:
  drivers:
  - {{name: ebs.csi.aws.com, nodeID: ""}}
  - {{name: ebs.csi.aws.com, nodeID: i-1, allocatable: {{count: -1}}}}
"""
    assert refused(server, "apply", "-f", "-", input=bad) == (
        f'The CSINode "bad-{ns}" is invalid: \n'
        "* spec.drivers[0].nodeID: Required value\n"
        "* spec.drivers[1].allocatable.count: Invalid value: -1: must be greater than or equal to 0\n"
        '* spec.drivers[1].name: Duplicate value: "ebs.csi.aws.com"\n')
    not_found(server, "csinode", f"bad-{ns}")

    storage = client.StorageV1Api(server.api)
    read = storage.read_csi_node(node)
    assert [(d.name, d.allocatable.count if d.allocatable else None) for d in read.spec.drivers] == [
        ("ebs.csi.aws.com", 31), ("efs.csi.aws.com", None)]
    assert storage.patch_csi_node(node, {"metadata": {"labels": {"pool": "gpu"}}}).metadata.labels == {"pool": "gpu"}
    deleted = storage.delete_csi_node(node)
    assert (deleted.kind, deleted.metadata.name, len(deleted.spec.drivers)) == ("CSINode", node, 2)


def test_csi_storage_capacity_quantities_table_and_immutable_inputs(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "apply", "-f", "-", input="""apiVersion: storage.k8s.io/v1
kind: CSIStorageCapacity
metadata:
  name: csisc-7kx2p
  labels: {csi.storage.k8s.io/drivername: hostpath.csi.k8s.io, csi.storage.k8s.io/managed-by: external-provisioner}
storageClassName: csi-hostpath-fast
nodeTopology:
  matchLabels: {topology.hostpath.csi/node: worker-1}
capacity: 2048Mi
maximumVolumeSize: 0.5Ti
""")
    capacity = get_json(server, "-n", ns, "csistoragecapacity", "csisc-7kx2p")
    assert {k: v for k, v in capacity.items() if k != "metadata"} == {
        "apiVersion": "storage.k8s.io/v1", "kind": "CSIStorageCapacity", "storageClassName": "csi-hostpath-fast",
        "nodeTopology": {"matchLabels": {"topology.hostpath.csi/node": "worker-1"}},
        "capacity": "2Gi", "maximumVolumeSize": "512Gi"}
    # upstream's store keeps the default table convertor: Name and Created At
    out = server.kubectl("-n", ns, "get", "csistoragecapacities").stdout
    assert out == server.kubectl("-n", ns, "get", "csistoragecapacities", "-o", "wide").stdout  # no AGE
    assert out.splitlines()[0].split() == ["NAME", "CREATED", "AT"]
    assert out.splitlines()[1].split() == ["csisc-7kx2p", capacity["metadata"]["creationTimestamp"]]

    bad = """apiVersion: storage.k8s.io/v1
kind: CSIStorageCapacity
metadata: {name: bad}
storageClassName: Fast_SSD
nodeTopology: {matchLabels: {"topology.hostpath.csi/node": "-worker"}}
capacity: -1Gi
"""
    assert refused(server, "-n", ns, "apply", "-f", "-", input=bad) == (
        'The CSIStorageCapacity "bad" is invalid: \n'
        '* nodeTopology.matchLabels: Invalid value: "-worker": a valid label must be an empty string or consist of '
        "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
        "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
        "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n"
        "* storageClassName: Invalid value: \"Fast_SSD\": a lowercase RFC 1123 subdomain must consist of lower case "
        "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
        "'example.com', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n"
        '* capacity: Invalid value: "-1Gi": must be greater than or equal to 0\n')
    not_found(server, "-n", ns, "csistoragecapacity", "bad")
    assert refused(server, "-n", ns, "patch", "csistoragecapacity", "csisc-7kx2p", "--type=merge", "-p",
                   '{"storageClassName":"csi-hostpath-slow"}') == (
        'The CSIStorageCapacity "csisc-7kx2p" is invalid: storageClassName: Invalid value: "csi-hostpath-slow": '
        "field is immutable\n")
    assert refused(server, "-n", ns, "patch", "csistoragecapacity", "csisc-7kx2p", "--type=merge", "-p",
                   '{"nodeTopology":{"matchLabels":{"topology.hostpath.csi/node":"worker-2"}}}') == (
        'The CSIStorageCapacity "csisc-7kx2p" is invalid: nodeTopology: Invalid value: '
        '{"matchLabels":{"topology.hostpath.csi/node":"worker-2"}}: field is immutable\n')

    storage = client.StorageV1Api(server.api)
    created = storage.create_namespaced_csi_storage_capacity(ns, client.V1CSIStorageCapacity(
        metadata=client.V1ObjectMeta(name="csisc-9qw4z"), storage_class_name="csi-hostpath-fast",
        node_topology=client.V1LabelSelector(match_labels={"topology.hostpath.csi/node": "worker-2"}),
        capacity="1024Gi"))
    assert created.capacity == "1Ti"
    updated = storage.patch_namespaced_csi_storage_capacity("csisc-9qw4z", ns, {"capacity": "100Gi"})
    assert updated.capacity == "100Gi"
    names = [c.metadata.name for c in storage.list_namespaced_csi_storage_capacity(ns).items]
    assert names == ["csisc-7kx2p", "csisc-9qw4z"]
    status = storage.delete_namespaced_csi_storage_capacity("csisc-9qw4z", ns)  # not the object: a Status
    assert (status["kind"], status["status"], status["details"]["name"]) == ("Status", "Success", "csisc-9qw4z")


def test_volume_attachment_status_subresource_and_read_only_spec(server: Server, ns: str) -> None:
    name = f"csi-0a1b2c3d-{ns}"
    server.kubectl("apply", "-f", "-", input=f"""apiVersion: storage.k8s.io/v1
kind: VolumeAttachment
metadata: {{name: {name}}}
spec:
  attacher: ebs.csi.aws.com
  nodeName: ip-10-0-1-23.ec2.internal
  source: {{persistentVolumeName: pvc-6f1c2a4e}}
status: {{attached: true}}
""")
    attachment = get_json(server, "volumeattachment", name)
    assert attachment["spec"] == {"attacher": "ebs.csi.aws.com", "nodeName": "ip-10-0-1-23.ec2.internal",
                                  "source": {"persistentVolumeName": "pvc-6f1c2a4e"}}
    assert attachment["status"] == {"attached": False}  # a client may not claim the attach on create
    header, rows = table(server, "volumeattachments", name)
    assert header == ["NAME", "ATTACHER", "PV", "NODE", "ATTACHED", "AGE"]
    assert [rows[name][c] for c in header[1:5]] == ["ebs.csi.aws.com", "pvc-6f1c2a4e", "ip-10-0-1-23.ec2.internal",
                                                    "false"]

    # the external-attacher reports through /status; the main resource keeps the status it has
    server.kubectl("patch", "volumeattachment", name, "--subresource=status", "--type=merge", "-p",
                   '{"status":{"attached":true,"attachmentMetadata":{"devicePath":"/dev/xvdba"}}}')
    server.kubectl("patch", "volumeattachment", name, "--type=merge", "-p", '{"status":{"attached":false}}')
    server.kubectl("patch", "volumeattachment", name, "--subresource=status", "--type=merge", "-p",
                   '{"spec":{"nodeName":"ip-10-0-9-9.ec2.internal"}}')
    attachment = get_json(server, "volumeattachment", name)
    assert attachment["status"] == {"attached": True, "attachmentMetadata": {"devicePath": "/dev/xvdba"}}
    assert attachment["spec"]["nodeName"] == "ip-10-0-1-23.ec2.internal"
    _, rows = table(server, "volumeattachments", name)
    assert rows[name]["ATTACHED"] == "true"
    assert refused(server, "patch", "volumeattachment", name, "--subresource=status", "--type=merge", "-p",
                   '{"status":{"detachError":{"message":"timed out","errorCode":-1}}}') == (
        f'The VolumeAttachment "{name}" is invalid: status.detachError.errorCode: Invalid value: -1: '
        "must be between 0 and 2147483647, inclusive\n")
    stderr = refused(server, "patch", "volumeattachment", name, "--type=merge", "-p",
                     '{"spec":{"nodeName":"ip-10-0-9-9.ec2.internal"}}')
    assert stderr.startswith(f'The VolumeAttachment "{name}" is invalid: spec: Invalid value: ')
    assert stderr.endswith(": field is immutable\n")
    bad = f"""apiVersion: storage.k8s.io/v1
kind: VolumeAttachment
metadata: {{name: bad-{ns}}}
spec: {{attacher: ebs.csi.aws.com, nodeName: Node_1, source: {{}}}}
"""
    assert refused(server, "apply", "-f", "-", input=bad) == (
        f'The VolumeAttachment "bad-{ns}" is invalid: \n'
        "* spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName\n"
        '* spec.nodeName: Invalid value: "Node_1": a lowercase RFC 1123 subdomain must consist of lower case '
        "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
        "'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*"
        "[a-z0-9])?)*')\n")
    not_found(server, "volumeattachment", f"bad-{ns}")

    storage = client.StorageV1Api(server.api)
    status = storage.read_volume_attachment_status(name)
    assert (status.status.attached, status.status.attachment_metadata) == (True, {"devicePath": "/dev/xvdba"})
    detaching = storage.patch_volume_attachment_status(name, {"status": {"attached": False, "detachError": {
        "message": "rpc error: code = DeadlineExceeded", "time": "2025-01-02T03:04:05Z"}}})
    assert (detaching.status.attached, detaching.status.detach_error.message) == (
        False, "rpc error: code = DeadlineExceeded")
    assert name in {a.metadata.name for a in storage.list_volume_attachment().items}
    deleted = storage.delete_volume_attachment(name)
    assert (deleted.kind, deleted.spec.attacher, deleted.status.attached) == ("VolumeAttachment", "ebs.csi.aws.com",
                                                                              False)


def test_volume_attributes_class_parameters_are_fixed(server: Server, ns: str) -> None:
    gold, silver = f"gold-{ns}", f"silver-{ns}"
    server.kubectl("apply", "-f", "-", input=f"""apiVersion: storage.k8s.io/v1
kind: VolumeAttributesClass
metadata: {{name: {gold}}}
driverName: ebs.csi.aws.com
parameters: {{iops: "16000", throughput: "1000", type: io2}}
""")
    vac = get_json(server, "vac", gold)
    assert {k: v for k, v in vac.items() if k != "metadata"} == {
        "apiVersion": "storage.k8s.io/v1", "kind": "VolumeAttributesClass", "driverName": "ebs.csi.aws.com",
        "parameters": {"iops": "16000", "throughput": "1000", "type": "io2"}}
    storage = client.StorageV1Api(server.api)
    storage.create_volume_attributes_class(client.V1VolumeAttributesClass(
        metadata=client.V1ObjectMeta(name=silver), driver_name="pd.csi.storage.gke.io",
        parameters={"provisioned-iops": "3000", "provisioned-throughput": "50"}))
    header, rows = table(server, "volumeattributesclasses", gold, silver)
    assert header == ["NAME", "DRIVERNAME", "AGE"]
    assert (rows[gold]["DRIVERNAME"], rows[silver]["DRIVERNAME"]) == ("ebs.csi.aws.com", "pd.csi.storage.gke.io")

    assert refused(server, "patch", "vac", gold, "--type=merge", "-p", '{"parameters":{"iops":"3000"}}') == (
        f'The VolumeAttributesClass "{gold}" is invalid: parameters: Forbidden: updates to parameters are '
        "forbidden.\n")
    assert refused(server, "patch", "vac", gold, "--type=merge", "-p", '{"driverName":"pd.csi.storage.gke.io"}') == (
        f'The VolumeAttributesClass "{gold}" is invalid: driverName: Forbidden: updates to driverName are '
        "forbidden.\n")
    bad = f"apiVersion: storage.k8s.io/v1\nkind: VolumeAttributesClass\nmetadata: {{name: empty-{ns}}}\ndriverName: ''\n"
    assert refused(server, "apply", "-f", "-", input=bad) == (
        f'The VolumeAttributesClass "empty-{ns}" is invalid: \n'
        "* driverName: Required value\n"
        "* parameters: Required value: must contain at least one key/value pair\n")
    not_found(server, "vac", f"empty-{ns}")

    patched = storage.patch_volume_attributes_class(silver, {"metadata": {"labels": {"tier": "silver"}}})
    assert (patched.metadata.labels, patched.parameters["provisioned-iops"]) == ({"tier": "silver"}, "3000")
    assert [v.metadata.name for v in storage.list_volume_attributes_class(label_selector="tier=silver").items] == [
        silver]
    deleted = storage.delete_volume_attributes_class(silver)
    assert (deleted.kind, deleted.driver_name) == ("VolumeAttributesClass", "pd.csi.storage.gke.io")
    server.kubectl("delete", "vac", gold)


# -- certificates.k8s.io ----------------------------------------------------------------------------


def csr_pem(common_name: str, organization: str) -> str:
    """A PKCS#10 request as `openssl req -new` makes one, base64 for spec.request."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization)])
    request = x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key, hashes.SHA256())
    return base64.b64encode(request.public_bytes(serialization.Encoding.PEM)).decode()


def issue(request_b64: str) -> str:
    """What a signer controller does once the request is approved: a client certificate from its CA."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "example-signer-ca")])
    request = x509.load_pem_x509_csr(base64.b64decode(request_b64))
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(request.subject).issuer_name(ca_name)
            .public_key(request.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return base64.b64encode(cert.public_bytes(serialization.Encoding.PEM)).decode()


def test_certificate_signing_request_approval_denial_and_issued_certificate(server: Server, ns: str) -> None:
    jane, bob = f"jane-{ns}", f"bob-{ns}"
    jane_request = csr_pem("jane", "developers")
    server.kubectl("apply", "-f", "-", input=json.dumps({
        "apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest", "metadata": {"name": jane},
        "spec": {"request": jane_request, "signerName": "kubernetes.io/kube-apiserver-client",
                 "expirationSeconds": 86400, "usages": ["client auth"]}}))
    csr = get_json(server, "csr", jane)
    requester = "kubernetes-admin"
    admin_der = x509.load_pem_x509_certificate((server.base / "client" / "admin.crt").read_bytes()).public_bytes(
        serialization.Encoding.DER)
    assert csr["spec"] == {"request": jane_request, "signerName": "kubernetes.io/kube-apiserver-client",
                           "expirationSeconds": 86400, "usages": ["client auth"], "username": requester,
                           "groups": ["system:masters", "system:authenticated"],
                           "extra": {"authentication.kubernetes.io/credential-id": [
                               "X509SHA256=" + hashlib.sha256(admin_der).hexdigest()]}}
    assert csr["status"] == {} and "generation" not in csr["metadata"]

    bob_request = csr_pem("bob", "contractors")
    certificates = client.CertificatesV1Api(server.api)
    certificates.create_certificate_signing_request(client.V1CertificateSigningRequest(
        metadata=client.V1ObjectMeta(name=bob), spec=client.V1CertificateSigningRequestSpec(
            request=bob_request, signer_name="example.com/contractors", usages=["digital signature", "client auth"])))
    header, rows = table(server, "csr", jane, bob)
    assert header == ["NAME", "AGE", "SIGNERNAME", "REQUESTOR", "REQUESTEDDURATION", "CONDITION"]
    assert [rows[jane][c] for c in header[2:]] == ["kubernetes.io/kube-apiserver-client", requester, "24h", "Pending"]
    assert [rows[bob][c] for c in header[2:]] == ["example.com/contractors", requester, "<none>", "Pending"]
    listed = certificates.list_certificate_signing_request(field_selector="spec.signerName=example.com/contractors")
    assert [c.metadata.name for c in listed.items] == [bob]

    assert server.kubectl("certificate", "deny", bob).stdout == (
        f"certificatesigningrequest.certificates.k8s.io/{bob} denied\n")
    server.kubectl("certificate", "approve", jane)
    [approved] = get_json(server, "csr", jane)["status"]["conditions"]
    assert {k: approved[k] for k in ("type", "status", "reason", "message")} == {
        "type": "Approved", "status": "True", "reason": "KubectlApprove",
        "message": "This CSR was approved by kubectl certificate approve."}
    assert approved["lastUpdateTime"] and approved["lastTransitionTime"]

    # the signer writes the certificate through /status; the main resource cannot
    certificate = issue(jane_request)
    server.kubectl("patch", "csr", jane, "--type=merge", "-p", json.dumps({"status": {"certificate": certificate}}))
    assert "certificate" not in get_json(server, "csr", jane)["status"]
    server.kubectl("patch", "csr", jane, "--subresource=status", "--type=merge", "-p",
                   json.dumps({"status": {"certificate": certificate}}))
    issued = get_json(server, "csr", jane)["status"]
    assert issued["certificate"] == certificate and [c["type"] for c in issued["conditions"]] == ["Approved"]
    pem = base64.b64decode(server.kubectl("get", "csr", jane, "-o", "jsonpath={.status.certificate}").stdout)
    assert x509.load_pem_x509_certificate(pem).subject.rfc4514_string() == "O=developers,CN=jane"
    _, rows = table(server, "csr", jane, bob)
    assert (rows[jane]["CONDITION"], rows[bob]["CONDITION"]) == ("Approved,Issued", "Denied")
    assert refused(server, "patch", "csr", jane, "--subresource=status", "--type=merge", "-p",
                   json.dumps({"status": {"certificate": issue(jane_request)}})) == (
        f'The CertificateSigningRequest "{jane}" is invalid: status.certificate: Forbidden: updates may not modify '
        "existing certificate content\n")
    assert refused(server, "patch", "csr", bob, "--subresource=status", "--type=merge", "-p",
                   json.dumps({"status": {"certificate": base64.b64encode(b"not a certificate").decode()}})) == (
        f'The CertificateSigningRequest "{bob}" is invalid: status.certificate: Invalid value: "<certificate data>": '
        "must contain at least one CERTIFICATE PEM block\n")

    bad = {"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
           "metadata": {"name": f"bad-{ns}"},
           "spec": {"request": jane_request, "signerName": "kubernetes.io/legacy-unknown", "expirationSeconds": 300,
                    "usages": ["client auth", "client auth", "digital signatures"]}}
    assert refused(server, "apply", "-f", "-", input=json.dumps(bad)) == (
        f'The CertificateSigningRequest "bad-{ns}" is invalid: \n'
        '* spec.usages[2]: Unsupported value: "digital signatures": supported values: "any", "cert sign", '
        '"client auth", "code signing", "content commitment", "crl sign", "data encipherment", "decipher only", '
        '"digital signature", "email protection", "encipher only", "ipsec end system", "ipsec tunnel", '
        '"ipsec user", "key agreement", "key encipherment", "microsoft sgc", "netscape sgc", "ocsp signing", '
        '"s/mime", "server auth", "signing", "timestamping"\n'
        '* spec.usages[1]: Duplicate value: "client auth"\n'
        '* spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed '
        "via this API version\n"
        "* spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 600 seconds "
        "(10 minutes)\n")
    garbage = dict(bad, spec={"request": base64.b64encode(b"not a csr").decode(), "signerName": "example",
                              "usages": []})
    assert refused(server, "apply", "-f", "-", input=json.dumps(garbage)) == (
        f'The CertificateSigningRequest "bad-{ns}" is invalid: \n'
        '* spec.request: Invalid value: "bm90IGEgY3Ny": PEM block type must be CERTIFICATE REQUEST\n'
        "* spec.usages: Required value\n"
        "* spec.signerName: Invalid value: \"example\": must be a fully qualified domain and path of the form "
        "'example.com/signer-name'\n")
    not_found(server, "csr", f"bad-{ns}")

    read = certificates.read_certificate_signing_request_status(jane)
    assert ([c.type for c in read.status.conditions], read.status.certificate) == (["Approved"], certificate)
    assert certificates.read_certificate_signing_request(bob).status.conditions[0].reason == "KubectlDeny"
    server.kubectl("delete", "csr", jane, bob)


# -- resource.k8s.io (DRA) ---------------------------------------------------------------------------


def test_device_class_selectors_config_and_generation(server: Server, ns: str) -> None:
    gpu, nic = f"gpu.{ns}.example.com", f"nic.{ns}.example.com"
    server.kubectl("apply", "-f", "-", input=f"""apiVersion: resource.k8s.io/v1
kind: DeviceClass
metadata: {{name: {gpu}}}
spec:
  selectors:
  - cel: {{expression: "device.driver == 'gpu.example.com'"}}
  config:
  - opaque:
      driver: gpu.example.com
      parameters: {{apiVersion: gpu.resource.example.com/v1alpha1, kind: GpuConfig, sharing: {{strategy: TimeSlicing}}}}
""")
    device_class = get_json(server, "deviceclass", gpu)
    assert device_class["metadata"]["generation"] == 1
    assert device_class["spec"] == {
        "selectors": [{"cel": {"expression": "device.driver == 'gpu.example.com'"}}],
        "config": [{"opaque": {"driver": "gpu.example.com", "parameters": {
            "apiVersion": "gpu.resource.example.com/v1alpha1", "kind": "GpuConfig",
            "sharing": {"strategy": "TimeSlicing"}}}}]}
    resource = client.ResourceV1Api(server.api)
    resource.create_device_class(client.V1DeviceClass(metadata=client.V1ObjectMeta(name=nic), spec=client.V1DeviceClassSpec(
        selectors=[client.V1DeviceSelector(cel=client.V1CELDeviceSelector(expression="device.driver == 'dra.net'"))])))
    header, rows = table(server, "deviceclasses", gpu, nic)
    assert header == ["NAME", "AGE"] and set(rows) == {gpu, nic}

    server.kubectl("patch", "deviceclass", gpu, "--type=json", "-p",
                   '[{"op":"add","path":"/spec/selectors/-","value":{"cel":{"expression":"device.attributes'
                   '[\\"gpu.example.com\\"].model == \\"LATEST-GPU-MODEL\\""}}}]')
    assert get_json(server, "deviceclass", gpu)["metadata"]["generation"] == 2
    bad = f"""apiVersion: resource.k8s.io/v1
kind: DeviceClass
metadata: {{name: bad.{ns}.example.com}}
spec:
  selectors: [{{}}]
  config: [{{}}, {{opaque: {{driver: Not_A_Driver, parameters: {{}}}}}}]
"""
    assert refused(server, "apply", "-f", "-", input=bad) == (
        f'The DeviceClass "bad.{ns}.example.com" is invalid: \n'
        "* spec.selectors[0].cel: Required value\n"
        "* spec.config[0].opaque: Required value\n"
        '* spec.config[1].opaque.driver: Invalid value: "Not_A_Driver": a lowercase RFC 1123 subdomain must '
        "consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
        "character (e.g. 'example.com', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n")
    not_found(server, "deviceclass", f"bad.{ns}.example.com")

    patched = resource.patch_device_class(nic, {"metadata": {"labels": {"kind": "network"}}})
    assert (patched.metadata.labels, patched.metadata.generation) == ({"kind": "network"}, 1)
    assert [c.metadata.name for c in resource.list_device_class(label_selector="kind=network").items] == [nic]
    deleted = resource.delete_device_class(nic)
    assert (deleted.kind, deleted.spec.selectors[0].cel.expression) == ("DeviceClass", "device.driver == 'dra.net'")
    server.kubectl("delete", "deviceclass", gpu)


CLAIM = """apiVersion: resource.k8s.io/v1
kind: ResourceClaim
metadata: {name: single-gpu}
spec:
  devices:
    requests:
    - name: gpu
      exactly:
        deviceClassName: gpu.example.com
        selectors:
        - cel:
            expression: |-
              device.attributes["driver.example.com"].type == "gpu" &&
              device.capacity["driver.example.com"].memory == quantity("64Gi")
        tolerations: [{key: example.com/unhealthy, effect: NoSchedule}]
"""


def test_resource_claim_defaults_state_and_status_subresource(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "apply", "-f", "-", input=CLAIM)
    claim = get_json(server, "-n", ns, "resourceclaim", "single-gpu")
    # DRADeviceTaints is alpha (off) in v1.35: the tolerations are dropped
    assert claim["spec"] == {"devices": {"requests": [{"name": "gpu", "exactly": {
        "deviceClassName": "gpu.example.com", "allocationMode": "ExactCount", "count": 1,
        "selectors": [{"cel": {"expression": 'device.attributes["driver.example.com"].type == "gpu" &&\n'
                                             'device.capacity["driver.example.com"].memory == quantity("64Gi")'}}]}}]}}
    assert claim["status"] == {} and "generation" not in claim["metadata"]
    header, rows = table(server, "-n", ns, "resourceclaims")
    assert header == ["NAME", "STATE", "AGE"] and rows["single-gpu"]["STATE"] == "pending"

    # the scheduler allocates and reserves the claim for a pod through /status
    allocation = {"devices": {"results": [{"request": "gpu", "driver": "gpu.example.com", "pool": "worker-1",
                                           "device": "gpu-0"}]},
                  "nodeSelector": {"nodeSelectorTerms": [{"matchFields": [
                      {"key": "metadata.name", "operator": "In", "values": ["worker-1"]}]}]}}
    assert refused(server, "-n", ns, "patch", "resourceclaim", "single-gpu", "--subresource=status",
                   "--type=merge", "-p", json.dumps({"status": {"reservedFor": [
                       {"resource": "pods", "name": "trainer-0", "uid": "7f0c8e1a-3b1d-4c55-9a8e-2f4f7a6b1c00"}]}})) == (
        'The ResourceClaim "single-gpu" is invalid: status.reservedFor: Forbidden: may not be specified when '
        "`allocated` is not set\n")
    server.kubectl("-n", ns, "patch", "resourceclaim", "single-gpu", "--subresource=status", "--type=merge", "-p",
                   json.dumps({"status": {"allocation": allocation, "reservedFor": [
                       {"resource": "pods", "name": "trainer-0", "uid": "7f0c8e1a-3b1d-4c55-9a8e-2f4f7a6b1c00"}]}}))
    _, rows = table(server, "-n", ns, "resourceclaims")
    assert rows["single-gpu"]["STATE"] == "allocated,reserved"
    stderr = refused(server, "-n", ns, "patch", "resourceclaim", "single-gpu", "--type=merge", "-p",
                     '{"spec":{"devices":{"requests":[{"name":"gpu","exactly":{"deviceClassName":"other"}}]}}}')
    assert stderr.startswith('The ResourceClaim "single-gpu" is invalid: spec: Invalid value: ')
    assert stderr.endswith(": field is immutable\n")

    bad = """apiVersion: resource.k8s.io/v1
kind: ResourceClaim
metadata: {name: bad}
spec:
  devices:
    requests:
    - name: gpu
      exactly: {deviceClassName: gpu.example.com, allocationMode: Some}
    - name: gpu
      exactly: {deviceClassName: gpu.example.com, allocationMode: All, count: 2}
    - name: nic
"""
    assert refused(server, "-n", ns, "apply", "-f", "-", input=bad) == (
        'The ResourceClaim "bad" is invalid: \n'
        '* spec.devices.requests[0].exactly.allocationMode: Unsupported value: "Some": supported values: "All", '
        '"ExactCount"\n'
        "* spec.devices.requests[1].exactly.count: Invalid value: 2: must not be specified when allocationMode is "
        "'All'\n"
        '* spec.devices.requests[1]: Duplicate value: "gpu"\n'
        "* spec.devices.requests[2]: Required value: exactly one of `exactly` or `firstAvailable` is required\n")
    not_found(server, "-n", ns, "resourceclaim", "bad")

    resource = client.ResourceV1Api(server.api)
    status = resource.read_namespaced_resource_claim_status("single-gpu", ns)
    assert [r.device for r in status.status.allocation.devices.results] == ["gpu-0"]
    released = resource.patch_namespaced_resource_claim_status("single-gpu", ns, {"status": {"reservedFor": None}})
    assert released.status.reserved_for is None and released.status.allocation is not None
    deleted = resource.delete_namespaced_resource_claim("single-gpu", ns)
    assert (deleted.kind, deleted.status.allocation.devices.results[0].pool) == ("ResourceClaim", "worker-1")


def test_resource_claim_template_prioritized_list(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "apply", "-f", "-", input="""apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata: {name: gpu-template}
spec:
  metadata:
    labels: {app: inference}
  spec:
    devices:
      requests:
      - name: gpu
        firstAvailable:
        - name: large
          deviceClassName: gpu.example.com
          selectors:
          - cel: {expression: "device.capacity['gpu.example.com'].memory.compareTo(quantity('80Gi')) >= 0"}
        - {name: small, deviceClassName: gpu.example.com, count: 2}
      constraints:
      - {requests: [gpu], matchAttribute: gpu.example.com/model}
""")
    template = get_json(server, "-n", ns, "resourceclaimtemplate", "gpu-template")
    assert template["spec"]["spec"]["devices"]["requests"] == [{"name": "gpu", "firstAvailable": [
        {"name": "large", "deviceClassName": "gpu.example.com", "allocationMode": "ExactCount", "count": 1,
         "selectors": [{"cel": {"expression": "device.capacity['gpu.example.com'].memory.compareTo("
                                              "quantity('80Gi')) >= 0"}}]},
        {"name": "small", "deviceClassName": "gpu.example.com", "allocationMode": "ExactCount", "count": 2}]}]
    assert template["spec"]["metadata"] == {"labels": {"app": "inference"}}
    header, rows = table(server, "-n", ns, "resourceclaimtemplates")
    assert header == ["NAME", "AGE"] and list(rows) == ["gpu-template"]

    bad = """apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata: {name: bad}
spec:
  spec:
    devices:
      requests: [{name: gpu, exactly: {}}]
      constraints: [{requests: [tpu], matchAttribute: gpu.example.com/model}]
"""
    assert refused(server, "-n", ns, "apply", "-f", "-", input=bad) == (
        'The ResourceClaimTemplate "bad" is invalid: \n'
        "* spec.spec.devices.requests[0].exactly.deviceClassName: Required value\n"
        "* spec.spec.devices.constraints[0].requests[0]: Invalid value: \"tpu\": must be the name of a request in "
        "the claim or the name of a request and a subrequest separated by '/'\n")
    not_found(server, "-n", ns, "resourceclaimtemplate", "bad")
    stderr = refused(server, "-n", ns, "patch", "resourceclaimtemplate", "gpu-template", "--type=merge", "-p",
                     '{"spec":{"spec":{"devices":{"constraints":null}}}}')
    assert stderr.startswith('The ResourceClaimTemplate "gpu-template" is invalid: spec: Invalid value: ')

    resource = client.ResourceV1Api(server.api)
    relabelled = resource.patch_namespaced_resource_claim_template("gpu-template", ns,
                                                                   {"metadata": {"labels": {"team": "ml"}}})
    assert relabelled.spec.spec.devices.requests[0].first_available[1].count == 2
    listed = resource.list_namespaced_resource_claim_template(ns, label_selector="team=ml")
    assert [t.metadata.name for t in listed.items] == ["gpu-template"]
    deleted = resource.delete_namespaced_resource_claim_template("gpu-template", ns)
    assert (deleted.kind, deleted.metadata.name) == ("ResourceClaimTemplate", "gpu-template")


def test_resource_slice_published_by_a_driver(server: Server, ns: str) -> None:
    node, name = f"worker-{ns}", f"worker-{ns}-gpu.example.com-x7k2p"
    server.kubectl("apply", "-f", "-", input=f"""apiVersion: resource.k8s.io/v1
kind: ResourceSlice
metadata: {{name: {name}}}
spec:
  driver: gpu.example.com
  nodeName: {node}
  pool: {{name: {node}, generation: 1, resourceSliceCount: 1}}
  devices:
  - name: gpu-0
    attributes:
      driverVersion: {{version: 1.0.0}}
      index: {{int: 0}}
      model: {{string: LATEST-GPU-MODEL}}
      uuid: {{string: gpu-18db0e85-99e9-c746-8531-ffeb86328b39}}
    capacity:
      memory: {{value: 80Gi}}
    taints: [{{key: example.com/unhealthy, value: ecc, effect: NoSchedule}}]
""")
    published = get_json(server, "resourceslice", name)
    assert published["metadata"]["generation"] == 1
    # DRADeviceTaints is alpha (off) in v1.35: the taint is dropped
    assert published["spec"]["devices"] == [{"name": "gpu-0", "attributes": {
        "driverVersion": {"version": "1.0.0"}, "index": {"int": 0}, "model": {"string": "LATEST-GPU-MODEL"},
        "uuid": {"string": "gpu-18db0e85-99e9-c746-8531-ffeb86328b39"}}, "capacity": {"memory": {"value": "80Gi"}}}]
    header, rows = table(server, "resourceslices", "--field-selector", f"spec.nodeName={node}")
    assert header == ["NAME", "NODE", "DRIVER", "POOL", "AGE"]
    assert [rows[name][c] for c in header[1:4]] == [node, "gpu.example.com", node]

    assert refused(server, "patch", "resourceslice", name, "--type=merge", "-p",
                   '{"spec":{"driver":"other.example.com"}}') == (
        f'The ResourceSlice "{name}" is invalid: spec.driver: Invalid value: "other.example.com": '
        "field is immutable\n")
    bad = f"""apiVersion: resource.k8s.io/v1
kind: ResourceSlice
metadata: {{name: bad-{ns}}}
spec:
  driver: gpu.example.com
  pool: {{name: pool-a, resourceSliceCount: 0}}
  devices: [{{name: GPU_0}}]
"""
    assert refused(server, "apply", "-f", "-", input=bad) == (
        f'The ResourceSlice "bad-{ns}" is invalid: \n'
        "* spec.pool.resourceSliceCount: Invalid value: 0: must be greater than zero\n"
        "* spec: Required value: exactly one of `nodeName`, `nodeSelector`, `allNodes`, `perDeviceNodeSelection` "
        "is required\n"
        '* spec.devices[0].name: Invalid value: "GPU_0": a lowercase RFC 1123 label must consist of lower case '
        "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  "
        "or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')\n")
    not_found(server, "resourceslice", f"bad-{ns}")

    resource = client.ResourceV1Api(server.api)
    republished = resource.patch_resource_slice(name, {"spec": {"pool": {"generation": 2}}})
    assert (republished.metadata.generation, republished.spec.pool.generation) == (2, 2)
    listed = resource.list_resource_slice(field_selector=f"spec.nodeName={node},spec.driver=gpu.example.com")
    assert [s.metadata.name for s in listed.items] == [name]
    device = listed.items[0].spec.devices[0]
    assert (device.attributes["index"].int, device.capacity["memory"].value) == (0, "80Gi")
    deleted = resource.delete_resource_slice(name)
    assert (deleted.kind, deleted.spec.node_name) == ("ResourceSlice", node)
