"""Racing real threads against the database, for the concurrency tests."""

import threading

from django.db import connection


def race(submit, racers: int) -> tuple[list, list]:
    """Run `submit(n)` in `racers` threads released together; (results, errors). Each thread
    uses its own database connection and closes it."""
    results, errors = [], []
    start = threading.Barrier(racers)

    def run(n):
        try:
            start.wait()
            results.append(submit(n))
        except Exception as exc:  # collected so the assertions show what happened
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
