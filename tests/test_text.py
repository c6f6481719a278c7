"""Vietnamese text: NFC storage, folded search, Vietnamese name order, slugs."""

import unicodedata

from conference.text import fold, name_sort_key, nfc, search_key, slugify


def test_fold_ignores_case_and_diacritics():
    assert fold("Nguyễn Thị Thủy Lệ") == "nguyen thi thuy le"
    assert fold("HOÀNG CAO THẮNG") == "hoang cao thang"


def test_fold_turns_d_with_stroke_into_d():
    # Unicode decomposition leaves đ alone; the search must not.
    assert fold("Đặng Đức Độ") == "dang duc do"
    assert fold("ĐỨC") == fold("đức") == "duc"


def test_decomposed_and_precomposed_text_fold_and_store_alike():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Thủy Lệ")
    assert decomposed != "Nguyễn Thị Thủy Lệ"
    assert nfc(decomposed) == "Nguyễn Thị Thủy Lệ"
    assert fold(decomposed) == fold("Nguyễn Thị Thủy Lệ")


def test_nfc_tidies_white_space():
    assert nfc("  Hoàng   Cao\tThắng \n") == "Hoàng Cao Thắng"
    assert nfc(None) == ""


def test_names_sort_by_given_then_middle_then_family_name():
    names = [
        "Nguyễn Thị Thủy Lệ",
        "Hoàng Cao Thắng",
        "Nguyễn Thị Thanh",
        "Trần Văn An",
        "Lê Thị An",
    ]
    ordered = sorted(names, key=name_sort_key)
    assert ordered == [
        "Lê Thị An",  # given name An; then the middle name: Thị before Văn
        "Trần Văn An",
        "Nguyễn Thị Thủy Lệ",
        "Hoàng Cao Thắng",  # Thắng folds to thang, before thanh
        "Nguyễn Thị Thanh",
    ]


def test_search_key_joins_folded_fields():
    key = search_key("Hoàng Cao Thắng", "Sở Xây dựng Hà Nội", None)
    assert "hoang cao thang" in key and "so xay dung ha noi" in key


def test_slugify_makes_ascii_addresses():
    assert slugify("Người tốt, việc tốt 2022") == "nguoi-tot-viec-tot-2022"
    assert slugify("Đại hội Đoàn") == "dai-hoi-doan"
    assert slugify("!!!") == ""
