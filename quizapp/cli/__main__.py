"""`python -m quizapp.cli`: the same as the `quizapp` console script."""

from quizapp.cli import main

raise SystemExit(main())
