import pytest

from storeos.core.health import health_report


@pytest.mark.django_db
def test_a_healthy_installation_reports_every_check_ok():
    report = list(health_report())
    assert [name for name, _, _ in report] == [
        "configuration",
        "database",
        "migrations",
        "events",
        "job queue",
    ]
    assert all(ok for _, ok, _ in report), report
