"""Drafts to a pull request: the review branch in git, GitHub, and the state of each review."""
