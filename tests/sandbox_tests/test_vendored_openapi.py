"""The repository stands alone: ClickUp's definitions are vendored whole, and nothing reads outside.

The OpenAPI files under ``vendor/clickup-openapi`` are ClickUp's, kept unchanged: each is listed
in the folder's README and in ``SHA256SUMS`` with its checksum, so an edit or a lost file fails
here with the file's name. Every ``docs/clickup-api.md §n`` citation names a section that exists,
and no tracked file points at a folder beside the repository.
"""

from __future__ import annotations

import hashlib
import re
import subprocess

from tests.sandbox_tests.schemas import REPO_ROOT, openapi_file_for

VENDORED = REPO_ROOT / "vendor" / "clickup-openapi"
FACTS_PAGE = REPO_ROOT / "docs" / "clickup-api.md"


def _checksums() -> dict[str, str]:
    listed: dict[str, str] = {}
    for line in (VENDORED / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        listed[name] = digest
    return listed


def _tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout
    return out.splitlines()


def test_every_definition_is_listed_and_unchanged() -> None:
    listed = _checksums()
    present = {path.name for path in VENDORED.glob("*.json")}
    assert sorted(listed) == sorted(present), (
        f"vendor/clickup-openapi: missing {sorted(set(listed) - present)}, "
        f"unlisted {sorted(present - set(listed))} (update SHA256SUMS as its README says)"
    )
    changed = [
        name
        for name, digest in listed.items()
        if hashlib.sha256((VENDORED / name).read_bytes()).hexdigest() != digest
    ]
    assert not changed, f"ClickUp's definitions are kept unchanged; edited: {changed}"
    readme = (VENDORED / "README.md").read_text()
    unlisted = sorted(name for name in present if f"`{name}`" not in readme)
    assert not unlisted, f"vendor/clickup-openapi/README.md does not list {unlisted}"


def test_the_endpoints_the_tap_reads_are_described() -> None:
    for method, path in [
        ("GET", "/team/{team_id}/task"),
        ("GET", "/team/{team_id}/time_entries"),
        ("GET", "/task/bulk_time_in_status/task_ids"),
        ("GET", "/team/{team_id}/taskTemplate"),
        ("GET", "/list/{list_id}/field"),
        ("POST", "/team/{team_id}/webhook"),
    ]:
        assert openapi_file_for(method, path), f"no vendored definition of {method} {path}"


def test_every_citation_names_a_section_of_the_facts_page() -> None:
    sections = set(re.findall(r"^## §(\d+) ", FACTS_PAGE.read_text(), flags=re.MULTILINE))
    assert sections == {str(n) for n in range(1, 11)}, sections
    citation = re.compile(r"docs/clickup-api\.md`?\)? ?((?:§\d+(?:, ?)?)+)")
    cited: dict[str, set[str]] = {}
    for name in _tracked_files():
        path = REPO_ROOT / name
        if path.suffix not in {".py", ".md", ".sql", ".yml", ".yaml"} or not path.is_file():
            continue
        for match in citation.finditer(path.read_text(errors="replace")):
            cited.setdefault(name, set()).update(re.findall(r"§(\d+)", match.group(1)))
    assert cited, "no file cites docs/clickup-api.md: the pattern above is broken"
    wrong = {
        name: sorted(numbers - sections) for name, numbers in cited.items() if numbers - sections
    }
    assert not wrong, f"citations of sections docs/clickup-api.md does not have: {wrong}"


def test_no_tracked_file_reads_outside_the_repository() -> None:
    # Built from pieces, so that this file does not hold the paths it looks for.
    shared, api = "shared", "clickup-api"
    pattern = re.compile(rf"\.\./{shared}\b|/work/{shared}\b|\b{shared}/{api}\b|\bFACTS\.md\b")
    offenders = []
    for name in _tracked_files():
        if name == "CHANGELOG.md" or name.startswith("vendor/"):
            continue
        path = REPO_ROOT / name
        if not path.is_file():
            continue
        text = path.read_text(errors="replace")
        offenders += [f"{name}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not offenders, f"files that point outside the repository: {offenders[:10]}"
