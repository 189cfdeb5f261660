"""The message catalogues under src/eiso/locale are complete, compiled and keep their placeholders.

Vietnamese is the source language (the msgids); every other language has a .po catalogue next to its
compiled .mo. These tests read both with the standard library only (no polib, no gettext tools), so
they also run where GNU gettext is not installed:

* every entry of a .po is translated and none is fuzzy;
* the .mo holds exactly the translations of its .po, so a forgotten `compilemessages` fails
  (modification times are useless for this in a git checkout);
* the placeholders of each msgid (%(name)s, %s, {name}) appear unchanged in its translation.
"""

import gettext
import re
import struct
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
PO_FILES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_PERCENT = re.compile(r"%%|%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
_COUNTS = {"%(count)s", "%(counter)s", "%d", "%s"}
_BRACES = re.compile(r"\{\{|\}\}|\{[A-Za-z_0-9.\[\]]*(?:![rsa])?(?::[^{}]*)?\}")


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        name = "<header>" if self.msgid == "" else repr(self.msgid)
        context = f" (context {self.msgctxt!r})" if self.msgctxt is not None else ""
        return f"line {self.line}: {name}{context}"

    @property
    def mo_key(self) -> str:
        """The key msgfmt writes: context, EOT, msgid[, NUL, msgid_plural]."""
        key = self.msgid if self.msgid_plural is None else f"{self.msgid}\x00{self.msgid_plural}"
        return key if self.msgctxt is None else f"{self.msgctxt}\x04{key}"

    @property
    def mo_value(self) -> str:
        return "\x00".join(self.msgstr[i] for i in sorted(self.msgstr))

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"{where}: expected a quoted string, got {text!r}")
    out, chars = [], iter(text[1:-1])
    for char in chars:
        if char == "\\":
            escaped = next(chars, "")
            if escaped not in _ESCAPES:
                raise ValueError(f"{where}: unknown escape \\{escaped}")
            out.append(_ESCAPES[escaped])
        else:
            out.append(char)
    return "".join(out)


def parse_po(path: Path) -> list[Entry]:
    """A small PO reader: enough for what makemessages writes (obsolete `#~` entries are skipped)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None  # the field a continuation line extends
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        where = f"{path.name}:{number}"
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and entry.msgstr:  # a comment after a msgstr starts the next entry
                entries.append(entry)
                entry, target = None, None
            if line.startswith("#,"):
                entry = entry or Entry(line=number)
                entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith('"'):
            if entry is None or target is None:
                raise ValueError(f"{where}: a continuation line outside an entry")
            name, index = target
            value = _unquote(line, where)
            if name == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, name, (getattr(entry, name) or "") + value)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and entry is not None and entry.msgstr:
            entries.append(entry)
            entry = None
        entry = entry or Entry(line=number)
        plural = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(entry, keyword, _unquote(rest, where))
            target = (keyword, None)
            if keyword == "msgid":
                entry.line = number
        elif keyword == "msgstr" or plural:
            index = int(plural.group(1)) if plural else 0
            entry.msgstr[index] = _unquote(rest, where)
            target = ("msgstr", index)
        else:
            raise ValueError(f"{where}: unexpected line {raw!r}")
    if entry is not None and entry.msgstr:
        entries.append(entry)
    return entries


def read_mo(path: Path) -> dict[str, str]:
    """Every (key, translation) pair of a compiled catalogue, header included, as msgfmt wrote them."""
    data = path.read_bytes()
    for order in ("<", ">"):
        magic, _revision, count, originals, translations = struct.unpack_from(f"{order}5I", data)
        if magic == 0x950412DE:
            break
    else:
        raise AssertionError(f"{path} is not a GNU .mo file")
    pairs = {}
    for index in range(count):
        key_length, key_offset = struct.unpack_from(f"{order}2I", data, originals + 8 * index)
        value_length, value_offset = struct.unpack_from(f"{order}2I", data, translations + 8 * index)
        key = data[key_offset : key_offset + key_length].decode("utf-8")
        pairs[key] = data[value_offset : value_offset + value_length].decode("utf-8")
    return pairs


def placeholders(text: str) -> Counter:
    found = Counter(_PERCENT.findall(text)) + Counter(_BRACES.findall(text))
    for literal in ("%%", "{{", "}}"):
        del found[literal]
    return found


def _ids(paths):
    return [str(path.relative_to(LOCALE_DIR)) for path in paths]


def test_english_catalogue_exists():
    assert LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po" in PO_FILES
    assert (LOCALE_DIR / "en" / "LC_MESSAGES" / "django.mo").is_file()


@pytest.mark.parametrize("po_path", PO_FILES, ids=_ids(PO_FILES))
def test_every_entry_is_translated_and_not_fuzzy(po_path):
    entries = parse_po(po_path)
    assert entries, f"{po_path} has no entries"
    problems = [f"{e.label}: empty msgstr" for e in entries if e.msgid and not e.translated]
    problems += [f"{e.label}: fuzzy" for e in entries if "fuzzy" in e.flags]
    seen = Counter(e.mo_key for e in entries)
    problems += [f"{key!r}: appears {n} times" for key, n in seen.items() if n > 1]
    assert not problems, f"{po_path}: {len(problems)} entries need attention:\n" + "\n".join(problems)


@pytest.mark.parametrize("po_path", PO_FILES, ids=_ids(PO_FILES))
def test_mo_matches_po(po_path):
    """The .mo must be exactly what compilemessages makes of the .po (translated, non-fuzzy entries)."""
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.is_file(), f"{mo_path} is missing: run `eiso compilemessages`"
    expected = {e.mo_key: e.mo_value for e in parse_po(po_path) if e.translated and "fuzzy" not in e.flags}
    compiled = read_mo(mo_path)
    header = expected.pop("", None)
    compiled_header = compiled.pop("", None)
    problems = [f"not compiled: {key!r}" for key in expected.keys() - compiled.keys()]
    problems += [
        f"compiled but removed, untranslated or fuzzy in the .po: {key!r}"
        for key in compiled.keys() - expected.keys()
    ]
    problems += [
        f"stale translation of {key!r}: .mo has {compiled[key]!r}, .po has {expected[key]!r}"
        for key in expected.keys() & compiled.keys()
        if compiled[key] != expected[key]
    ]
    if header is not None and compiled_header is None:
        problems.append("the .mo has no header entry")
    assert not problems, (
        f"{mo_path.name} does not match {po_path.name}; run `eiso compilemessages`:\n"
        + "\n".join(sorted(problems))
    )
    with mo_path.open("rb") as handle:  # and gettext itself (hence Django) can load it
        catalogue = gettext.GNUTranslations(handle)
    assert catalogue.charset().lower() == "utf-8"


@pytest.mark.parametrize("po_path", PO_FILES, ids=_ids(PO_FILES))
def test_placeholders_are_kept(po_path):
    problems = []
    for entry in parse_po(po_path):
        if not entry.msgid:
            continue
        for index, msgstr in sorted(entry.msgstr.items()):
            if not msgstr:
                continue  # reported by test_every_entry_is_translated_and_not_fuzzy
            wanted, got = placeholders(entry.msgid), placeholders(msgstr)
            if entry.msgid_plural is not None:
                # A plural form may drop the count ("One agency"), but no other placeholder, and adds none.
                plural = placeholders(entry.msgid_plural)
                required = set(wanted if index == 0 else plural) - _COUNTS
                if not set(got) <= set(wanted) | set(plural) or not required <= set(got):
                    problems.append(f"{entry.label} msgstr[{index}]: placeholders {sorted(got)}")
            elif got != wanted:
                problems.append(
                    f"{entry.label}: placeholders {sorted(wanted.elements())} became {sorted(got.elements())}"
                )
    assert not problems, f"{po_path}: placeholders changed in translation:\n" + "\n".join(problems)


# --- the checks above, checked -----------------------------------------------------------------------------


def test_parser_reads_flags_context_plurals_and_continuations(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid "Xin chào, %(name)s"\nmsgstr "Hello, %(name)s"\n\n'
        'msgctxt "tháng"\nmsgid "Năm"\nmsgstr ""\n\n'
        'msgid ""\n"dòng một "\n"\\"hai\\"\\n"\nmsgstr "line one \\"two\\"\\n"\n\n'
        'msgid "%(count)s cơ quan"\nmsgid_plural "%(count)s cơ quan"\nmsgstr[0] "One agency"\n'
        'msgstr[1] "%(count)s agencies"\n\n'
        '#~ msgid "cũ"\n#~ msgstr "old"\n',
        encoding="utf-8",
    )
    header, hello, year, multi, plural = parse_po(po)
    assert header.msgid == "" and header.msgstr == {0: "Language: en\n"}
    assert hello.flags == {"fuzzy", "python-format"} and hello.msgstr[0] == "Hello, %(name)s"
    assert year.msgctxt == "tháng" and not year.translated and year.mo_key == "tháng\x04Năm"
    assert multi.msgid == 'dòng một "hai"\n' and multi.msgstr[0] == 'line one "two"\n'
    assert plural.mo_key == "%(count)s cơ quan\x00%(count)s cơ quan"
    assert plural.mo_value == "One agency\x00%(count)s agencies"


def test_placeholder_patterns():
    assert placeholders("%(start)s–%(end)s trên %(total)s") == Counter(["%(start)s", "%(end)s", "%(total)s"])
    assert placeholders("%s và %d, 100%% {name} {0} {}") == Counter(["%s", "%d", "{name}", "{0}", "{}"])
    assert placeholders("{{ literal }} [:ss][±hh:mm] 000.00.15.H33") == Counter()


def test_mo_reader_agrees_with_gettext():
    po_path = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
    pairs = read_mo(po_path.with_suffix(".mo"))
    with po_path.with_suffix(".mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    singular = {key: value for key, value in pairs.items() if key and "\x00" not in key and "\x04" not in key}
    assert singular
    assert all(catalogue.gettext(key) == value for key, value in singular.items())
