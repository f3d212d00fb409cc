"""The demo chain: deterministic seed data for `storeos demo` and `storeos seed`."""

from rich.console import Console


def seeded_scenario() -> str | None:
    return None


def demo_accounts() -> list[tuple[str, str, str]]:
    return []


def seed_demo(*, scenario: str, seed: int, console: Console) -> str:
    return f"Seeded nothing yet for {scenario} (seed {seed})."
