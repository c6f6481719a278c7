"""Vietnamese text: NFC storage, folded search, Vietnamese name order, slugs."""

import unicodedata

from conference.text import collation_key, fold, name_sort_key, nfc, search_key, slugify


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
        "Nguyễn Thị Thanh",  # a before ă: Thanh before Thắng
        "Hoàng Cao Thắng",
    ]


def test_names_that_differ_by_a_breve_a_circumflex_or_a_tone_sort_the_vietnamese_way():
    # Letters first (a, ă, â in the alphabet's order) over the whole name, then the
    # tones: ngang, huyền, hỏi, ngã, sắc, nặng.
    ordered = [
        "Lê Văn Tan",
        "Lê Văn Tàn",
        "Lê Văn Tản",
        "Lê Văn Tãn",
        "Lê Văn Tán",
        "Lê Văn Tạn",
        "Lê Văn Tăng",
        "Lê Văn Tằng",
        "Lê Văn Tặng",
        "Lê Văn Tân",
        "Lê Văn Tần",
        "Lê Văn Tấn",
        "Lê Văn Tận",
    ]
    assert sorted(reversed(ordered), key=name_sort_key) == ordered
    assert sorted(["Hoàng Cao Thắng", "Nguyễn Thị Thanh", "Trần Thành"], key=name_sort_key) == [
        "Nguyễn Thị Thanh",
        "Trần Thành",
        "Hoàng Cao Thắng",
    ]


def test_d_with_stroke_comes_after_every_d():
    names = ["Đỗ Đức", "Lê Duy", "Trần Dũng", "Phạm Đào", "Vũ Dương", "Ngô Em"]
    assert sorted(names, key=name_sort_key) == [
        "Trần Dũng",
        "Lê Duy",
        "Vũ Dương",  # ư after u
        "Phạm Đào",
        "Đỗ Đức",
        "Ngô Em",
    ]


def test_the_other_marked_letters_keep_their_places_and_case_does_not_count():
    words = ["ô", "O", "ơ", "e", "ê", "u", "ư", "v", "o"]
    assert sorted(words, key=collation_key) == ["e", "ê", "O", "o", "ô", "ơ", "u", "ư", "v"]
    assert collation_key("NGUYỄN") == collation_key("nguyễn")


def test_a_shorter_name_sorts_before_a_longer_one_it_begins():
    names = ["Lê Anh Tuấn", "Lê An", "Lê Ánh", "Lê Anh"]
    assert sorted(names, key=name_sort_key) == ["Lê An", "Lê Anh", "Lê Ánh", "Lê Anh Tuấn"]


def test_search_key_joins_folded_fields():
    key = search_key("Hoàng Cao Thắng", "Sở Xây dựng Hà Nội", None)
    assert "hoang cao thang" in key and "so xay dung ha noi" in key


def test_slugify_makes_ascii_addresses():
    assert slugify("Người tốt, việc tốt 2022") == "nguoi-tot-viec-tot-2022"
    assert slugify("Đại hội Đoàn") == "dai-hoi-doan"
    assert slugify("!!!") == ""
