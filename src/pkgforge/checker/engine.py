"""The check engine: build the project model once, run the selected rules, filter.

``load_project`` discovers files and summarises each one (from the cache when
its size and mtime are unchanged, in parallel otherwise). ``check`` runs the
source rules on projects and the distribution rules on wheels and sdists, then
applies ``select``/``ignore``, per-path ignores and ``# pkgforge: ignore[...]``.
"""

from __future__ import annotations

import functools
import gc
import logging
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, ParamSpec, TypeVar

from pkgforge.checker.backends.buildinfo import build_files
from pkgforge.checker.cache import SummaryCache
from pkgforge.checker.discover import Layout, find_root, read_layout
from pkgforge.checker.findings import Finding, Severity, any_errors
from pkgforge.checker.selection import Selection, filter_findings, under_any
from pkgforge.checker.sites import project_site_dirs
from pkgforge.checker.template import is_template
from pkgforge.checker.walk import Tree, tree_digest, walk_tree
from pkgforge.config import Overrides, Settings, load_settings, parse_codes, parse_overrides
from pkgforge.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from pkgforge.checker.cache import StoredResult
    from pkgforge.checker.incremental.records import Record
    from pkgforge.checker.model import Project
    from pkgforge.checker.parallel import ParsePool
    from pkgforge.checker.replay import Stamp
    from pkgforge.checker.rules.base import Rule

    InputsCallback = Callable[[str | None, "list[Stamp] | None"], None]

__all__ = [
    "ARCHIVE_SUFFIXES",
    "CheckResult",
    "Selection",
    "TreeCheck",
    "check",
    "check_project",
    "check_tree",
    "display_prefix",
    "load_project",
]

log = logging.getLogger("pkgforge")

ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".zip")


@dataclass(frozen=True)
class CheckResult:
    """What ``check`` found. ``findings`` are sorted by path, line, column, code."""

    findings: tuple[Finding, ...]
    files_checked: int
    suppressed: int = 0
    """Findings silenced by ignore comments and per-path ignores."""
    rule_errors: tuple[str, ...] = ()
    """Rules that crashed (a pkgforge bug); their findings are missing."""
    skipped: tuple[str, ...] = ()
    """Paths the walk could not or would not enter, with the reason."""

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def counts(self) -> dict[str, int]:
        return {str(s): self.count(s) for s in Severity}

    @property
    def has_errors(self) -> bool:
        return any_errors(self.findings)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _collector_paused(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``function`` with Python's cyclic garbage collector paused (as it was after).

    A check allocates a large model with no reference cycles to speak of: the collector
    would walk it again and again while it grows, for nothing (about a tenth of a cold
    run on Django). Forked parsing workers inherit the pause.
    """

    @functools.wraps(function)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        collecting = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if collecting:
                gc.enable()

    return paused


@_collector_paused
def load_project(path: str | os.PathLike[str] = ".", *, use_cache: bool = True) -> Project:
    """Discover and summarise the project at (or around) ``path``."""
    project, cache = _load(path, use_cache=use_cache)
    if cache is not None:
        cache.save()
    return project


class _Discovery(NamedTuple):
    """Everything known before any file is parsed."""

    layout: Layout
    settings: Settings
    tree: Tree
    feature_version: tuple[int, int] | None
    cache: SummaryCache | None
    pool: ParsePool | None = None
    """Workers already parsing what the walk found (a cold run); closed by the caller."""

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()


def _discover(
    path: str | os.PathLike[str], *, use_cache: bool, overrides: Overrides | None = None
) -> _Discovery:
    root, focus = find_root(path)
    return _discover_at(root, focus, use_cache=use_cache, overrides=overrides)


def _discover_at(
    root: Path, focus: str, *, use_cache: bool, overrides: Overrides | None = None
) -> _Discovery:
    cache = SummaryCache.load(root) if use_cache else None
    memo = cache.memo if cache is not None else None
    remembered = dict(memo or {})
    layout = read_layout(root, focus, memo=memo)
    settings = load_settings(layout.pyproject, overrides)
    feature_version = _feature_version(layout, memo)
    if cache is not None:
        cache.use_feature_version(feature_version)
    pool = None
    if cache is None or not cache.has_summaries:
        # Nothing is parsed yet: workers parse what the walk finds while it goes on.
        from pkgforge.checker.parallel import ParsePool

        pool = ParsePool(feature_version)
    try:
        tree = walk_tree(
            layout, memo=memo, on_file=(lambda f: pool.add((f.abspath, f.size))) if pool else None
        )
    except BaseException:
        if pool is not None:
            pool.close()
        raise
    if (
        cache is not None
        and memo is not None
        and any(memo[k] is not remembered.get(k) for k in memo)
    ):
        cache.dirty = True  # a re-read pyproject.toml or a re-walked tree
    return _Discovery(layout, settings, tree, feature_version, cache, pool)


def _load(
    path: str | os.PathLike[str], *, use_cache: bool, overrides: Overrides | None = None
) -> tuple[Project, SummaryCache | None]:
    found = _discover(path, use_cache=use_cache, overrides=overrides)
    try:
        return _build(found), found.cache
    finally:
        found.close()


def _build(found: _Discovery, *, recorded: bool = False) -> Project:
    """The project model. ``recorded``: for a check that records what its rules read
    (:mod:`~pkgforge.checker.incremental`), its files are
    :class:`~pkgforge.checker.incremental.tracked.TrackedFile`."""
    # Imported here: a warm run of an unchanged project never builds the model.
    from pkgforge.checker.backends.facts import read_build_facts
    from pkgforge.checker.model import SourceFile

    layout, tree, cache = found.layout, found.tree, found.cache
    # Without a cache, a fresh memo still lets rules reuse the head start's work.
    memo: dict[str, Any] = cache.memo if cache is not None else {}
    head_start = _head_start(layout, memo)
    summaries = _summaries(tree.files, found.feature_version, cache, head_start, found.pool)
    files: tuple[SourceFile, ...]
    if recorded:
        from pkgforge.checker.incremental.tracked import TrackedFile

        made = TrackedFile.made
        files = tuple(
            made(entry.abspath, entry.relpath, entry.module, entry.is_package, k, summary=s)
            for k, (entry, s) in enumerate(zip(tree.files, summaries, strict=True))
        )
    else:
        files = tuple(
            SourceFile(entry.path, entry.relpath, entry.module, entry.is_package, summary)
            for entry, summary in zip(tree.files, summaries, strict=True)
        )
    directories = tree.directories
    signals: dict[str, tuple[bool, bool | None]] = {}
    facts = read_build_facts(
        layout.root,
        pyproject=layout.pyproject,
        package_roots=layout.package_roots,
        root_entries=tree.root_entries,
        dir_rows=tree.dir_rows,
        files=files,
        directories=directories,
        signals=signals,
    )
    return _model(found, memo, files, facts=facts, signals=signals if recorded else None)


def _model(
    found: _Discovery,
    memo: dict[str, Any],
    files: tuple[Any, ...],
    *,
    facts: Any,
    signals: dict[str, tuple[bool, bool | None]] | None,
    projections: dict[str, dict[str, Any]] | None = None,
) -> Project:
    """The model of ``files``; with ``signals`` (what the shared namespaces were read
    from), one that records what its rules read."""
    from pkgforge.checker.model import Project

    layout, tree = found.layout, found.tree
    extra: dict[str, Any] = {
        "layout": layout,
        "focus": layout.focus,
        "root_entries": tree.root_entries,
        "skipped": tree.skipped,
        "strays": tree.strays,
        "memo": memo,
        "feature_version": found.feature_version,
        "tree_digest": tree.digest,
    }
    if signals is not None:
        extra.update(recorded=True, _projections=projections or {}, _facts=(*facts, signals))
    return Project(
        root=layout.root,
        pyproject_path=layout.pyproject_path,
        pyproject=layout.pyproject,
        pyproject_error=layout.pyproject_error,
        package_roots=layout.package_roots,
        top_level=tree.top_level,
        files=files,
        directories=tree.directories,
        bytecode=tree.bytecode,
        settings=found.settings,
        build=facts[0],
        generated=facts[1],
        shared_namespaces=facts[2],
        extra=extra,
    )


def _shape(found: _Discovery, selection: object, inputs: Sequence[Stamp]) -> str:
    """What the raw findings depend on besides the checked files' contents: the settings,
    the tree the walk made of the project, and the stat signature of every other input
    (:func:`_shape_stamps`)."""
    from pkgforge.checker.digests import blake2b

    tree = found.tree
    digest = blake2b(found.layout.pyproject_bytes or b"", digest_size=20)
    parts = [
        repr((found.feature_version, selection, found.layout.pyproject_error)),
        tree.digest or tree_digest(tree),
        repr(found.layout.decided_by),
        repr(inputs),
    ]
    digest.update("\n".join(parts).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _fingerprint(shape: str, found: _Discovery) -> str:
    """The shape and the version (size, mtime) of every checked file."""
    from pkgforge.checker.digests import blake2b
    from pkgforge.checker.incremental.interface import pack_stamps

    digest = blake2b(shape.encode(), digest_size=20)
    digest.update(pack_stamps(found.tree.files))
    return digest.hexdigest()


def _head_start(layout: Layout, memo: dict[str, Any]) -> Callable[[], object]:
    """Work the main process can do while workers parse: importing the rules (and
    the graph and distribution maps they use), reading the installed distributions'
    metadata, validating pyproject.toml."""
    pyproject, data = layout.pyproject, layout.pyproject_bytes

    def work() -> object:
        from pkgforge.checker.distmap import installed
        from pkgforge.checker.rules import load_rules

        load_rules()
        # PF407 asks who provides each undeclared import: read the installed metadata now
        installed(project_site_dirs(layout.root)).owners()
        if pyproject is None or data is None:
            return None
        from pkgforge.checker.rules.metadata import schema_problems

        return schema_problems(pyproject, data.decode("utf-8", "replace"), memo)

    return work


def _summaries(
    entries: Sequence[Any],
    feature_version: tuple[int, int] | None,
    cache: SummaryCache | None,
    meanwhile: Callable[[], object] | None = None,
    pool: ParsePool | None = None,
) -> list[Any]:
    from pkgforge.checker.parallel import READ_ERROR, summarize_paths

    found: list[Any] = [None] * len(entries)
    missing: list[int] = []
    for index, entry in enumerate(entries):
        hit = cache.get(entry.relpath, entry.size, entry.mtime_ns) if cache else None
        if hit is None:
            missing.append(index)
        else:
            found[index] = hit
    if missing:
        log.debug("parsing %d of %d files", len(missing), len(entries))
        jobs = [(entries[i].abspath, entries[i].size) for i in missing]
        if pool is not None:
            summaries = pool.summaries(jobs, meanwhile)
        else:
            summaries = summarize_paths(jobs, feature_version, meanwhile=meanwhile)
        for index, summary in zip(missing, summaries, strict=True):
            found[index] = summary
            problem = summary.problem
            # A read error may be gone next time (permissions change, mtime does not).
            if cache is not None and not (problem and problem.message.startswith(READ_ERROR)):
                entry = entries[index]
                cache.put(entry.relpath, entry.size, entry.mtime_ns, summary)
    if cache is not None:
        cache.prune({e.relpath for e in entries})
    return found


def _feature_version(layout: Layout, memo: dict[str, Any] | None) -> tuple[int, int] | None:
    """The oldest Python 3 minor version requires-python allows, to parse for it (PF410)."""
    project = (layout.pyproject or {}).get("project")
    spec = project.get("requires-python") if isinstance(project, Mapping) else None
    if not isinstance(spec, str):
        return None
    remembered = (memo or {}).get("requires-python")
    if isinstance(remembered, tuple) and remembered[0] == spec:
        value: tuple[int, int] | None = remembered[1]
        return value
    floor = requires_python_floor(spec)
    if memo is not None:
        memo["requires-python"] = (spec, floor)
    return floor


def requires_python_floor(spec: str) -> tuple[int, int] | None:
    """``">=3.9, <4"`` -> (3, 9); None when the spec is invalid or allows no Python 3."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        specifiers = SpecifierSet(spec)
    except InvalidSpecifier:
        return None
    # Past the running Python too: a floor above it means this parser may not know the
    # project's grammar (PF410 then only informs).
    newest = sys.version_info.minor + 10
    for minor in range(newest + 1):
        candidates = (f"3.{minor}.{patch}" for patch in (0, 1, 2, 5, 10, 20, 50, 99))
        if any(specifiers.contains(v, prereleases=True) for v in candidates):
            return (3, minor)
    return None


@_collector_paused
def check(
    paths: Sequence[str | os.PathLike[str]] = (".",),
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    use_cache: bool = True,
    run_imports: bool = False,
    python: str | os.PathLike[str] | None = None,
    extend_select: Sequence[str] | None = None,
    extend_ignore: Sequence[str] | None = None,
    config: Sequence[str] = (),
    on_inputs: InputsCallback | None = None,
) -> CheckResult:
    """Check each PATH: a project directory (source rules), a wheel/sdist (dist rules), or a
    cookiecutter template (the project it renders with its defaults, reported in it).

    ``select``/``ignore`` replace the configured ones; ``extend_select``/``extend_ignore``
    add to them. A selection that names no code, or runs no rule, is a UsageError.
    ``config`` holds ``--config`` values: a TOML file read instead of each project's
    ``[tool.pkgforge]``, and ``KEY = VALUE`` settings over it.
    ``run_imports`` also imports every module with the project's interpreter (``python``,
    else found as :func:`~pkgforge.checker.importing.interpreter.find_interpreter` says): PF412.
    ``on_inputs(root, stamps)`` is called once per target with the ``os.stat`` signatures
    of everything its findings depend on (:mod:`~pkgforge.checker.replay`), or with
    ``(None, None)`` for a target that cannot say (an archive, a run without the cache).
    """
    cli = _CliCodes(
        _parse_cli(select, "--select", blank_ok=False),
        _parse_cli(ignore, "--ignore"),
        _parse_cli(extend_select, "--extend-select", blank_ok=False) or (),
        _parse_cli(extend_ignore, "--extend-ignore") or (),
    )
    overrides = parse_overrides(config) if config else None

    @functools.cache
    def rules() -> Mapping[str, Rule]:
        # Imported only when needed: an unchanged project is answered from the cache.
        from pkgforge.checker.rules import load_rules

        registry = load_rules()
        for option, codes in cli.named():
            for code in codes or ():
                _known_or_raise(code, registry, option, UsageError)
        return registry

    if cli.given():
        rules()
    # Paths inside one project (pre-commit passes file names) share one run.
    targets: dict[Path | str, list[str]] = {}
    templates: list[Path] = []
    for path in paths or (".",):
        if _is_archive(path):
            targets[os.fspath(path)] = []
        elif is_template(Path(path)):
            templates.append(Path(path))
        else:
            root, focus = find_root(path)
            targets.setdefault(root, []).append(focus)
    findings: list[Finding] = []
    files = suppressed = 0
    errors: list[str] = []
    skipped: list[str] = []
    for target, focuses in targets.items():
        if isinstance(target, str):
            outcome = _check_archive(
                Path(target), rules=rules(), cli=cli, use_cache=use_cache, overrides=overrides
            )
            if on_inputs is not None:
                on_inputs(None, None)
        else:
            outcome = _check_project(
                target,
                () if "" in focuses else tuple(focuses),
                rules=rules,
                cli=cli,
                overrides=overrides,
                use_cache=use_cache,
                run_imports=run_imports,
                python=python,
                on_inputs=on_inputs,
            )
        findings.extend(outcome.findings)
        files += outcome.files_checked
        suppressed += outcome.suppressed
        errors.extend(outcome.rule_errors)
        skipped.extend(outcome.skipped)
    for template in templates:
        outcome = _check_template(
            template,
            rules=rules,
            cli=cli,
            overrides=overrides,
            run_imports=run_imports,
            python=python,
        )
        if on_inputs is not None:
            on_inputs(None, None)  # a temporary rendering: nothing to replay from
        findings.extend(outcome.findings)
        files += outcome.files_checked
        suppressed += outcome.suppressed
        errors.extend(outcome.rule_errors)
        skipped.extend(outcome.skipped)
    return CheckResult(
        findings=tuple(sorted(set(findings))),
        files_checked=files,
        suppressed=suppressed,
        rule_errors=tuple(errors),
        skipped=tuple(skipped),
    )


def _check_template(
    template: Path,
    *,
    rules: Callable[[], Mapping[str, Rule]],
    cli: _CliCodes,
    overrides: Overrides | None,
    run_imports: bool,
    python: str | os.PathLike[str] | None,
) -> CheckResult:
    """Check the project ``template`` renders with its defaults, in a temporary folder;
    its findings name the template's files."""
    import tempfile
    from dataclasses import replace

    from pkgforge.checker.template import render_defaults

    with tempfile.TemporaryDirectory(prefix="pkgforge-template-") as folder:
        project, to_template = render_defaults(template.resolve(), Path(folder))
        root = project.resolve()
        log.info("checking %s as rendered with its defaults", template)
        outcome = _check_project(
            root,
            (),
            rules=rules,
            cli=cli,
            overrides=overrides,
            use_cache=False,
            run_imports=run_imports,
            python=python,
        )
        rendered = display_prefix(root)
    shown = display_prefix(template.resolve())

    def where(path: str) -> str:
        return shown + to_template(path.removeprefix(rendered))

    return replace(
        outcome,
        findings=tuple(replace(f, path=where(f.path)) for f in outcome.findings),
        skipped=tuple(
            f"{where(entry.partition(': ')[0])}: {entry.partition(': ')[2]}"
            for entry in outcome.skipped
        ),
    )


def _is_archive(path: str | os.PathLike[str]) -> bool:
    name = os.fspath(path)
    return name.endswith(ARCHIVE_SUFFIXES) and Path(name).is_file()


class _CliCodes(NamedTuple):
    """The codes given on the command line (None: not given)."""

    select: tuple[str, ...] | None
    ignore: tuple[str, ...] | None
    extend_select: tuple[str, ...]
    extend_ignore: tuple[str, ...]

    def named(self) -> tuple[tuple[str, tuple[str, ...] | None], ...]:
        return (
            ("--select", self.select),
            ("--ignore", self.ignore),
            ("--extend-select", self.extend_select),
            ("--extend-ignore", self.extend_ignore),
        )

    def given(self) -> bool:
        given = self.select is not None or self.ignore is not None
        return given or bool(self.extend_select or self.extend_ignore)

    def selection(self, settings: Settings) -> Selection:
        """The command line over ``[tool.pkgforge]``, as ruff layers them."""
        select = self.select if self.select is not None else settings.select
        if self.extend_select:
            # "PF" stands for "every rule" so that a more specific code still wins over an ignore
            select = (*(select if select is not None else ("PF",)), *self.extend_select)
        ignore = self.ignore if self.ignore is not None else settings.ignore
        return Selection(
            select=select,
            ignore=(*ignore, *self.extend_ignore),
            per_path=settings.per_path_ignores,
        )


def _parse_cli(
    codes: Sequence[str] | None, option: str, *, blank_ok: bool = True
) -> tuple[str, ...] | None:
    if codes is None:
        return None
    try:
        parsed = parse_codes(list(codes), where=option)
    except ConfigError as err:
        raise UsageError(err.message, hint=err.hint) from None
    if not parsed and not blank_ok:
        # `--select "$CODES"` with $CODES unset must not run nothing and pass
        raise UsageError(
            f"{option} names no rule code",
            hint=f"give codes or prefixes such as PF4,PF101, or leave {option} out",
        )
    return parsed


def _selects_something(
    selection: Selection, rules: Mapping[str, Rule], error: type[UsageError]
) -> None:
    if not any(selection.enabled(code) for code in rules):
        raise error(
            "no rule is selected: select and ignore leave nothing to check",
            hint="see 'pkgforge rules' for the codes; --extend-select adds to the selection",
        )


def _known_or_raise(
    code: str, rules: Mapping[str, Rule], where: str, error: type[UsageError]
) -> None:
    if any(known.startswith(code) for known in rules):
        return
    import difflib

    close = difflib.get_close_matches(code, list(rules), n=1)
    hint = f"did you mean {close[0]}?" if close else "run 'pkgforge rules' for the codes"
    raise error(f"{where}: unknown rule code {code!r}", hint=hint)


def _check_config_codes(settings: Settings, rules: Mapping[str, Rule]) -> None:
    listed = (*(settings.select or ()), *settings.ignore)
    for code in (*listed, *(settings.fixable or ()), *settings.unfixable):
        _known_or_raise(code, rules, "[tool.pkgforge]", ConfigError)


def _pyproject_suppressions(project: Project) -> dict[str, tuple[tuple[int, tuple[str, ...]], ...]]:
    """`# pkgforge: ignore[PF408]` on a pyproject.toml line (TOML comments look alike)."""
    path = project.pyproject_path
    if path is None:
        return {}
    from pkgforge.checker.suppressions import find_suppressions

    try:
        found = find_suppressions(path.read_bytes())
    except OSError:
        return {}
    return {path.relative_to(project.root).as_posix(): found} if found else {}


def _check_project(
    root: Path,
    focuses: tuple[str, ...],
    *,
    rules: Callable[[], Mapping[str, Rule]],
    cli: _CliCodes,
    overrides: Overrides | None,
    use_cache: bool,
    run_imports: bool,
    python: str | os.PathLike[str] | None = None,
    on_inputs: InputsCallback | None = None,
) -> CheckResult:
    """Check the project at ``root``, reporting under ``focuses`` only (() for all)."""
    found = _discover_at(
        root, focuses[0] if focuses else "", use_cache=use_cache, overrides=overrides
    )
    try:
        # Taken before any file is parsed: an edit during the run must not be stamped as seen.
        shape_inputs = _shape_stamps(found) if found.cache is not None else None
        walk_inputs = _walk_stamps(found) if shape_inputs is not None else []
        settings, cache = found.settings, found.cache
        selection = cli.selection(settings)
        if cli.given():
            _selects_something(selection, rules(), UsageError)
        fingerprint = shape = None
        inputs = None
        if shape_inputs is not None:
            inputs = [*walk_inputs, *shape_inputs, *_file_stamps(found)]
            if not run_imports:
                key = (selection, settings.namespace_packages)
                shape = _shape(found, key, shape_inputs)
                fingerprint = _fingerprint(shape, found)
        remembered = cache.recall(fingerprint) if cache is not None and fingerprint else None
        errors: tuple[str, ...] = ()
        if remembered is not None:
            by_rule, suppressions = _remembered_findings(remembered, cache), remembered.suppressions
        else:
            stored = cache.stored if cache is not None and shape is not None else None
            by_rule, suppressions, errors, record = _findings(
                found,
                selection=selection,
                rules=rules,
                run_imports=run_imports,
                python=python,
                stored=stored if stored is not None and stored.shape == shape else None,
                recording=fingerprint is not None,
            )
            if cache is not None and fingerprint and shape and not errors:
                from pkgforge.checker.cache import StoredResult
                from pkgforge.checker.incremental.interface import pack_stamps

                stamps = pack_stamps(found.tree.files)
                if record is not None:
                    cache.memo.update(record.to_memo())
                own = {} if record is not None else by_rule  # the record holds them
                result = StoredResult(shape, stamps, own, suppressions, record is not None)
                cache.store(fingerprint, result)
        if cache is not None:
            cache.save()
        raw = [finding for findings in by_rule.values() for finding in findings]
        kept, suppressed = filter_findings(raw, focuses, selection, suppressions)
        prefix = display_prefix(found.layout.root)
        if prefix:
            kept = [_prefixed(f, prefix) for f in kept]
        skipped = tuple(f"{prefix}{rel or '.'}: {why}" for rel, why in found.tree.skipped)
        checked = sum(1 for f in found.tree.files if under_any(f.relpath, focuses))
        if on_inputs is not None:
            if inputs is None:
                on_inputs(None, None)
            else:
                on_inputs(os.fspath(root), [*inputs, *_path_stamps(root, focuses)])
        return CheckResult(tuple(kept), checked, suppressed, errors, skipped)
    finally:
        found.close()


def _remembered_findings(
    stored: StoredResult, cache: SummaryCache | None
) -> Mapping[str, tuple[Finding, ...]]:
    """The raw findings of a stored result (kept by each rule's record when it has one)."""
    if not stored.recorded or cache is None:
        return stored.by_rule
    from pkgforge.checker.incremental.records import Record

    record = Record.from_memo(cache.memo)
    if record is None:
        return stored.by_rule
    return {code: rule.all_findings() for code, rule in record.rules.items()}


def _findings(
    found: _Discovery,
    *,
    selection: Selection,
    rules: Callable[[], Mapping[str, Rule]],
    run_imports: bool,
    python: str | os.PathLike[str] | None,
    stored: StoredResult | None,
    recording: bool = False,
) -> tuple[dict[str, tuple[Finding, ...]], dict[str, Any], tuple[str, ...], Record | None]:
    """Each selected rule's raw findings, the suppression comments, the crashed rules, and
    (``recording``: a check with the cache) the record of what the rules read.

    With ``stored`` (the findings of a run on the same shape), only what the changed
    files can have changed is recomputed (:mod:`~pkgforge.checker.incremental`)."""
    if not recording or found.cache is None or run_imports:
        project = _build(found)  # first: it imports the rules while workers parse
        found_rules = _source_findings(project, selection, rules(), run_imports, python)
        return (*found_rules, None)
    from pkgforge.checker.incremental.recheck import recheck, record_check

    cache = found.cache
    if stored is not None:
        feature_version = found.feature_version
        again = recheck(
            found.tree.files,
            cache,
            stored,
            parse=lambda entries: parse_changed(entries, feature_version, cache),
            model=lambda facts, new, load: _lazy_model(found, facts, new, load),
            choose=lambda model: _check_rules(model, selection, rules()),
        )
        if again is not None:
            if again.changed:
                log.debug(
                    "%d changed file(s); rules run again: %s",
                    len(again.changed),
                    ", ".join(again.rerun) or "none",
                )
            suppressions = dict(stored.suppressions)
            for change in again.changed:
                suppressions.pop(change.entry.relpath, None)
                if change.after.suppressions:
                    suppressions[change.entry.relpath] = change.after.suppressions
            return again.by_rule, suppressions, again.errors, again.record
    project = _build(found, recorded=True)
    by_rule, errors, record = record_check(project, _check_rules(project, selection, rules()))
    return by_rule, suppressions_of(project), errors, record


def _lazy_model(
    found: _Discovery, facts: Any, new: Mapping[int, Any], load: Callable[[Any], Any]
) -> Project:
    """The model of a re-check: the summaries of ``new`` (by key), the others read from the
    cache when a rule asks (``load(entry)``); the build facts of the last run."""
    from pkgforge.checker.incremental.tracked import TrackedFile

    get = new.get
    made = TrackedFile.made
    files = tuple(
        made(
            e.abspath, e.relpath, e.module, e.is_package, key, load=load, source=e, summary=get(key)
        )
        for key, e in enumerate(found.tree.files)
    )
    assert found.cache is not None
    build, generated, shared, signals = facts
    return _model(found, found.cache.memo, files, facts=(build, generated, shared), signals=signals)


def _check_rules(
    project: Project, selection: Selection, registry: Mapping[str, Rule]
) -> list[Rule]:
    """The source rules ``selection`` runs (after checking the configuration's codes)."""
    _check_config_codes(project.settings, registry)
    _selects_something(selection, registry, ConfigError)
    return [r for r in registry.values() if r.scope == "source" and selection.enabled(r.code)]


def parse_changed(
    entries: Sequence[Any], feature_version: tuple[int, int] | None, cache: SummaryCache
) -> list[Any]:
    """Summaries of ``entries`` (parsed now), kept in the cache."""
    from pkgforge.checker.parallel import READ_ERROR, summarize_paths

    summaries = summarize_paths([(e.abspath, e.size) for e in entries], feature_version)
    for entry, summary in zip(entries, summaries, strict=True):
        problem = summary.problem
        if not (problem and problem.message.startswith(READ_ERROR)):
            cache.put(entry.relpath, entry.size, entry.mtime_ns, summary)
    return summaries


def _walk_stamps(found: _Discovery) -> list[Stamp]:
    """Every directory the walk read (mtime and ctime: an entry added, removed or
    renamed). For the CLI's replay, which does not walk: the stored result depends on the
    tree the walk made, whose digest is in its shape, not on these."""
    from pkgforge.checker import replay

    walked = found.cache.memo.get("tree") if found.cache is not None else None
    if not (isinstance(walked, tuple) and len(walked) >= 3):
        return []
    return [(path, replay.DIRECTORY, mtime_ns, ctime_ns) for path, mtime_ns, ctime_ns in walked[1]]


def _shape_stamps(found: _Discovery) -> list[Stamp] | None:
    """What the findings of ``found`` depend on besides the checked files' contents and
    the tree the walk made, as stat signatures; None without the cache's record of the
    walk. The stored result's shape and the CLI's replay (:mod:`~pkgforge.checker.replay`)
    are made of these (and :func:`_file_stamps`), so an input added here counts for both."""
    from pkgforge.checker import replay

    walked = found.cache.memo.get("tree") if found.cache is not None else None
    if not (isinstance(walked, tuple) and len(walked) >= 3):
        return None
    tree, root = found.tree, os.fspath(found.layout.root)
    inputs: list[Stamp] = []
    # the root's files (pyproject.toml, setup.py, setup.cfg, Cargo.toml...) and folders (a
    # package that automatic discovery would find), then what the build readers may read
    inputs += replay.stamps(os.path.join(root, name) for name in tree.root_entries)  # noqa: PTH118
    inputs += replay.stamps(build_files(found.layout.root, tree.root_entries, tree.dir_rows))
    # what is installed (PF403/PF407/PF408): an install changes its folder's mtime
    inputs += replay.stamps(os.path.abspath(entry or ".") for entry in sys.path)  # noqa: PTH100
    inputs += replay.stamps(project_site_dirs(found.layout.root))
    return inputs


def _file_stamps(found: _Discovery) -> list[Stamp]:
    """The checked files' stat signatures."""
    from pkgforge.checker import replay

    return [(f.abspath, replay.FILE, f.size, f.mtime_ns) for f in found.tree.files]


def _path_stamps(root: Path, focuses: Sequence[str]) -> list[Stamp]:
    """The folders find_root went through from each PATH up to the project's root."""
    from pkgforge.checker import replay

    stamps = []
    for focus in focuses or ("",):
        path = os.fspath(root)
        stamps.append(replay.stamp(path))
        for part in focus.split("/") if focus else ():
            path = os.path.join(path, part)  # noqa: PTH118
            stamps.append(replay.stamp(path))
    return stamps


@_collector_paused
def check_project(project: Project) -> CheckResult:
    """Run the source rules on a project already loaded with :func:`load_project`.

    For callers that need the model as well as the verdict (``build`` inspects the
    wheel against the same tree), so the files are read and parsed only once.
    """
    from pkgforge.checker.rules import load_rules

    settings = project.settings
    selection = Selection(
        select=settings.select, ignore=settings.ignore, per_path=settings.per_path_ignores
    )
    by_rule, suppressions, errors = _source_findings(project, selection, load_rules(), False)
    raw = [finding for findings in by_rule.values() for finding in findings]
    kept, suppressed = filter_findings(raw, (), selection, suppressions)
    prefix = display_prefix(project.root)
    if prefix:
        kept = [_prefixed(f, prefix) for f in kept]
    skipped = tuple(f"{prefix}{rel or '.'}: {why}" for rel, why in project.extra.get("skipped", ()))
    return CheckResult(tuple(sorted(set(kept))), len(project.files), suppressed, errors, skipped)


class TreeCheck(NamedTuple):
    """What :func:`check_tree` found."""

    project: Project
    result: CheckResult
    """The findings under the focuses (all of them without focuses)."""
    everywhere: CheckResult
    """All the project's findings."""


@_collector_paused
def check_tree(
    root: Path,
    focuses: tuple[str, ...] = (),
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    extend_select: Sequence[str] | None = None,
    extend_ignore: Sequence[str] | None = None,
    overrides: Overrides | None = None,
    use_cache: bool = True,
) -> TreeCheck:
    """Check the project whose root is ``root`` (no search upward) as :func:`check` does,
    and return its model too, and its findings everywhere besides those under
    ``focuses``; finding paths stay relative to ``root``. For ``check --fix``, which checks
    a scratch copy of the project between fixes, needs the model to fix, and judges a fix
    by the whole project."""
    cli = _CliCodes(
        _parse_cli(select, "--select", blank_ok=False),
        _parse_cli(ignore, "--ignore"),
        _parse_cli(extend_select, "--extend-select", blank_ok=False) or (),
        _parse_cli(extend_ignore, "--extend-ignore") or (),
    )
    from pkgforge.checker.rules import load_rules

    registry = load_rules()
    for option, codes in cli.named():
        for code in codes or ():
            _known_or_raise(code, registry, option, UsageError)
    found = _discover_at(
        root, focuses[0] if focuses else "", use_cache=use_cache, overrides=overrides
    )
    try:
        selection = cli.selection(found.settings)
        if cli.given():
            _selects_something(selection, registry, UsageError)
        project = _build(found)
        by_rule, suppressions, errors = _source_findings(project, selection, registry, False)
        raw = [finding for findings in by_rule.values() for finding in findings]
        if found.cache is not None:
            found.cache.save()
        skipped = tuple(f"{rel or '.'}: {why}" for rel, why in found.tree.skipped)

        def under(paths: tuple[str, ...]) -> CheckResult:
            kept, suppressed = filter_findings(raw, paths, selection, suppressions)
            checked = sum(1 for f in found.tree.files if under_any(f.relpath, paths))
            return CheckResult(tuple(sorted(set(kept))), checked, suppressed, errors, skipped)

        everywhere = under(())
        return TreeCheck(project, under(focuses) if focuses else everywhere, everywhere)
    finally:
        found.close()


def _source_findings(
    project: Project,
    selection: Selection,
    registry: Mapping[str, Rule],
    run_imports: bool,
    python: str | os.PathLike[str] | None = None,
) -> tuple[dict[str, tuple[Finding, ...]], dict[str, Any], tuple[str, ...]]:
    """Each selected source rule's raw findings, the suppression comments, crashed rules."""
    chosen = _check_rules(project, selection, registry)
    if run_imports and selection.enabled("PF412"):
        from pkgforge.checker.importing.project import import_check

        project.extra["imports"] = import_check(project, python)  # type: ignore[index]
    by_rule, errors = _run_rules(chosen, project)
    return by_rule, suppressions_of(project), errors


def suppressions_of(project: Project) -> dict[str, Any]:
    """Every suppression comment of the project, by relpath."""
    suppressions: dict[str, Any] = {
        f.relpath: f.summary.suppressions for f in project.files if f.summary.suppressions
    }
    suppressions.update(_pyproject_suppressions(project))
    return suppressions


def _run_rules(
    rules: Iterable[Rule], model: Any
) -> tuple[dict[str, tuple[Finding, ...]], tuple[str, ...]]:
    """Each rule's findings, by code; a rule that crashed has none (and is named in the
    errors)."""
    findings: dict[str, tuple[Finding, ...]] = {}
    errors: list[str] = []
    for rule in rules:
        try:
            findings[rule.code] = tuple(rule.run(model))
        except Exception as err:  # one broken rule must not hide the others' findings
            log.debug("rule %s crashed", rule.code, exc_info=True)
            errors.append(f"rule {rule.code} ({rule.name}) crashed: {type(err).__name__}: {err}")
    return findings, tuple(errors)


def display_prefix(root: Path) -> str:
    """What a finding's path (relative to ``root``) is prefixed with when shown: findings
    read best relative to the working directory when the project is inside it."""
    try:
        relative = root.relative_to(Path.cwd().resolve())
    except (ValueError, OSError):
        return ""
    text = relative.as_posix()
    return "" if text == "." else f"{text}/"


def _prefixed(finding: Finding, prefix: str) -> Finding:
    """``finding`` at ``prefix`` + its path (a copy of its fields: ``dataclasses.replace``
    checks and calls ``__init__`` for each of a project's findings)."""
    fields = getattr(finding, "__dict__", None)
    if fields is None:  # pragma: no cover - a Finding with slots
        from dataclasses import replace

        return replace(finding, path=prefix + finding.path)
    moved = object.__new__(type(finding))
    vars(moved).update(fields, path=prefix + finding.path)
    return moved


def _check_archive(
    path: Path,
    *,
    rules: Mapping[str, Rule],
    cli: _CliCodes,
    use_cache: bool,
    overrides: Overrides | None = None,
) -> CheckResult:
    from pkgforge.checker.archive import load_archive

    project = _project_of_archive(path, use_cache, overrides)
    settings = project.settings if project is not None else load_settings(None, overrides)
    _check_config_codes(settings, rules)
    selection = cli.selection(settings)
    _selects_something(selection, rules, UsageError if cli.given() else ConfigError)
    archive = load_archive(path, project)
    chosen = [r for r in rules.values() if r.scope == "dist" and selection.enabled(r.code)]
    by_rule, errors = _run_rules(chosen, archive)
    findings = [finding for found in by_rule.values() for finding in found]
    kept = [f for f in findings if not selection.ignored_at(f.code, f.path)]
    return CheckResult(tuple(kept), 1, len(findings) - len(kept), errors)


def _project_of_archive(
    path: Path, use_cache: bool, overrides: Overrides | None = None
) -> Project | None:
    """The project that built ``dist/NAME.whl``, when the archive sits in its dist/ folder."""
    folder = path.resolve().parent
    for candidate in (folder, folder.parent):
        if (candidate / "pyproject.toml").is_file():
            try:
                project, _ = _load(candidate, use_cache=False, overrides=overrides)
            except (UsageError, OSError) as err:
                log.debug("not comparing %s with its project: %s", path, err)
                return None
            return project
    return None
