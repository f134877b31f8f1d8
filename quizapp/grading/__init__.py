"""The drill grader: a warm server forks a sandboxed child per submission and judges its numbers.

`client` is the entry point for the CLI and the TUI (it never imports torch); `server`,
`sandbox`, `child`, `suite` and the per-drill `checks_*`/`mistakes_*` modules run in the
grading server process.
"""
