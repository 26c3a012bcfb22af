import pytest

from provisioning.subdomains import MAX_LENGTH, SubdomainError, subdomain_from_name, subdomain_variants


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Distribuidora Peñalolén", "distribuidora-penalolen"),
        ("  Ferretería  El  Ñandú S.A. ", "ferreteria-el-nandu-s-a"),
        ("Café & Té -- Córdoba", "cafe-te-cordoba"),
        ("ACME", "acme"),
        ("Lácteos 2000", "lacteos-2000"),
        ("Über Straße", "uber-strasse"),
    ],
)
def test_subdomain_strips_accents_lowercases_and_dashes_words(name, expected):
    assert subdomain_from_name(name) == expected


def test_subdomain_is_cut_at_63_characters_without_trailing_dash():
    name = "a" * 62 + " bcd"
    subdomain = subdomain_from_name(name)
    assert len(subdomain) <= MAX_LENGTH
    assert subdomain == "a" * 62
    assert subdomain_from_name("x" * 100) == "x" * 63


@pytest.mark.parametrize("name", ["", "   ", "¡¿?!", "---", "¿¿ ??"])
def test_subdomain_refuses_names_without_letters_or_digits(name):
    with pytest.raises(SubdomainError) as error:
        subdomain_from_name(name)
    assert error.value.code in {SubdomainError.EMPTY, SubdomainError.NOT_LETTER_FIRST}


def test_subdomain_must_start_with_a_letter():
    with pytest.raises(SubdomainError) as error:
        subdomain_from_name("24 Horas")
    assert error.value.code == SubdomainError.NOT_LETTER_FIRST


@pytest.mark.parametrize("name", ["www", "API", "Admin", "mail", "static", "media", "app", "Portal", "public"])
def test_subdomain_refuses_reserved_names(name):
    with pytest.raises(SubdomainError) as error:
        subdomain_from_name(name)
    assert error.value.code == SubdomainError.RESERVED
    assert error.value.subdomain == name.lower()


def test_variants_keep_the_length_limit():
    long = "b" * 63
    first, second = list(zip(range(2), subdomain_variants(long), strict=False))
    assert first[1] == "b" * 61 + "-2"
    assert second[1] == "b" * 61 + "-3"
    assert all(len(v) <= MAX_LENGTH for _, v in zip(range(20), subdomain_variants(long), strict=False))
