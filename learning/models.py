"""Models of paths and learners' progress."""
