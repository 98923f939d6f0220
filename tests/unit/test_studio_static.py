"""The Studio's static files hang together without a browser: every module a page imports
exists, nothing is fetched from another origin, and Firebase Hosting serves the folder with the
API rewrite kept."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STUDIO = ROOT / "studio"
IMPORT = re.compile(r"""(?:^|\n)\s*import\s[^;]*?from\s+['"]([^'"]+)['"]""")


def test_every_module_import_resolves_to_a_file_of_the_studio():
    modules = sorted(STUDIO.rglob("*.js"))
    assert STUDIO / "js" / "main.js" in modules
    for module in modules:
        for target in IMPORT.findall(module.read_text()):
            assert target.startswith("./") or target.startswith("../"), (module, target)
            resolved = (module.parent / target).resolve()
            assert resolved.is_file(), f"{module.relative_to(ROOT)} imports missing {target}"
            assert resolved.is_relative_to(STUDIO)


def test_the_page_loads_only_its_own_files():
    page = (STUDIO / "index.html").read_text()
    refs = re.findall(r"""(?:src|href)="([^"]+)\"""", page)
    assert "js/main.js" in refs and "studio.css" in refs
    for ref in refs:
        if ref.startswith(("#", "data:")):
            continue
        assert not re.match(r"^[a-z]+:", ref), f"index.html loads {ref} from elsewhere"
        assert (STUDIO / ref).is_file(), ref
    for path in [*STUDIO.rglob("*.js"), STUDIO / "studio.css"]:
        code = re.sub(r"//[^\n]*|/\*.*?\*/", "", path.read_text(), flags=re.S)
        assert not re.search(r"https?://", code), f"{path.name} reaches another origin"


def test_firebase_hosting_serves_the_studio_and_keeps_the_api_rewrite():
    hosting = json.loads((ROOT / "firebase.json").read_text())["hosting"]
    assert (ROOT / hosting["public"] / "index.html") == STUDIO / "index.html"
    rewrites = {r["source"]: r.get("function", {}).get("functionId") for r in hosting["rewrites"]}
    assert rewrites["/api/**"] == "api"
