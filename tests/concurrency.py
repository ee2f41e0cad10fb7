"""Doing one thing from several threads at the same moment, as a double click, two tabs or a
retried POST would."""

import threading

from django.db import connection


def at_once(action, times: int, *, timeout: float = 60) -> list[BaseException]:
    """Run `action` in `times` threads released together (each on its own database connection);
    the errors they raised."""
    barrier = threading.Barrier(times)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            action()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return errors
