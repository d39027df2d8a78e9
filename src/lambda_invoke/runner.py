"""GitHub's runner starting this tool as a Docker action: its folders on both sides.

The runner (actions/runner: Handlers/ContainerActionHandler.cs, Container/
DockerCommandManager.cs) runs ``docker run --workdir /github/workspace`` as root with the
job's workspace mounted at ``/github/workspace``, ``_temp/_github_home`` at
``/github/home``, ``_temp/_github_workflow`` at ``/github/workflow``,
``_temp/_runner_file_commands`` at ``/github/file_commands`` and, from runner v2.329,
``_temp`` at ``/github/runner_temp``. Every environment value (``INPUT_*`` included) that
starts with a mounted host folder is rewritten to the container path; ``RUNNER_WORKSPACE``
(``<work>/<repository>``, the workspace's parent) is not, so the host folders are found
from it. The next step runs on the host as the runner's user (uid 1001 on hosted runners).

So a path we print for the next step must be one the host can open (relative to the
workspace, or the host path), a path input must point into a mounted folder, and what we
create in the workspace must belong to the workspace's owner, not root.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping
from typing import NamedTuple

CONTAINER_WORKSPACE = "/github/workspace"
#: container folder -> the host folder behind it, relative to the runner's _work folder
_TEMP_MOUNTS = (
    ("/github/runner_temp", "_temp"),  # runner v2.329 and later
    ("/github/home", "_temp/_github_home"),
    ("/github/workflow", "_temp/_github_workflow"),
    ("/github/file_commands", "_temp/_runner_file_commands"),
)


class RunnerLayout(NamedTuple):
    """The runner's Docker-action layout: container folders and the host folders behind."""

    host_work: str  # the runner's _work folder on the host
    host_workspace: str  # github.workspace on the host
    workspace: str = CONTAINER_WORKSPACE  # where it is mounted here

    def mounted(self, container: str) -> bool:
        return container == self.workspace or os.path.isdir(container)

    def for_host(self, path: str) -> str:
        """The path the next (host) step opens for a file we wrote at ``path``: relative to
        the workspace when inside it (host steps start there), else the host path."""
        absolute = posixpath.normpath(posixpath.join(os.getcwd(), path))
        if _inside(absolute, self.workspace):
            return posixpath.relpath(absolute, self.workspace)
        for container, host in _TEMP_MOUNTS:
            if _inside(absolute, container):
                tail = posixpath.relpath(absolute, container)
                return posixpath.normpath(posixpath.join(self.host_work, host, tail))
        return path

    def unreachable(self, path: str) -> str | None:
        """Why the container cannot see ``path`` (a host folder it does not mount), or None."""
        absolute = posixpath.normpath(posixpath.join(os.getcwd(), path))
        if any(_inside(absolute, folder) for folder in self._container_folders()):
            return None
        temp = posixpath.join(self.host_work, "_temp")
        if _inside(absolute, temp):
            return (
                f"'{path}' is in the runner's temp folder on the host (runner.temp), which this "
                "runner does not mount into Docker actions (runners before v2.329 do not); "
                "write under the workspace instead, e.g. ${{ github.workspace }}/out.json "
                "or a relative path"
            )
        if _inside(absolute, self.host_work):
            return (
                f"'{path}' is a folder of the runner host that this Docker action cannot see "
                f"(only the workspace is mounted, at {self.workspace}); use a path under "
                "${{ github.workspace }} or a relative path"
            )
        return None

    def _container_folders(self) -> tuple[str, ...]:
        mounted = [container for container, _ in _TEMP_MOUNTS if os.path.isdir(container)]
        return (self.workspace, *mounted)

    def give_to_workspace_owner(self, path: str) -> None:
        """Make a file or folder we created in a mounted folder (the workspace, the runner's
        temp) belong to that folder's owner: we run as root, and the next step, as the
        runner's user, must overwrite and delete it."""
        if os.geteuid() != 0:
            return
        absolute = posixpath.normpath(posixpath.join(os.getcwd(), path))
        for folder in self._container_folders():
            if _inside(absolute, folder):
                try:
                    owner = os.stat(folder)
                    os.chown(absolute, owner.st_uid, owner.st_gid)
                except OSError:  # a file system without owners: nothing to give
                    pass
                return


def detect(environ: Mapping[str, str]) -> RunnerLayout | None:
    """The layout when GitHub's runner started this process as a Docker action."""
    if environ.get("GITHUB_ACTIONS") != "true":
        return None
    if environ.get("GITHUB_WORKSPACE") != CONTAINER_WORKSPACE:
        return None  # a JavaScript/composite step, act's layout, or docker run by hand
    runner_workspace = environ.get("RUNNER_WORKSPACE", "").rstrip("/")
    if not runner_workspace.startswith("/") or runner_workspace.startswith("/github/"):
        return None
    repository = environ.get("GITHUB_REPOSITORY", "").rpartition("/")[2]
    host_workspace = posixpath.join(runner_workspace, repository or "")
    return RunnerLayout(
        host_work=posixpath.dirname(runner_workspace),
        host_workspace=host_workspace.rstrip("/"),
    )


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")
