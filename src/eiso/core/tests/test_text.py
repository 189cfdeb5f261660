import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eiso.core.text import vi_fold

VI_LOWER = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
VI_ALPHABET = VI_LOWER + VI_LOWER.upper() + "0123456789 \t\n-.,"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đà Nẵng", "da nang"),
        ("đ", "d"),
        ("Đ", "d"),
        ("ĐƯỜNG", "duong"),
        ("Thành phố Hồ Chí Minh", "thanh pho ho chi minh"),
        ("Tỉnh Đắk Lắk", "tinh dak lak"),
        ("Phường Phố Hiến", "phuong pho hien"),
        ("Sở Khoa học và Công nghệ", "so khoa hoc va cong nghe"),
        ("  Hà   Nội \n\t", "ha noi"),
        ("Hà\u00a0Nội", "ha noi"),  # a non-breaking space pasted from a Word document
        ("000.00.15.H33", "000.00.15.h33"),
        ("", ""),
        (None, ""),
        ("   ", ""),
    ],
)
def test_examples(text, folded):
    assert vi_fold(text) == folded


def test_decomposed_input_folds_like_composed_input():
    composed = "Đà Nẵng, Thừa Thiên Huế, Quảng Ngãi"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert vi_fold(decomposed) == vi_fold(composed) == "da nang, thua thien hue, quang ngai"


def test_mixed_normalisation_in_one_string():
    # "ẵ" written as a + breve + tilde (NFD) next to a precomposed "Đà".
    mixed = "Đà N" + unicodedata.normalize("NFD", "ẵ") + "ng"
    assert vi_fold(mixed) == "da nang"


def test_search_for_folded_query_finds_accented_text():
    assert vi_fold("da nang") in vi_fold("Thành phố Đà Nẵng")
    assert vi_fold("ĐÀ NẴNG") in vi_fold("Thành phố Đà Nẵng")


@given(st.text())
def test_idempotent(text):
    assert vi_fold(vi_fold(text)) == vi_fold(text)


@given(st.text())
def test_normalisation_form_of_input_does_not_matter(text):
    assert vi_fold(unicodedata.normalize("NFD", text)) == vi_fold(unicodedata.normalize("NFC", text))


@given(st.text())
def test_no_marks_no_d_with_stroke_no_outer_or_double_spaces(text):
    folded = vi_fold(text)
    assert not any(unicodedata.combining(ch) for ch in folded)
    assert "đ" not in folded and "Đ" not in folded
    assert folded == folded.strip()
    assert "  " not in folded


@given(st.text(alphabet=VI_ALPHABET))
def test_vietnamese_text_folds_to_ascii_ignoring_case(text):
    folded = vi_fold(text)
    assert folded.isascii()
    assert folded == folded.lower()
    assert vi_fold(text.upper()) == folded == vi_fold(text.lower())
