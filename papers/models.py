"""Models of the library (papers, topics, glossary, reference pages)."""
