"""The Textual user interface: app wiring, screens and widgets over `quizapp.study`."""
