"""Tests for onestop.identity: CCCD QR parsing, ID number rules, names, dates and contacts."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop.domain import Person
from onestop.errors import BadInput
from onestop.identity import (
    MAX_NAME_CHARS,
    ScannedIdentity,
    looks_like_scan,
    normalize_gender,
    parse_birth_date,
    parse_qr,
    to_person,
    validate_email,
    validate_id_number,
    validate_name,
    validate_old_id,
    validate_phone,
)

SAMPLE = "001090123456|012345678|NGUYEN VAN A|01011990|Nam|Phường …, Quận …, TP. Hồ Chí Minh|15042021"
TODAY = date(2025, 6, 1)
ID_LENGTH = "Số định danh cá nhân phải gồm đúng 12 chữ số"


def nfd(text: str) -> str:
    """`text` decomposed, as some keyboards and scanners send it."""
    return unicodedata.normalize("NFD", text)


def is_nfc(text: str) -> bool:
    """True when `text` is already NFC."""
    return unicodedata.is_normalized("NFC", text)


def scan_error(text: str) -> BadInput:
    """The BadInput parse_qr raises for `text`, after checking it is on the qr field and does not echo the scan."""
    with pytest.raises(BadInput) as caught:
        parse_qr(text, today=TODAY)
    err = caught.value
    assert err.field == "qr"
    assert err.message and len(err.message) < 200
    if len(text.strip()) > 20:
        assert text.strip() not in err.message
    for field in text.split("|"):
        if field.strip().isdigit() and len(field.strip()) >= 9:
            assert field.strip() not in err.message
    return err


# ---------------------------------------------------------------- parse_qr: good scans


def test_brief_sample() -> None:
    scan = parse_qr(SAMPLE)
    assert scan == ScannedIdentity(
        id_number="001090123456",
        old_id_number="012345678",
        full_name="Nguyen Van A",
        birth_date=date(1990, 1, 1),
        gender="Nam",
        address="Phường …, Quận …, TP. Hồ Chí Minh",
        issued_on=date(2021, 4, 15),
        raw_field_count=7,
    )


def test_name_with_diacritics_in_capitals_and_slashed_dates() -> None:
    text = "079195000123||NGUYỄN THỊ ĐÀO|05/11/1995|NỮ|Số 1 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|20/12/2021"
    scan = parse_qr(text)
    assert scan.full_name == "Nguyễn Thị Đào"
    assert scan.gender == "Nữ"
    assert scan.old_id_number == ""
    assert scan.birth_date == date(1995, 11, 5)
    assert scan.issued_on == date(2021, 12, 20)
    assert scan.address == "Số 1 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh"
    assert all(is_nfc(v) for v in (scan.full_name, scan.gender, scan.address))


def test_decomposed_scan_comes_out_nfc() -> None:
    text = nfd("038204000777|123456789|ĐẶNG VĂN ĐỨC|29022004|Nam|Xã Quảng Phú, Thanh Hóa|01072024")
    scan = parse_qr(text, today=TODAY)
    assert scan.full_name == "Đặng Văn Đức"
    assert scan.address == "Xã Quảng Phú, Thanh Hóa"
    assert scan.birth_date == date(2004, 2, 29)
    assert is_nfc(scan.full_name) and is_nfc(scan.address)


def test_six_field_variant_without_old_id() -> None:
    scan = parse_qr("001090123456|NGUYEN VAN A|01011990|Nam|Hà Nội|15042021")
    assert scan.old_id_number == ""
    assert scan.full_name == "Nguyen Van A"
    assert scan.address == "Hà Nội"
    assert scan.issued_on == date(2021, 4, 15)
    assert scan.raw_field_count == 6


def test_trailing_extra_fields_are_tolerated() -> None:
    scan = parse_qr(SAMPLE + "|Nơi đăng ký khai sinh|something else|")
    assert scan.id_number == "001090123456"
    assert scan.issued_on == date(2021, 4, 15)
    assert scan.raw_field_count == 10


def test_crlf_and_padding_are_stripped() -> None:
    padded = "\r\n" + " | ".join(SAMPLE.split("|")) + "\r\n"
    assert parse_qr(padded) == parse_qr(SAMPLE)
    assert parse_qr(SAMPLE + "\r\n") == parse_qr(SAMPLE)
    assert parse_qr("\ufeff" + SAMPLE + "\n") == parse_qr(SAMPLE)


def test_missing_issue_date_is_none() -> None:
    assert parse_qr("001090123456|012345678|NGUYEN VAN A|01011990|Nam|Hà Nội").issued_on is None
    assert parse_qr("001090123456|012345678|NGUYEN VAN A|01011990|Nam|Hà Nội|").issued_on is None


def test_aim_symbology_prefix_is_dropped() -> None:
    assert parse_qr("]Q1" + SAMPLE) == parse_qr(SAMPLE)


def test_unaccented_and_lower_case_gender() -> None:
    for spelled in ("NU", "Nu", "nu", "nữ", "Nữ", "NỮ", nfd("Nữ")):
        scan = parse_qr(f"001190123456||TRAN THI B|01011990|{spelled}|Hà Nội|15042021")
        assert scan.gender == "Nữ"
    assert parse_qr("001090123456||X Y|01011990|NAM|Hà Nội").gender == "Nam"


def test_twelve_digit_second_field_is_a_cancelled_id_not_a_cmnd() -> None:
    # BRIEF §11.5 (thẻ căn cước 2024): a 12-digit second field is a cancelled ID number (số định danh đã hủy);
    # an earlier reading kept it as a 12-digit CMND. It is kept, under its own name.
    scan = parse_qr("001090123456|012345678901|NGUYEN VAN A|01011990|Nam|Hà Nội|15042021")
    assert scan.id_number == "001090123456"
    assert scan.cancelled_id_number == "012345678901"
    assert scan.old_id_number == ""
    assert parse_qr("001090123456|012345678|NGUYEN VAN A|01011990|Nam|Hà Nội").cancelled_id_number == ""
    with pytest.raises(BadInput):
        parse_qr("001090123456|001090123456|NGUYEN VAN A|01011990|Nam|Hà Nội")


def test_twenty_first_century_female() -> None:
    scan = parse_qr("038305000001||LÊ THỊ HOA|15/08/2005|Nữ|Thanh Hóa|10/09/2021")
    assert (scan.gender, scan.birth_date.year) == ("Nữ", 2005)


# ---------------------------------------------------------------- parse_qr: malformed scans


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\r\n",
        "|",
        "||||||",
        "| | | | | |",
        "NGUYEN VAN A",
        "001090123456",
        "00109012345|012345678|NGUYEN VAN A|01011990|Nam|Hà Nội|15042021",  # 11-digit ID
        "0010901234567|012345678|NGUYEN VAN A|01011990|Nam|Hà Nội|15042021",  # 13-digit ID
        "00109O123456|012345678|NGUYEN VAN A|01011990|Nam|Hà Nội|15042021",  # letter O
        "012345678|NGUYEN VAN A|01011990|Nam|Hà Nội|15042021",  # legacy CMND only
        "CCCD 00109012345|001090123456|NGUYEN VAN A|01011990|Nam|Hà Nội",  # digits before the ID
        "001090123456|012345678|NGUYEN VAN A|01011990",  # truncated
        "001090123456|012345678|NGUYEN VAN A|01011990|Nam",  # no address field
        "001090123456|0123|NGUYEN VAN A|01011990|Nam|Hà Nội|15042021",  # old ID of 4 digits
        "001090123456||NGUYEN VAN A|1990|Nam|Hà Nội|15042021",
        "001090123456||NGUYEN VAN A|01131990|Nam|Hà Nội|15042021",  # month 13
        "001090123456||NGUYEN VAN A|31021990|Nam|Hà Nội|15042021",  # 31/02
        "001090123456||NGUYEN VAN A|32/01/1990|Nam|Hà Nội|15042021",
        "001090123456||NGUYEN VAN A|01/01/1890|Nam|Hà Nội|15042021",
        "001090123456||NGUYEN VAN A||Nam|Hà Nội|15042021",  # empty DOB
        "001090123456|||01011990|Nam|Hà Nội|15042021",  # empty name
        "001090123456||NGUYEN VAN A|01011990||Hà Nội|15042021",  # empty gender
        "001090123456||NGUYEN VAN A|01011990|Khác|Hà Nội|15042021",
        "001090123456||NGUYEN VAN A|01011990|Male|Hà Nội|15042021",
        "001090123456||NGUY?N VAN A|01011990|Nam|Hà Nội|15042021",  # scanner mangled a diacritic
        "001090123456||NGUYEN VAN 4|01011990|Nam|Hà Nội|15042021",
        "001090123456||NGUYEN VAN A|01011990|Nam|Hà Nội|31022021",  # impossible issue date
        "001090123456||NGUYEN VAN A|01011990|Nam|Hà Nội|cấp ngày 15",
        "001090123456||NGUYEN VAN A|01011990|Nam|Hà Nội|01011980",  # issued before birth
        "001090123456||NGUYEN VAN A|01011990|Nam|Hà Nội|01012030",  # issued in the future
        SAMPLE + "\r\n" + SAMPLE,  # two scans in one field
        SAMPLE + "|" + "x" * 5000,  # a 5,000-character paste
        "a|" * 2500,
    ],
)
def test_malformed_scans_raise_bad_input_without_echo(text: str) -> None:
    scan_error(text)


def test_empty_and_pipe_only_messages() -> None:
    assert "trống" in scan_error("").message
    assert "trống" in scan_error("||||||").message


def test_no_id_message() -> None:
    message = scan_error("NGUYEN VAN A|01011990|Nam|Hà Nội").message
    assert message == "Mã QR căn cước không có số định danh cá nhân 12 chữ số"


def test_long_paste_message_names_the_length_only() -> None:
    message = scan_error("x" * 5000).message
    assert "5000 ký tự" in message


def test_impossible_birth_date_message() -> None:
    message = scan_error("001090123456||NGUYEN VAN A|31021990|Nam|Hà Nội|15042021").message
    assert message == "Mã QR căn cước: ngày sinh không có thật (tháng 2 năm 1990 chỉ có 28 ngày)"


def test_future_birth_date_in_scan() -> None:
    tomorrow = TODAY + timedelta(days=1)
    text = f"001225000001||NGUYEN VAN A|{tomorrow:%d%m%Y}|Nam|Hà Nội"
    assert "sau ngày hôm nay" in scan_error(text).message


def test_scan_gender_contradicting_digit_4() -> None:
    message = scan_error("001090123456||TRAN THI B|01011990|Nữ|Hà Nội|15042021").message
    assert message == (
        "Mã QR căn cước: chữ số thứ 4 (mã thế kỷ và giới tính) không khớp với giới tính Nữ và năm sinh 1990"
    )


def test_scan_century_contradicting_digit_4() -> None:
    message = scan_error("001290123456||NGUYEN VAN A|01011990|Nam|Hà Nội|15042021").message
    assert "chữ số thứ 4" in message and "năm sinh 1990" in message


@pytest.mark.parametrize("id_number", ["001080123456", "001091123456", "001010123456", "001099123456"])
def test_scan_year_contradicting_digits_5_and_6(id_number: str) -> None:
    message = scan_error(f"{id_number}||NGUYEN VAN A|01011990|Nam|Hà Nội|15042021").message
    assert message == "Mã QR căn cước: chữ số thứ 5 và 6 (hai số cuối năm sinh) không khớp với năm sinh 1990"


# ---------------------------------------------------------------- looks_like_scan


@pytest.mark.parametrize(
    "text",
    [
        SAMPLE,
        SAMPLE + "\r\n",
        "001090123456|NGUYEN VAN A|01011990|Nam|Hà Nội|15042021",
        "012345678|NGUYEN VAN A|01011990|Nam|Hà Nội",  # legacy 9-digit
        "]Q1" + SAMPLE,
        "x" * 10 + "|001090123456|" + "y" * 5000,
    ],
)
def test_looks_like_scan_true(text: str) -> None:
    assert looks_like_scan(text) is True


@pytest.mark.parametrize(
    "text",
    ["", "Nguyễn Văn A", "001090123456", "0912345678", "a|b", "Giấy khai sinh:original|copy:1", "01011990|Nam", "|||"],
)
def test_looks_like_scan_false(text: str) -> None:
    assert looks_like_scan(text) is False


# ---------------------------------------------------------------- validate_id_number


def test_valid_id_numbers() -> None:
    assert validate_id_number("001090123456") == "001090123456"
    assert validate_id_number(" 001 090 123 456 ") == "001090123456"
    assert validate_id_number("001090123456", date(1990, 1, 1), "Nam") == "001090123456"
    assert validate_id_number("001190123456", date(1990, 5, 6), "nu") == "001190123456"
    assert validate_id_number("079305000001", date(2005, 1, 1), "Nữ") == "079305000001"
    assert validate_id_number("001200000001", date(2000, 1, 1), "Nam") == "001200000001"
    assert validate_id_number("001000000001", date(1900, 1, 1)) == "001000000001"


@pytest.mark.parametrize(
    "text",
    ["00109012345", "0010901234567", "00109012345a", "001-090-123-456", "００１０９０１２３４５６", "٠٠١٠٩٠١٢٣٤٥٦"],
)
def test_id_number_not_twelve_digits(text: str) -> None:
    with pytest.raises(BadInput) as caught:
        validate_id_number(text)
    assert caught.value.message == ID_LENGTH
    assert caught.value.field == "id_number"


def test_empty_id_number() -> None:
    with pytest.raises(BadInput, match="Chưa nhập số định danh") as caught:
        validate_id_number("  ")
    assert caught.value.field == "id_number"


@pytest.mark.parametrize(
    ("id_number", "birth_date", "gender", "message"),
    [
        (
            "001190123456",
            date(1990, 1, 1),
            "Nam",
            "Chữ số thứ 4 (mã thế kỷ và giới tính) không khớp với giới tính Nam và năm sinh 1990",
        ),
        (
            "001090123456",
            date(1990, 1, 1),
            "Nữ",
            "Chữ số thứ 4 (mã thế kỷ và giới tính) không khớp với giới tính Nữ và năm sinh 1990",
        ),
        (
            "001290123456",
            date(1990, 1, 1),
            "Nam",
            "Chữ số thứ 4 (mã thế kỷ và giới tính) không khớp với giới tính Nam và năm sinh 1990",
        ),
        (
            "001005123456",
            date(2005, 3, 1),
            None,
            "Chữ số thứ 4 (mã thế kỷ và giới tính) không khớp với năm sinh 2005",
        ),
        ("001190123456", None, "Nam", "Chữ số thứ 4 (mã thế kỷ và giới tính) không khớp với giới tính Nam"),
        (
            "001080123456",
            date(1990, 1, 1),
            "Nam",
            "Chữ số thứ 5 và 6 (hai số cuối năm sinh) không khớp với năm sinh 1990",
        ),
        (
            "001091123456",
            date(1990, 1, 1),
            "Nam",
            "Chữ số thứ 5 và 6 (hai số cuối năm sinh) không khớp với năm sinh 1990",
        ),
    ],
)
def test_id_number_contradicting_birth_date_or_gender(
    id_number: str, birth_date: date | None, gender: str | None, message: str
) -> None:
    with pytest.raises(BadInput) as caught:
        validate_id_number(id_number, birth_date, gender, today=TODAY)
    assert caught.value.message == message
    assert caught.value.field == "id_number"
    assert id_number not in caught.value.message


@pytest.mark.parametrize("id_number", ["001490123456", "001590123456", "001990123456", "001299123456"])
def test_id_number_coding_a_future_birth_year(id_number: str) -> None:
    with pytest.raises(BadInput, match="năm chưa tới"):
        validate_id_number(id_number, today=TODAY)


def test_id_number_with_bad_gender_word() -> None:
    with pytest.raises(BadInput) as caught:
        validate_id_number("001090123456", date(1990, 1, 1), "Male")
    assert caught.value.field == "gender"


def test_validate_old_id() -> None:
    assert validate_old_id("012345678") == "012345678"
    assert validate_old_id(" 012 345 678 ") == "012345678"
    assert validate_old_id("012345678901") == "012345678901"
    assert validate_old_id("") == ""
    for bad in ("01234567", "0123456789", "01234567a", "１２３４５６７８９"):
        with pytest.raises(BadInput) as caught:
            validate_old_id(bad)
        assert caught.value.field == "old_id_number"
        assert "9 chữ số" in caught.value.message


def test_normalize_gender() -> None:
    assert [normalize_gender(g) for g in ("Nam", "nam", "NAM", " Nữ ", "nữ", "NU", "Nu", "")] == [
        "Nam",
        "Nam",
        "Nam",
        "Nữ",
        "Nữ",
        "Nữ",
        "Nữ",
        "",
    ]
    for bad in ("Male", "Female", "F", "Nữa", "khác"):
        with pytest.raises(BadInput, match="Giới tính phải là Nam hoặc Nữ"):
            normalize_gender(bad)


# ---------------------------------------------------------------- parse_birth_date


@pytest.mark.parametrize(
    "text",
    [
        "05/11/1995",
        "5/11/1995",
        "05/11/1995 ",
        "05-11-1995",
        "5-11-1995",
        "05.11.1995",
        "05111995",
        "1995-11-05",
        "05 / 11 / 1995",
        "05 11 1995",
    ],
)
def test_birth_date_formats(text: str) -> None:
    assert parse_birth_date(text) == date(1995, 11, 5)


def test_birth_date_single_digit_month() -> None:
    assert parse_birth_date("1/2/2000") == date(2000, 2, 1)
    assert parse_birth_date("29/02/2000") == date(2000, 2, 29)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Chưa nhập ngày sinh"),
        ("31/02/1990", "tháng 2 năm 1990 chỉ có 28 ngày"),
        ("29/02/1900", "tháng 2 năm 1900 chỉ có 28 ngày"),
        ("00/01/1990", "không có thật"),
        ("31/04/1990", "chỉ có 30 ngày"),
        ("01/13/1990", "tháng phải từ 1 đến 12"),
        ("01/00/1990", "tháng phải từ 1 đến 12"),
        ("31/12/1899", "từ năm 1900"),
        ("01/01/0000", "từ năm 1900"),
        ("02/06/2025", "sau ngày hôm nay"),
        ("01/01/9999", "sau ngày hôm nay"),
        ("abc", "ngày/tháng/năm"),
        ("01/01/90", "ngày/tháng/năm"),
        ("1990/01/01", "ngày/tháng/năm"),
        ("01/01-1990", "ngày/tháng/năm"),
        ("١٠/٠١/١٩٩٠", "ngày/tháng/năm"),
        ("0101199", "ngày/tháng/năm"),
    ],
)
def test_birth_date_errors(text: str, fragment: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_birth_date(text, today=TODAY)
    assert fragment in caught.value.message
    assert caught.value.field == "birth_date"


def test_birth_date_today_is_allowed() -> None:
    assert parse_birth_date("01/06/2025", today=TODAY) == TODAY


# ---------------------------------------------------------------- validate_name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NGUYỄN VĂN A", "Nguyễn Văn A"),
        ("nguyễn thị minh khai", "Nguyễn Thị Minh Khai"),
        ("ĐẶNG ĐỨC ĐÔNG", "Đặng Đức Đông"),
        ("đinh  thị   đào ", "Đinh Thị Đào"),
        ("nGUYỄN vĂN b", "Nguyễn Văn B"),
        ("K'BRÍP", "K'Bríp"),
        ("K\u2019Bríp", "K'Bríp"),
        ("Y-MOAN ÊNUÔL", "Y-Moan Ênuôl"),
        ("Nguyễn V. A", "Nguyễn V. A"),
        ("Nguyen Van A", "Nguyen Van A"),
        ("Jean-Pierre Dupont", "Jean-Pierre Dupont"),
    ],
)
def test_names_are_title_cased(text: str, expected: str) -> None:
    assert validate_name(text) == expected


def test_nfd_name_comes_out_nfc() -> None:
    result = validate_name(nfd("NGUYỄN THỊ ĐÀO"))
    assert result == "Nguyễn Thị Đào"
    assert is_nfc(result)


def test_combining_marks_compose() -> None:
    assert validate_name("Nguye\u0302\u0303n") == "Nguyễn"
    assert validate_name("TRA\u0302\u0300N") == "Trần"


def test_stray_combining_mark_is_rejected() -> None:
    with pytest.raises(BadInput, match="U\\+0336"):
        validate_name("Ngu\u0336yen")
    with pytest.raises(BadInput):
        validate_name("\u0301Nguyen")


def test_control_characters_are_stripped() -> None:
    assert validate_name("Nguy\x00ễn\u200b Văn\x1b A\r\n") == "Nguyễn Văn A"
    assert validate_name("\u202eNguyễn Văn A") == "Nguyễn Văn A"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Chưa nhập họ tên"),
        ("   \t\n", "Chưa nhập họ tên"),
        ("\x00\x01", "Chưa nhập họ tên"),
        ("Nguyễn Văn 2", "chữ số"),
        ("Nguyễn Văn ²", "chữ số"),
        ("Nguyễn Văn A 😀", "«😀»"),
        ("Nguyễn@Văn", "«@»"),
        ("Nguyễn_Văn", "«_»"),
        ("Nguyễn, Văn", "«,»"),
        ("Иван", "«И»"),
        ("阮文", "«阮»"),
        ("...", "ít nhất một chữ cái"),
        ("a" * 101, "100 ký tự"),
        ("Nguyễn " * 1500, "100 ký tự"),
    ],
)
def test_bad_names(text: str, fragment: str) -> None:
    with pytest.raises(BadInput) as caught:
        validate_name(text)
    assert fragment in caught.value.message
    assert caught.value.field == "full_name"


def test_ten_thousand_characters() -> None:
    with pytest.raises(BadInput, match="100 ký tự"):
        validate_name("Đ" * 10_000)


def test_name_of_exactly_one_hundred_characters_after_nfc() -> None:
    name = "ễ" * MAX_NAME_CHARS
    assert validate_name(nfd(name)) == "Ễ" + "ễ" * (MAX_NAME_CHARS - 1)


def test_name_field_is_passed_through() -> None:
    with pytest.raises(BadInput) as caught:
        validate_name("", field="representative_name")
    assert caught.value.field == "representative_name"


# ---------------------------------------------------------------- phone and email


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("+84 (0) 912-345-678", "0912345678"),
        ("0084912345678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0387654321", "0387654321"),
        ("024 3826 1234", "02438261234"),
        ("+84 237 3851 234", "02373851234"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_phone_numbers(text: str, expected: str) -> None:
    assert validate_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    ["091234567", "09123456789", "1912345678", "0212345678", "0112345678", "phone", "+1 202 555 0100", "09l2345678"],
)
def test_bad_phone_numbers(text: str) -> None:
    with pytest.raises(BadInput) as caught:
        validate_phone(text)
    assert caught.value.field == "phone"
    assert "10 chữ số" in caught.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a@example.com", "a@example.com"),
        (" Nguyen.Van_A+1@Mail.Example.VN ", "Nguyen.Van_A+1@mail.example.vn"),
        ("", ""),
    ],
)
def test_emails(text: str, expected: str) -> None:
    assert validate_email(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a",
        "a@",
        "@example.com",
        "a@example",
        "a@@example.com",
        "a b@example.com",
        "a..b@example.com",
        ".a@example.com",
        "a@-example.com",
        "a@example.c",
        "ă@example.com",
        "a@" + "b" * 250 + ".com",
        "a" * 65 + "@example.com",
    ],
)
def test_bad_emails(text: str) -> None:
    with pytest.raises(BadInput) as caught:
        validate_email(text)
    assert caught.value.field == "email"


# ---------------------------------------------------------------- to_person


def test_to_person() -> None:
    person = to_person(parse_qr(SAMPLE), phone="+84 912 345 678", email="a@Example.com")
    assert person == Person(
        full_name="Nguyen Van A",
        id_number="001090123456",
        birth_date=date(1990, 1, 1),
        gender="Nam",
        address="Phường …, Quận …, TP. Hồ Chí Minh",
        phone="0912345678",
        email="a@example.com",
        old_id_number="012345678",
        id_issued_on=date(2021, 4, 15),
    )


def test_to_person_validates_contacts() -> None:
    with pytest.raises(BadInput) as caught:
        to_person(parse_qr(SAMPLE), phone="12")
    assert caught.value.field == "phone"


# ---------------------------------------------------------------- properties

SCANNY = st.text(alphabet="0123456789|/-. NamNữuđĐĂăÂâ\r\nXx", max_size=120)
ANY_TEXT = st.one_of(st.text(max_size=300), SCANNY)
SYLLABLES = [
    "nguyễn",
    "trần",
    "lê",
    "phạm",
    "đặng",
    "văn",
    "thị",
    "minh",
    "đức",
    "ánh",
    "tuyết",
    "hương",
    "quỳnh",
    "ngọc",
    "yến",
    "a",
    "bảo",
    "khuê",
    "ơn",
    "ưng",
    "y",
    "k'bríp",
]


@st.composite
def vietnamese_names(draw: st.DrawFn) -> str:
    """A name of 1–5 Vietnamese syllables in random casing, possibly decomposed."""
    words = draw(st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=5))
    cased = [draw(st.sampled_from([w, w.upper(), w.title(), w.swapcase()])) for w in words]
    name = " ".join(cased)
    return nfd(name) if draw(st.booleans()) else name


@st.composite
def identities(draw: st.DrawFn) -> tuple[str, date, str]:
    """A consistent (id_number, birth_date, gender)."""
    birth = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    gender = draw(st.sampled_from(["Nam", "Nữ"]))
    code = (birth.year - 1900) // 100 * 2 + (gender == "Nữ")
    province = draw(st.integers(min_value=1, max_value=96))
    serial = draw(st.integers(min_value=0, max_value=999_999))
    return f"{province:03d}{code}{birth.year % 100:02d}{serial:06d}", birth, gender


def _returns_or_bad_input(function: Callable[..., object], *args: object, **kwargs: object) -> object:
    """Call `function`; a BadInput is an acceptable outcome, anything else propagates."""
    try:
        return function(*args, **kwargs)
    except BadInput as err:
        assert err.message and err.field
        return None


@given(ANY_TEXT)
def test_parse_qr_returns_or_raises_bad_input(text: str) -> None:
    scan = _returns_or_bad_input(parse_qr, text)
    if isinstance(scan, ScannedIdentity):
        assert len(scan.id_number) == 12 and scan.gender in ("Nam", "Nữ")
        assert is_nfc(scan.full_name) and is_nfc(scan.address)


@given(st.lists(st.one_of(st.text(max_size=30), SCANNY, st.just("001090123456"), st.just("01011990")), max_size=9))
def test_parse_qr_on_pipe_joined_fields(fields: list[str]) -> None:
    _returns_or_bad_input(parse_qr, "|".join(fields))
    assert isinstance(looks_like_scan("|".join(fields)), bool)


@given(ANY_TEXT)
def test_validators_return_or_raise_bad_input(text: str) -> None:
    assert isinstance(looks_like_scan(text), bool)
    for function in (
        validate_id_number,
        validate_old_id,
        parse_birth_date,
        validate_name,
        validate_phone,
        validate_email,
        normalize_gender,
    ):
        result = _returns_or_bad_input(function, text)
        if isinstance(result, str):
            assert is_nfc(result)


@given(ANY_TEXT)
def test_validate_name_is_idempotent(text: str) -> None:
    name = _returns_or_bad_input(validate_name, text)
    if isinstance(name, str):
        assert is_nfc(name) and 0 < len(name) <= MAX_NAME_CHARS
        assert validate_name(name) == name


@given(identities(), vietnamese_names(), st.booleans(), st.booleans(), st.booleans())
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_generated_scans_round_trip(
    identity: tuple[str, date, str], name: str, with_old_id: bool, slashed: bool, crlf: bool
) -> None:
    id_number, birth, gender = identity
    date_format = "%d/%m/%Y" if slashed else "%d%m%Y"
    fields = (
        [id_number]
        + (["123456789"] if with_old_id else [])
        + [name, birth.strftime(date_format), gender, "Xã Quảng Phú, Thanh Hóa", TODAY.strftime(date_format)]
    )
    text = "|".join(fields) + ("\r\n" if crlf else "")
    assert looks_like_scan(text)
    scan = parse_qr(text, today=TODAY)
    assert scan.id_number == id_number
    assert scan.birth_date == birth
    assert scan.gender == gender
    assert scan.full_name == validate_name(name)
    assert scan.old_id_number == ("123456789" if with_old_id else "")
    assert scan.issued_on == TODAY


@given(identities(), st.integers(min_value=3, max_value=5), st.integers(min_value=0, max_value=9))
def test_changing_digits_4_to_6_is_detected(identity: tuple[str, date, str], position: int, digit: int) -> None:
    id_number, birth, gender = identity
    assert validate_id_number(id_number, birth, gender, today=TODAY) == id_number
    if id_number[position] == str(digit):
        return
    changed = id_number[:position] + str(digit) + id_number[position + 1 :]
    with pytest.raises(BadInput) as caught:
        validate_id_number(changed, birth, gender, today=TODAY)
    assert f"Chữ số thứ {4 if position == 3 else 5}" in caught.value.message


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.sampled_from(["%d/%m/%Y", "%d%m%Y", "%d-%m-%Y", "%Y-%m-%d"]),
)
def test_birth_date_round_trip(birth: date, date_format: str) -> None:
    assert parse_birth_date(birth.strftime(date_format), today=TODAY) == birth


@given(
    st.sampled_from(["3", "5", "7", "8", "9"]),
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.sampled_from(["0{}", "+84{}", "+84 {}", "0084{}", "84{}"]),
)
def test_mobile_round_trip(network: str, rest: str, layout: str) -> None:
    assert validate_phone(layout.format(network + rest)) == "0" + network + rest
