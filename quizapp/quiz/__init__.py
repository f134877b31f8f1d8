"""Quiz logic with no UI and no I/O: answer checking and session building."""
