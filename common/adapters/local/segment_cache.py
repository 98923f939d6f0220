"""The SegmentCache port on a local folder: benchmarks, tests, one-machine use. (The assembly
service keeps segments in the blob store: services.pipeline.assets.BlobSegmentCache.)"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path


class FolderSegmentCache:
    """A SegmentCache on a local folder (benchmarks, tests, one-machine use)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def fetch(self, key: str, dest: Path) -> bool:
        source = self.folder / f"{key}.mp4"
        if not source.is_file():
            return False
        shutil.copyfile(source, dest)
        return True

    def store(self, key: str, path: Path) -> None:
        tmp = self.folder / f".{key}.{threading.get_ident()}.tmp"
        shutil.copyfile(path, tmp)
        tmp.replace(self.folder / f"{key}.mp4")
