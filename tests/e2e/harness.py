"""End-to-end harness: a Docker engine, a base image, and the action's image.

- Uses a running engine when ``docker info`` answers; otherwise installs Debian's
  docker.io when dockerd is missing (root only), starts dockerd without touching the host
  network (no iptables, no bridge) on a fresh data root, and stops only the engine it
  started.
- The real base image (Dockerfile's ``BASE_IMAGE``) is used when it can be had; where no
  registry is reachable a stand-in is built from Debian packages with debootstrap and
  cached (as a tarball keyed by its recipe) so later runs only load it.
- The action's image is built from the real Dockerfile with only the base swapped.

Run by hand: ``python tests/e2e/harness.py`` builds everything and prints the image tag.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "lambda-invoke-action"
ACTION_IMAGE = "lambda-invoke-action:e2e"
STANDIN_RECIPE = (
    "debootstrap --variant=minbase --include=python3,python3-pip,ca-certificates bookworm; "
    "host CA bundle; /usr/local/bin/python -> /usr/bin/python3; "
    "ENV PIP_BREAK_SYSTEM_PACKAGES=1 PIP_CERT=/etc/ssl/certs/ca-certificates.crt"
)
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")


class EngineUnavailable(Exception):
    """No Docker engine could be found or started here; the message says why."""


def log(message: str) -> None:
    print(f"[e2e] {message}", flush=True)


def _run(
    command: list[str], *, env: dict[str, str] | None = None, timeout: float = 600, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        command,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **kwargs,
    )


@dataclass
class Engine:
    """A Docker engine to talk to; ``process`` is set when this harness started it."""

    docker_host: str | None
    process: subprocess.Popen[bytes] | None = None
    workdir: Path | None = None
    notes: list[str] = field(default_factory=list)

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ if base is None else base)
        if self.docker_host:
            env["DOCKER_HOST"] = self.docker_host
        return env

    def docker(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return _run(["docker", *args], env=self.env(), timeout=timeout)

    def stop(self) -> None:
        if self.process is None:
            return
        log(f"stopping the Docker engine this run started (pid {self.process.pid})")
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def _answers(docker_host: str | None) -> bool:
    env = dict(os.environ)
    if docker_host:
        env["DOCKER_HOST"] = docker_host
    try:
        return _run(["docker", "info"], env=env, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _apt_install(*packages: str) -> None:
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise EngineUnavailable(f"{', '.join(packages)} missing and not root with apt-get")
    log(f"installing {' '.join(packages)} from Debian's packages")
    update = _run(["apt-get", "update"], timeout=300)
    if update.returncode != 0:
        raise EngineUnavailable(f"apt-get update failed: {update.stderr.strip()[-300:]}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    done = _run(["apt-get", "install", "-y", "--no-install-recommends", *packages], env=env)
    if done.returncode != 0:
        raise EngineUnavailable(f"apt-get install {packages} failed: {done.stderr.strip()[-300:]}")


def start_engine() -> Engine:
    """An engine that answers: the current one, or one started here."""
    if not shutil.which("docker"):
        _apt_install("docker.io")
    if _answers(os.environ.get("DOCKER_HOST")):
        log("using the Docker engine that is already running")
        return Engine(docker_host=os.environ.get("DOCKER_HOST"))
    if not shutil.which("dockerd"):
        _apt_install("docker.io")
    dockerd = shutil.which("dockerd")
    if not dockerd:
        raise EngineUnavailable("dockerd is not installed")
    # A fresh data root each time (the stand-in base comes from its cached tarball):
    # a root shared between runs would be locked by any engine a killed run left behind.
    workdir = Path(tempfile.mkdtemp(prefix="li-dockerd-"))  # short: socket paths are limited
    data_root = workdir / "data"
    data_root.mkdir()
    socket = workdir / "docker.sock"
    command = [
        dockerd,
        "--iptables=false",
        "--ip6tables=false",
        "--bridge=none",
        "--storage-driver=overlay2",
        f"--data-root={data_root}",
        f"--exec-root={workdir / 'exec'}",
        f"--pidfile={workdir / 'docker.pid'}",
        f"--host=unix://{socket}",
    ]
    log_file = (workdir / "dockerd.log").open("wb")
    process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT)
    engine = Engine(docker_host=f"unix://{socket}", process=process, workdir=workdir)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if _answers(engine.docker_host):
            log(f"started a Docker engine (pid {process.pid}) at {engine.docker_host}")
            return engine
        time.sleep(0.5)
    tail = (workdir / "dockerd.log").read_text(errors="replace")[-600:]
    engine.stop()
    raise EngineUnavailable(f"dockerd did not start: {' '.join(tail.split())}")


def dockerfile_base() -> str:
    match = re.search(r"^ARG BASE_IMAGE=(\S+)$", (ROOT / "Dockerfile").read_text(), re.M)
    if not match:
        raise RuntimeError("Dockerfile has no ARG BASE_IMAGE=...")
    return match.group(1)


def _has_image(engine: Engine, reference: str) -> bool:
    return engine.docker("image", "inspect", reference, timeout=60).returncode == 0


def base_image(engine: Engine, arch: str = "amd64") -> str:
    """The Dockerfile's base when it can be had, else the cached or freshly built stand-in."""
    real = dockerfile_base()
    if arch == "amd64" and _has_image(engine, real):
        return real
    with contextlib.suppress(subprocess.TimeoutExpired):
        if engine.docker("pull", "--platform", f"linux/{arch}", real, timeout=60).returncode == 0:
            return real
    recipe = STANDIN_RECIPE if arch == "amd64" else f"{STANDIN_RECIPE}; --arch={arch}; recorded"
    digest = hashlib.sha256(recipe.encode()).hexdigest()[:12]
    tag = f"lambda-invoke-standin:{digest}"
    if _has_image(engine, tag):
        return tag
    tarball = CACHE / f"standin-{digest}.tar"
    if tarball.exists():
        log(f"loading the cached stand-in base image {tag}")
        if engine.docker("load", "--input", str(tarball)).returncode == 0 and _has_image(
            engine, tag
        ):
            return tag
    log(f"{real} cannot be pulled here: building the {arch} stand-in {tag} with debootstrap")
    _build_standin(engine, tag, arch)
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = tarball.with_suffix(".partial")
    if engine.docker("save", "--output", str(partial), tag).returncode == 0:
        partial.replace(tarball)
    return tag


def _build_standin(engine: Engine, tag: str, arch: str = "amd64") -> None:
    if not shutil.which("debootstrap"):
        _apt_install("debootstrap")
    if arch != "amd64":
        ensure_emulation(arch)
    rootfs = Path(tempfile.mkdtemp(prefix="li-rootfs-"))
    try:
        done = _run(
            [
                "debootstrap",
                f"--arch={arch}",
                "--variant=minbase",
                "--include=python3,python3-pip,ca-certificates",
                "bookworm",
                str(rootfs),
            ],
            timeout=900,
        )
        if done.returncode != 0:
            raise EngineUnavailable(f"debootstrap failed: {done.stdout.strip()[-400:]}")
        if HOST_CA_BUNDLE.exists():  # the registries may sit behind this machine's own CA
            shutil.copy(HOST_CA_BUNDLE, rootfs / "etc/ssl/certs/ca-certificates.crt")
        python = rootfs / "usr/local/bin/python"
        python.parent.mkdir(parents=True, exist_ok=True)
        if not python.exists():
            python.symlink_to("/usr/bin/python3")
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
        imported = subprocess.run(
            [
                "docker",
                "import",
                "-c",
                "ENV PIP_BREAK_SYSTEM_PACKAGES=1 PIP_CERT=/etc/ssl/certs/ca-certificates.crt",
                "-c",
                'CMD ["/bin/bash"]',
                "-",
                tag,
            ],
            stdin=tar.stdout,
            env=engine.env(),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        tar.wait(timeout=60)
        if imported.returncode != 0:
            raise EngineUnavailable(f"docker import failed: {imported.stderr.strip()[-400:]}")
        record_architecture(engine, tag, arch)
    finally:
        shutil.rmtree(rootfs, ignore_errors=True)


def build_action_image(
    engine: Engine, base: str, tag: str = ACTION_IMAGE, arch: str | None = None
) -> str:
    """docker build of the real Dockerfile, only BASE_IMAGE swapped, network of the host.

    For another ``arch`` the base is of that architecture and its programs run under QEMU;
    Debian's engine (20.10, legacy builder, no buildx) records the host's architecture in
    what it builds, so the image's record is set afterwards.
    """
    args = ["build", "--network", "host", "--tag", tag]
    if base != dockerfile_base():
        args += ["--build-arg", f"BASE_IMAGE={base}"]
    started = time.monotonic()
    done = engine.docker(*args, str(ROOT), timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"docker build failed:\n{done.stderr[-3000:]}")
    log(f"built {tag} from the Dockerfile on {base} in {time.monotonic() - started:.1f} s")
    if arch is not None:
        record_architecture(engine, tag, arch)
    return tag


def record_architecture(engine: Engine, tag: str, arch: str) -> None:
    """Set the architecture an image's config records (docker save, edit, docker load):
    Debian's engine 20.10 ignores ``docker import --platform`` and records the host's."""
    inspect = engine.docker("image", "inspect", "--format", "{{.Architecture}}", tag)
    if inspect.stdout.strip() == arch:
        return
    with tempfile.TemporaryDirectory(prefix="li-arch-") as folder:
        tree = Path(folder) / "image"
        tarball = Path(folder) / "image.tar"
        if engine.docker("save", "--output", str(tarball), tag).returncode != 0:
            raise EngineUnavailable(f"docker save {tag} failed")
        with tarfile.open(tarball) as archive:
            archive.extractall(tree, filter="tar")
        manifest = json.loads((tree / "manifest.json").read_text())
        old = tree / manifest[0]["Config"]
        config = json.loads(old.read_text())
        config["architecture"] = arch
        data = json.dumps(config, separators=(",", ":")).encode()
        name = f"{hashlib.sha256(data).hexdigest()}.json"
        old.unlink()
        (tree / name).write_bytes(data)
        manifest[0]["Config"] = name
        (tree / "manifest.json").write_text(json.dumps(manifest))
        tarball.unlink()
        with tarfile.open(tarball, "w") as archive:
            for entry in sorted(tree.iterdir()):
                archive.add(entry, arcname=entry.name)
        if engine.docker("load", "--input", str(tarball)).returncode != 0:
            raise EngineUnavailable(f"docker load of {tag} as {arch} failed")


def node_platform_image(engine: Engine, base: str, tag: str = "lambda-invoke-node:e2e") -> str:
    """The base image with this machine's Node.js, for act jobs that run JavaScript actions
    (GitHub's ubuntu-latest has node). The binary comes with the libraries it loads beyond
    the C library (the image's: the same Debian release as this machine's stand-in)."""
    node = shutil.which("node")
    if node is None:
        raise EngineUnavailable("no node on PATH to put into the platform image")
    node = os.path.realpath(node)
    linked = _run(["ldd", node]).stdout
    glibc = re.compile(r"^(libc|libm|libdl|libpthread|librt|ld-linux[-\w]*)\.so")
    libraries = [
        path for path in re.findall(r"=> (/\S+)", linked) if not glibc.match(os.path.basename(path))
    ]
    with tempfile.TemporaryDirectory(prefix="li-node-") as folder:
        context = Path(folder)
        (context / "lib").mkdir()
        shutil.copy(node, context / "node")
        for library in libraries:
            shutil.copy(os.path.realpath(library), context / "lib" / os.path.basename(library))
        (context / "Dockerfile").write_text(
            f"FROM {base}\nCOPY lib /opt/node/lib\nCOPY node /usr/local/bin/node\n"
            "ENV LD_LIBRARY_PATH=/opt/node/lib\n"
        )
        done = engine.docker("build", "--tag", tag, str(context), timeout=300)
        if done.returncode != 0:
            raise EngineUnavailable(f"building {tag} failed: {done.stderr[-1000:]}")
        check = engine.docker("run", "--rm", tag, "node", "--version")
        if check.returncode != 0:
            raise EngineUnavailable(f"node does not start in {tag}: {check.stderr[-500:]}")
    return tag


QEMU = {"arm64": "aarch64"}


def ensure_emulation(arch: str) -> None:
    """Run ``arch`` binaries here: Debian's qemu-user-static, registered with binfmt_misc."""
    name = QEMU[arch]
    entry = Path(f"/proc/sys/fs/binfmt_misc/qemu-{name}")
    if entry.exists():
        return
    if not shutil.which(f"qemu-{name}-static") or not shutil.which("update-binfmts"):
        _apt_install("qemu-user-static", "binfmt-support")
    if not Path("/proc/sys/fs/binfmt_misc/register").exists():
        _run(["mount", "-t", "binfmt_misc", "binfmt_misc", "/proc/sys/fs/binfmt_misc"])
    _run(["update-binfmts", "--enable", f"qemu-{name}"])
    if not entry.exists():
        raise EngineUnavailable(f"cannot register qemu-{name} with binfmt_misc (needs root)")


def image_size_mb(engine: Engine, tag: str) -> float:
    done = engine.docker("image", "inspect", "--format", "{{.Size}}", tag)
    return int(done.stdout.strip()) / 1e6


if __name__ == "__main__":
    engine = start_engine()
    try:
        image = build_action_image(engine, base_image(engine))
        log(f"{image}: {image_size_mb(engine, image):.0f} MB")
    finally:
        engine.stop()


def aws_cli_platform_image(engine: Engine, base: str, tag: str = "lambda-invoke-awscli:e2e") -> str:
    """The base image with the AWS CLI (the version requirements/dev.txt pins), for act jobs
    that run ``aws`` as GitHub's ubuntu-latest can."""
    pinned = re.search(r"^awscli==(\S+)", (ROOT / "requirements" / "dev.txt").read_text(), re.M)
    if pinned is None:
        raise EngineUnavailable("requirements/dev.txt pins no awscli")
    with tempfile.TemporaryDirectory(prefix="li-awscli-") as folder:
        (Path(folder) / "Dockerfile").write_text(
            f"FROM {base}\nRUN python -m pip install --no-cache-dir --quiet "
            f"awscli=={pinned.group(1)}\n"
        )
        done = engine.docker("build", "--network", "host", "--tag", tag, folder, timeout=600)
        if done.returncode != 0:
            raise EngineUnavailable(f"building {tag} failed: {done.stderr[-1000:]}")
    return tag
