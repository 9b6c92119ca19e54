"""The catalog in the database against the published text in ../shared/seeds/, character for character.

The seed is parsed here independently of catalog/data/order_37_rd.json. Its markdown emphasis (`**`) and
the blank lines where a printed page ended mid-paragraph are layout, not text (DESIGN.md): a page-break
continuation joins the paragraph with one space; a subparagraph "1) ..." starts a new line.
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from catalog.models import LegalAct, Provision, ProvisionVersion

SEEDS_DIR = Path(settings.BASE_DIR).parent / "shared" / "seeds"
ABROGATION = datetime.date(2026, 1, 1)
MONTHS = {m: i for i, m in enumerate(["January", "February", "March", "April", "May", "June", "July", "August",
                                      "September", "October", "November", "December"], start=1)}  # fmt: skip


@dataclass
class SeedParagraph:
    number: int
    text: str
    footnote: str = ""


@dataclass
class Seed:
    preamble: str
    appendix1: dict[int, SeedParagraph] = field(default_factory=dict)
    appendix2: dict[int, SeedParagraph] = field(default_factory=dict)
    appendix2_footnote: str = ""


def _blocks(text: str) -> list[str]:
    """Blank-line separated blocks, with the markdown emphasis removed and line ends dropped."""
    text = text.replace("\r\n", "\n").replace("**", "")
    return [block for block in re.split(r"\n[ \t]*\n", text) if block.strip()]


def _parse_paragraphs(blocks: list[str], target: dict[int, SeedParagraph]) -> str:
    """Fill `target` with numbered paragraphs; return a footnote that precedes all paragraphs, if any."""
    leading_footnote, current = "", None
    for block in blocks:
        numbered = re.match(r"^(\d+)\. (.*)$", block, re.S)
        if numbered:
            current = SeedParagraph(int(numbered.group(1)), numbered.group(2))
            assert current.number not in target, f"paragraph {current.number} twice in the seed"
            target[current.number] = current
        elif block.startswith("Footnote."):
            if current is None:
                leading_footnote = block
            else:
                current.footnote = block
        elif current is not None and re.match(r"^\d+\) ", block):
            current.text += "\n" + block  # a subparagraph keeps its own line
        elif current is not None:
            current.text += " " + block  # a printed page ended mid-paragraph
    return leading_footnote


def parse_seed(text: str) -> Seed:
    blocks = _blocks(text)

    def index(prefix: str) -> int:
        return next(i for i, b in enumerate(blocks) if b.startswith(prefix))

    list_heading = index("### List of priority activities")
    appendix2 = index("Appendix 2")
    criteria_heading = index("### Criteria of own production")
    seed = Seed(preamble="\n".join(blocks[:list_heading]))
    _parse_paragraphs(blocks[list_heading + 1 : appendix2], seed.appendix1)
    seed.appendix2_footnote = _parse_paragraphs(blocks[criteria_heading + 1 :], seed.appendix2)
    return seed


def _seed_texts() -> list[str]:
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"The seed folder {SEEDS_DIR} is absent (it sits beside the project in ../shared/seeds/).")
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS_DIR.glob("*.txt"))]
    texts = [t for t in texts if "List of priority activities" in t]
    if not texts:
        pytest.skip(f"No seed in {SEEDS_DIR} holds the list of priority activities.")
    return texts


@pytest.fixture(scope="module")
def seed() -> Seed:
    texts = _seed_texts()
    assert len(texts) == 1, "expected one seed file with order 37/RD"
    return parse_seed(texts[0])


def _current(appendix: int, paragraph: int) -> ProvisionVersion:
    """The last wording of a paragraph of 37/RD: the one in force until the abrogation."""
    provision = Provision.objects.get(act__code="37/RD", appendix=appendix, paragraph=paragraph)
    return provision.versions.select_related("introduced_by").get(in_force_until=ABROGATION)


def _english_date(text: str) -> datetime.date:
    month, day, year = re.match(r"(\w+) (\d+), (\d{4})", text).groups()
    return datetime.date(int(year), MONTHS[month], int(day))


def test_the_parser_reads_the_whole_seed(seed):
    assert sorted(seed.appendix1) == list(range(1, 20))
    assert sorted(seed.appendix2) == [1, 2, 3]
    assert {n for n, p in seed.appendix1.items() if p.footnote} == {1, 3, 14, 16, 17, 19}
    # The two page breaks inside a paragraph are joined, and no layout survives anywhere.
    assert "web application development, algorithms (artificial intelligence" in seed.appendix1[17].text
    assert "the status of goods of the Eurasian Economic Union" in seed.appendix2[2].text
    for paragraph in [*seed.appendix1.values(), *seed.appendix2.values()]:
        assert "**" not in paragraph.text + paragraph.footnote
        assert "\n\n" not in paragraph.text


@pytest.mark.django_db
@pytest.mark.parametrize("number", range(1, 20))
def test_appendix_1_paragraph_matches_the_seed(seed, number):
    version = _current(1, number)
    expected = seed.appendix1[number]
    assert version.text_recorded
    assert version.text == expected.text
    assert version.footnote == expected.footnote


@pytest.mark.django_db
@pytest.mark.parametrize("number", [1, 2, 3])
def test_appendix_2_paragraph_and_its_footnote_match_the_seed(seed, number):
    version = _current(2, number)
    assert version.text == seed.appendix2[number].text
    assert version.footnote == seed.appendix2_footnote
    assert seed.appendix2_footnote.startswith("Footnote. Criteria - in the wording of the order")


@pytest.mark.django_db
def test_each_footnote_names_the_act_that_introduced_the_wording(seed):
    """A footnote "... dated 20.09.2023 № 413/NK ..." belongs to a wording introduced by the act signed that day."""
    footnoted = [(1, n, p.footnote) for n, p in seed.appendix1.items() if p.footnote]
    footnoted += [(2, n, seed.appendix2_footnote) for n in seed.appendix2]
    for appendix, number, footnote in footnoted:
        day, month, year = re.search(r"dated (\d\d)\.(\d\d)\.(\d{4}) №", footnote).groups()
        version = _current(appendix, number)
        assert version.introduced_by.signed_on == datetime.date(int(year), int(month), int(day)), (appendix, number)
    for number, paragraph in seed.appendix1.items():
        if not paragraph.footnote:
            assert _current(1, number).introduced_by.code == "37/RD"


@pytest.mark.django_db
def test_the_act_facts_match_the_seed_header(seed):
    header = re.search(
        r"dated (\w+ \d+, \d{4}) № (\S+)\. Registered in the Ministry of Justice of the Republic of Kazakhstan "
        r"on (\w+ \d+, \d{4}) № (\d+)\. Abrogated by the order .*? dated (\d\d)\.(\d\d)\.(\d{4}) № (\S+) "
        r"\(effective from (\d\d)\.(\d\d)\.(\d{4})\)",
        seed.preamble,
    )
    assert header, "the seed's header sentence was not found"
    signed, code, registered, number, ad, am, ay, by, ed, em, ey = header.groups()
    act = LegalAct.objects.select_related("abrogated_by").get(code=code)
    assert act.signed_on == _english_date(signed)
    assert act.registered_on == _english_date(registered)
    assert act.registration_number == number
    assert act.abrogated_by.code == by
    assert act.abrogated_by.signed_on == datetime.date(int(ay), int(am), int(ad))
    assert act.abrogated_from == datetime.date(int(ey), int(em), int(ed))
    valid_until = re.search(r"is valid until (\w+ \d+, \d{4})\.", seed.preamble).group(1)
    assert act.valid_until == _english_date(valid_until)


# The data file's facts, checked in the database whether or not the seed folder is present.


@pytest.mark.django_db
def test_the_acts_and_their_dates():
    acts = {a.code: a for a in LegalAct.objects.select_related("amends", "abrogated_by")}
    assert sorted(acts) == ["130/NK", "37/RD", "413/NK", "521/NK"]
    order = acts["37/RD"]
    assert (order.kind, order.signed_on, order.registered_on, order.registration_number) == (
        LegalAct.Kind.LIST,
        datetime.date(2019, 4, 11),
        datetime.date(2019, 4, 16),
        "18523",
    )
    assert order.valid_until == datetime.date(2029, 1, 1)
    assert order.abrogated_by == acts["521/NK"]
    assert order.abrogated_from == datetime.date(2026, 1, 1)
    assert acts["130/NK"].signed_on == datetime.date(2022, 4, 19)
    assert acts["413/NK"].signed_on == datetime.date(2023, 9, 20)
    assert acts["521/NK"].signed_on == datetime.date(2025, 10, 20)
    assert acts["130/NK"].amends == acts["413/NK"].amends == order
    assert acts["521/NK"].kind == LegalAct.Kind.ABROGATION


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "earliest_publication", "estimate", "display"),
    [
        ("37/RD", datetime.date(2019, 4, 16), datetime.date(2019, 4, 27), "not earlier than 27.04.2019 (unconfirmed)"),
        ("130/NK", datetime.date(2022, 4, 19), datetime.date(2022, 4, 30), "not earlier than 30.04.2022 (unconfirmed)"),
        ("413/NK", datetime.date(2023, 9, 20), datetime.date(2023, 10, 1), "not earlier than 01.10.2023 (unconfirmed)"),
    ],
)
def test_unknown_effective_dates_are_unconfirmed_estimates(code, earliest_publication, estimate, display):
    """In force "upon expiry of ten calendar days after" publication: the day after ten days have passed."""
    act = LegalAct.objects.get(code=code)
    assert estimate == earliest_publication + datetime.timedelta(days=11)
    assert act.effective_from == estimate
    assert act.effective_from_confirmed is False
    assert act.effective_from_display == display


@pytest.mark.django_db
def test_the_abrogation_date_is_given_and_confirmed():
    act = LegalAct.objects.get(code="521/NK")
    assert act.effective_from == datetime.date(2026, 1, 1)
    assert act.effective_from_confirmed is True
    assert act.effective_from_display == "01.01.2026"


@pytest.mark.django_db
def test_earlier_wordings_are_not_recorded_rather_than_invented():
    unrecorded = ProvisionVersion.objects.filter(text_recorded=False).select_related("provision", "ended_by")
    assert sorted((v.provision.appendix, v.provision.paragraph or 0, v.ended_by.code) for v in unrecorded) == [
        (1, 1, "413/NK"),
        (1, 3, "413/NK"),
        (1, 14, "413/NK"),
        (1, 16, "413/NK"),
        (1, 17, "413/NK"),
        (1, 19, "130/NK"),
        (2, 0, "130/NK"),  # Appendix 2 as a whole, before 130/NK rewrote it
    ]
    assert all(v.text == "" for v in unrecorded)
    assert ProvisionVersion.objects.count() == 19 + 6 + 3 + 1


@pytest.mark.django_db
def test_loading_the_catalog_again_creates_nothing():
    import io

    from django.apps import apps
    from django.core.management import call_command

    from catalog.seed import load_catalog

    before = ProvisionVersion.objects.count()
    assert load_catalog(apps) == 0
    out = io.StringIO()
    call_command("load_catalog", stdout=out)
    assert "0 rows created" in out.getvalue()
    assert ProvisionVersion.objects.count() == before
