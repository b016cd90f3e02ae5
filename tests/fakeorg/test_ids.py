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


@pytest.mark.parametrize(("id15", "id18"), VECTORS)
def test_lowercased_18_char_id_is_repaired(id15, id18):
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
