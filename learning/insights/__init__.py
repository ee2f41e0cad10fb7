"""Curator insights: aggregate figures about how learners move through each curated path."""
