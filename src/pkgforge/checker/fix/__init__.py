"""``check --fix`` and ``check --add-noqa``: edits to the checked project, made and
proven on a scratch copy before any of them lands.

- :mod:`.run`: the library calls :func:`~.run.fix` and :func:`~.run.add_noqa`;
- :mod:`.rounds`: fix, check again, keep only fixes that make no new finding;
- :mod:`.workspace`: the scratch copy of a project, and what changed in it;
- :mod:`.base`: what a fixer receives and proposes, and how a rule names its fixer;
- :mod:`.result`: the frozen results the CLI renders;
- the fixers, one module per rule family (:mod:`.exports`, :mod:`.imports`,
  :mod:`.layout`, :mod:`.dependencies`), editing the concrete syntax with libcst
  (:mod:`.pysource`) and tomlkit (:mod:`.toml`), so formatting and comments stay;
- :mod:`.noqa`: ``# noqa: PFxxx`` comments added to findings' lines.

Nothing here is imported by a plain ``check``.
"""
