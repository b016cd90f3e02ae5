import pytest

from salesforcepy.fakeorg import ids

# The vectors of the wire reference, section 5.13.
VECTORS = [
    ("a0RE000000IJmcN", "a0RE000000IJmcNMAT"),
    ("a01M00000062mPg", "a01M00000062mPgIAI"),
    ("001M000000qfPyS", "001M000000qfPySIAU"),
    ("0F9E000000092w2", "0F9E000000092w2KAA"),
    ("AbCdEfGhIjKlMnO", "AbCdEfGhIjKlMnOVKV"),
    ("aBcDEfgHIJKLMNO", "aBcDEfgHIJKLMNO025"),
    ("0010Y0000055YG7", "0010Y0000055YG7QAM"),
    ("00D0Y000000ZNZA", "00D0Y000000ZNZAUA4"),
]


@pytest.mark.parametrize(("id15", "id18"), VECTORS)
def test_checksum_vectors(id15, id18):
    assert ids.to18(id15) == id18
    assert ids.to15(id18) == id15
    assert ids.is_valid_id(id18)


@pytest.mark.parametrize("id18", [id18 for _, id18 in VECTORS])
def test_lowercased_18_char_id_is_repaired(id18):
    assert ids.normalize_id(id18.lower()) == id18


@pytest.mark.parametrize("bad", ["", "001", "0010Y0000055YG7QAX", "0010Y0000055YG7-AM", None, 1234])
def test_invalid_ids(bad):
    assert not ids.is_valid_id(bad)


def test_generated_ids_are_unique_valid_and_prefixed():
    gen = ids.IdGenerator()
    made = [gen.new("003") for _ in range(500)]
    assert len(set(made)) == 500
    assert all(ids.is_valid_id(i) and i.startswith("003") and len(i) == 18 for i in made)


def test_generator_continues_after_existing_id():
    first = ids.IdGenerator().new("001")
    gen = ids.IdGenerator()
    gen.advance_past(first)
    assert gen.new("001") != first


def test_normalize_id_forms():
    assert ids.normalize_id("001M000000qfPyS") == "001M000000qfPySIAU"
    assert ids.normalize_id("001M000000qfPySIAU") == "001M000000qfPySIAU"
    assert ids.normalize_id("001M000000QFPYSIAU") == "001M000000qfPySIAU"
    assert ids.normalize_id("001M000000qfPySiau") == "001M000000qfPySIAU"


@pytest.mark.parametrize(
    "bad",
    [
        None,
        15,
        "",
        "001M000000qfPy",
        "001M000000qfPyS!",
        "001M000000qfPyS9AU",
        "001M00000-qfPySIAU",
    ],
)
def test_normalize_id_rejects(bad):
    assert ids.normalize_id(bad) is None


def test_suffix_that_marks_a_digit_as_upper_case_is_rejected():
    # "B" (value 1) marks the first character of the first chunk, the digit 0, as upper case.
    assert ids.normalize_id("001m000000qfpysBau") is None


def test_encode62():
    assert ids.encode62(0, 3) == "000"
    assert ids.encode62(61, 2) == "0z"
    assert ids.encode62(62, 2) == "10"
    with pytest.raises(OverflowError):
        ids.encode62(62**3, 3)
    with pytest.raises(ValueError, match="non-negative"):
        ids.encode62(-1, 3)


def test_generated_ids_count_up_in_base62_text_order():
    gen = ids.IdGenerator(start=61)
    first, second = gen.new("001"), gen.new("001")
    assert first[:6] == "001" + ids.POD
    assert first[6:15] == "00000000z"
    assert second[6:15] == "000000010"
    assert first[6:15] < second[6:15]


def test_advance_past_ignores_foreign_ids_and_never_goes_back():
    gen = ids.IdGenerator(start=100)
    gen.advance_past("0010Y0000055YG7QAM")  # not made by this fake org
    gen.advance_past(ids.IdGenerator(start=5).new("001"))  # lower than the counter
    assert gen.new("001")[6:15] == ids.encode62(100, 9)


@pytest.mark.parametrize("bad", ["01", "0011"])
def test_generator_needs_three_character_prefix(bad):
    with pytest.raises(ValueError, match="prefix"):
        ids.IdGenerator().new(bad)


def test_to18_rejects_invalid():
    with pytest.raises(ValueError, match="not a Salesforce id"):
        ids.to18("nope")
    with pytest.raises(ValueError, match="15-character"):
        ids.checksum_suffix("001")
