#!/bin/sh
# Prepare the database and serve the site for development; run by `make run` with DATABASE_URL set.
set -e
host=$1
port=$2
py=.venv/bin/python
$py manage.py migrate --noinput
$py manage.py load_content --if-empty
$py manage.py ensure_curator
echo "Learning Roadmap is at http://$host:$port/  (Ctrl-C stops it)"
exec $py manage.py runserver "$host:$port"
