"""The weekly digest: an opt-in email with what each learner's plan (or their study group's
schedule) puts in the coming week and what they finished last week, sent by
`manage.py send_digests` (see README, "Weekly digest")."""
