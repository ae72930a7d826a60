"""The v1.35 feature-gate defaults that change what resource.k8s.io stores.

Upstream reads them from the feature gate and drops the fields of a disabled feature on
create, and on update unless the stored object already uses them. kapiserver has no gate
registry yet, so the DRA strategies read this table, with the defaults v1.35 ships.
"""

from __future__ import annotations

# DRADeviceTaints: alpha in v1.35 (beta and on by default from v1.36). Off, so request
# tolerations and ResourceSlice device taints are dropped.
DRA_DEVICE_TAINTS = False
