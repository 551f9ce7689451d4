"""A first end-to-end pass: create a contact through the CLI and read it back."""

from conftest import run_pa


def test_contact_round_trip() -> None:
    r = run_pa("contact", "add", "José Álvarez", "--email", "jose@example.com", "--vip", "2")
    assert r.code == 0, r.err
    assert r.out.startswith("added c1 José Álvarez")
    r = run_pa("list", "contacts")
    assert r.code == 0, r.err
    assert "José Álvarez" in r.out
