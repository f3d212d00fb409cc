import ast
import gettext
from pathlib import Path

from django.test import Client
from django.urls import reverse

from storeos.web.tests.factories import make_catalog, make_store, make_user


def test_pages_are_in_chinese_by_default_and_english_after_switching(db):
    make_store()
    sku = make_catalog()["skus"]["technic"]
    client = Client()
    client.force_login(make_user("lina", role="admin"))
    detail = reverse("catalog:sku_detail", args=[sku.pk])

    chinese = client.get(detail).content.decode()
    switched = client.post(reverse("set_language"), {"language": "en", "next": detail})
    english = client.get(detail).content.decode()

    assert '<html lang="zh-hans">' in chinese
    assert "价格历史" in chinese and "标价" in chinese and "退出" in chinese
    assert "Price history" not in chinese
    assert switched.url == detail
    assert '<html lang="en">' in english
    assert "Price history" in english and "List price" in english
    assert "价格历史" not in english


def test_login_page_is_translated(db):
    chinese = Client().get(reverse("web:login")).content.decode()
    english_client = Client()
    english_client.cookies["django_language"] = "en"
    english = english_client.get(reverse("web:login")).content.decode()

    assert "登录" in chinese and "用户名" in chinese
    assert "Sign in" in english and "Username" in english


LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"


def _po_entries(text: str) -> list[dict]:
    """Entries of a .po file as {"flags", "msgid", "msgid_plural", "msgstr": [...]}."""
    entries = []
    for block in text.split("\n\n"):
        entry = {"flags": "", "msgctxt": "", "msgid": "", "msgid_plural": "", "msgstr": []}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                value = ast.literal_eval(line)
                if key == "msgstr":
                    entry["msgstr"][-1] += value
                else:
                    entry[key] += value
            else:
                key, _, value = line.partition(" ")
                value = ast.literal_eval(value)
                if key.startswith("msgstr"):
                    key = "msgstr"
                    entry["msgstr"].append(value)
                else:
                    entry[key] = value
        if key is not None:
            entries.append(entry)
    return [e for e in entries if e["msgid"]]  # the header has an empty msgid


def _compiled(catalog: gettext.GNUTranslations, entry: dict) -> str:
    if entry["msgctxt"]:
        return catalog.pgettext(entry["msgctxt"], entry["msgid"])
    return catalog.gettext(entry["msgid"])


def test_every_message_has_a_chinese_translation_and_the_mo_is_compiled():
    entries = _po_entries((LOCALE / "django.po").read_text(encoding="utf-8"))
    with open(LOCALE / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)

    untranslated = [e["msgid"] for e in entries if "fuzzy" in e["flags"] or "" in e["msgstr"]]
    stale = [
        e["msgid"]
        for e in entries
        if not e["msgid_plural"] and _compiled(compiled, e) != e["msgstr"][0]
    ]

    assert len(entries) > 100
    assert untranslated == []
    assert stale == []
