"""Demo conference from the seed article: event, delegates, programme and awards (pure data)."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, time

SLUG = "nguoi-tot-viec-tot-2022"


@dataclass(frozen=True)
class DemoEvent:
    slug: str
    title: str
    organizer_name: str
    co_organizer_name: str
    venue: str
    address: str
    date: date
    starts_at: time
    ends_at: time
    timezone: str
    signer_name: str
    signer_title: str
    document_number: str
    stage_capacity: int
    vip_rank_threshold: int
    parent_agency: str = ""
    signer_authority: str = ""
    signer_superior_title: str = ""
    recipients_note: str = ""


@dataclass(frozen=True)
class DemoDelegate:
    code: str  # the organizer's own id, unique, e.g. "DB001"
    honorific: str  # "Ông" or "Bà"
    full_name: str  # NFC, family name first
    position: str  # chức vụ
    organization: str  # đơn vị
    email: str | None  # ascii; None for about one in seven
    phone: str  # "09xx xxx xxx", or ""
    group: str  # "Lãnh đạo", "Khách mời", "Đại biểu", "Khen thưởng", "Báo chí"
    protocol_rank: int | None  # 1 = highest; leaders only
    seat: str  # "A1".."A12" for the leaders, "B5", …; "" for a few
    notes: str = ""  # a short note for the front desk


@dataclass(frozen=True)
class DemoSpeaker:
    delegate_code: str | None  # a DemoDelegate.code, or None for free text
    name: str
    role: str  # báo cáo, phát biểu chỉ đạo, chủ trì, tham luận, biểu diễn, dẫn chương trình


@dataclass(frozen=True)
class DemoItem:
    start: time
    duration_min: int
    title: str
    kind: str  # reception, performance, opening, report, contribution, directive, awards, …
    room: str
    description: str
    speakers: tuple[DemoSpeaker, ...] = ()


@dataclass(frozen=True)
class DemoRecipient:
    kind: str  # "individual" or "collective"
    name: str  # the person, or the collective
    honorific: str  # "Ông"/"Bà" for individuals, "" for collectives
    delegate_code: str | None  # who receives on stage; None when not on the delegate list
    citation: str
    stand_in_code: str | None = None  # a delegate known to receive in their place (nhận thay)


@dataclass(frozen=True)
class DemoAwardForm:
    rank: int  # 1 highest
    title: str
    decision_number: str
    decision_date: date
    issuer: str
    recipients: tuple[DemoRecipient, ...]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _words(text: str) -> tuple[str, ...]:
    return tuple(_nfc(text).split())


# --------------------------------------------------------------------------- the event

_SXD = _nfc("Sở Xây dựng Hà Nội")
_CDN = _nfc("Công đoàn ngành Xây dựng Hà Nội")
_ROOM = _nfc("Hội trường tầng 3")

EVENT = DemoEvent(
    slug=SLUG,
    title=_nfc(
        'Hội nghị Tổng kết 30 năm phát động phong trào thi đua "Người tốt, việc tốt" ngành Xây dựng'
    ),
    organizer_name=_SXD,
    co_organizer_name=_CDN,
    venue=_nfc("Hội trường tầng 3, Sở Xây dựng Hà Nội"),
    address=_nfc("52 Lê Đại Hành, phường Lê Đại Hành, quận Hai Bà Trưng, Hà Nội"),
    date=date(2022, 9, 12),
    starts_at=time(7, 30),
    ends_at=time(11, 30),
    timezone="Asia/Ho_Chi_Minh",
    signer_name=_nfc("Hoàng Cao Thắng"),
    signer_title=_nfc("Phó Giám đốc"),
    document_number="125/GM-SXD",
    stage_capacity=10,
    vip_rank_threshold=5,
    # Thể thức văn bản (Nghị định 30/2020/NĐ-CP): the city's people's committee above the
    # department; a deputy director signs for the director (ký thay).
    parent_agency=_nfc("UBND Thành phố Hà Nội"),
    signer_authority="KT.",
    signer_superior_title=_nfc("Giám đốc"),
    recipients_note=_nfc("- Như thành phần mời;\n- Lưu: VT, VP."),
)

# --------------------------------------------------------------------------- organizations

_VP_SO = _nfc("Văn phòng Sở Xây dựng Hà Nội")
_THANH_TRA = _nfc("Thanh tra Sở Xây dựng Hà Nội")
_THOAT_NUOC = _nfc("Công ty TNHH MTV Thoát nước Hà Nội")
_CHIEU_SANG = _nfc("Công ty TNHH MTV Chiếu sáng và Thiết bị đô thị")
_CAY_XANH = _nfc("Công ty TNHH MTV Công viên cây xanh Hà Nội")
_MOI_TRUONG = _nfc("Công ty TNHH MTV Môi trường đô thị Hà Nội")
_NUOC_SACH = _nfc("Công ty TNHH MTV Nước sạch Hà Nội")
_QL_NHA = _nfc("Công ty TNHH MTV Quản lý và Phát triển nhà Hà Nội")
_UDIC = _nfc("Tổng công ty Đầu tư phát triển hạ tầng đô thị UDIC")
_HANDICO = _nfc("Tổng công ty Đầu tư và Phát triển nhà Hà Nội")
_GIAM_DINH = _nfc("Trung tâm Giám định chất lượng xây dựng Hà Nội")
_NGHIA_TRANG = _nfc("Ban Quản lý Nghĩa trang và Tang lễ Hà Nội")
_BQLDA = _nfc("Ban Quản lý dự án đầu tư xây dựng công trình cấp nước, thoát nước và môi trường")
_VIEN_QH = _nfc("Viện Quy hoạch xây dựng Hà Nội")
_CDXD_VN = _nfc("Công đoàn Xây dựng Việt Nam")
_LDLD = _nfc("Liên đoàn Lao động Thành phố Hà Nội")
_HDTDKT = _nfc("Hội đồng Thi đua - Khen thưởng Thành phố Hà Nội")
_UBND = _nfc("UBND Thành phố Hà Nội")
_HUU_TRI = _nfc("Ban Liên lạc hưu trí Sở Xây dựng Hà Nội")

# Reserved top-level domain (RFC 2606): demo invitations can never reach a real mailbox.
_DOMAINS: dict[str, str] = {
    _SXD: "soxaydung.hanoi.example",
    _VP_SO: "soxaydung.hanoi.example",
    _THANH_TRA: "soxaydung.hanoi.example",
    _CDN: "congdoanxaydung.hanoi.example",
    _THOAT_NUOC: "thoatnuochanoi.example",
    _CHIEU_SANG: "chieusang.hanoi.example",
    _CAY_XANH: "congviencayxanh.hanoi.example",
    _MOI_TRUONG: "moitruongdothi.hanoi.example",
    _NUOC_SACH: "nuocsach.hanoi.example",
    _QL_NHA: "quanlynha.hanoi.example",
    _UDIC: "udic.example",
    _HANDICO: "phattriennha.hanoi.example",
    _GIAM_DINH: "giamdinhxaydung.hanoi.example",
    _NGHIA_TRANG: "nghiatrang.hanoi.example",
    _BQLDA: "bqldacapthoatnuoc.hanoi.example",
    _VIEN_QH: "vienquyhoach.hanoi.example",
    _CDXD_VN: "congdoanxaydung.example",
    _LDLD: "ldld.hanoi.example",
    _HDTDKT: "thiduakhenthuong.hanoi.example",
    _UBND: "ubnd.hanoi.example",
}
_PERSONAL_DOMAIN = "thudientu.example"

# --------------------------------------------------------------------------- named people

OFFICIALS: tuple[DemoDelegate, ...] = (
    DemoDelegate(
        code="LD001",
        honorific=_nfc("Bà"),
        full_name=_nfc("Nguyễn Thị Thủy Lệ"),
        position=_nfc(
            "Ủy viên Ban cán sự Đảng Bộ Xây dựng, Phó Chủ tịch Hội đồng Thi đua khen thưởng"
            " Bộ Xây dựng, Chủ tịch Công đoàn Xây dựng Việt Nam"
        ),
        organization=_CDXD_VN,
        email=None,
        phone="",
        group=_nfc("Lãnh đạo"),
        protocol_rank=1,
        seat="A1",
        notes=_nfc("Đón tại sảnh tầng 1, mời vào phòng khách trước giờ khai mạc"),
    ),
    DemoDelegate(
        code="LD002",
        honorific=_nfc("Ông"),
        full_name=_nfc("Hoàng Cao Thắng"),
        position=_nfc("Phó Bí thư Đảng ủy, Phó Giám đốc Sở Xây dựng Hà Nội"),
        organization=_SXD,
        email="thanghc@soxaydung.hanoi.example",
        phone="0913 245 768",
        group=_nfc("Lãnh đạo"),
        protocol_rank=2,
        seat="A2",
    ),
    DemoDelegate(
        code="LD003",
        honorific=_nfc("Bà"),
        full_name=_nfc("Nguyễn Thị Thanh"),
        position=_nfc("Chủ tịch Công đoàn ngành Xây dựng Hà Nội"),
        organization=_CDN,
        email="thanhnt@congdoanxaydung.hanoi.example",
        phone="0904 318 552",
        group=_nfc("Lãnh đạo"),
        protocol_rank=3,
        seat="A3",
    ),
)

# (code, honorific, full name, position, organization, group, rank, notes): every person the
# programme or the awards name, plus the leaders and guests; email, phone and seat are drawn.
_Spec = tuple[str, str, str, str, str, str, int | None, str]

# fmt: off
_NAMED: tuple[_Spec, ...] = (
    # Guests from the city and the Department's leaders, in protocol order (ranks 4..12).
    ("KM001", "Ông", "Đặng Quốc Hưng", "Phó Chủ tịch Liên đoàn Lao động Thành phố Hà Nội", _LDLD,
     "Khách mời", 4, "Đến muộn khoảng 08h15, đã báo Văn phòng Sở"),
    ("KM002", "Bà", "Trần Thị Minh Hằng",
     "Phó Trưởng ban Thường trực Ban Thi đua - Khen thưởng Thành phố Hà Nội", _HDTDKT, "Khách mời",
     5, ""),
    ("KM003", "Ông", "Lê Văn Dũng", "Phó Chánh Văn phòng UBND Thành phố Hà Nội", _UBND, "Khách mời",
     6, ""),
    ("LD004", "Ông", "Nguyễn Đức Toàn", "Phó Giám đốc Sở Xây dựng Hà Nội", _SXD, "Lãnh đạo", 7, ""),
    ("LD005", "Ông", "Vũ Mạnh Cường", "Phó Giám đốc Sở Xây dựng Hà Nội", _SXD, "Lãnh đạo", 8, ""),
    ("LD006", "Bà", "Phạm Thu Hà", "Phó Chủ tịch Công đoàn ngành Xây dựng Hà Nội", _CDN, "Lãnh đạo",
     9, ""),
    ("LD007", "Ông", "Đỗ Minh Tuấn", "Chánh Văn phòng Sở Xây dựng Hà Nội", _SXD, "Lãnh đạo", 10,
     ""),
    ("LD008", "Ông", "Bùi Đức Long", "Chánh Thanh tra Sở Xây dựng Hà Nội", _SXD, "Lãnh đạo", 11,
     ""),
    ("LD009", "Bà", "Trịnh Thị Thu Huyền", "Trưởng phòng Kế hoạch - Tài chính, Sở Xây dựng Hà Nội",
     _SXD, "Lãnh đạo", 12, ""),
    # Other guests.
    ("KM004", "Ông", "Trần Đình Khoa", "Nguyên Giám đốc Sở Xây dựng Hà Nội", _HUU_TRI, "Khách mời",
     None, "Đại biểu cao tuổi: cử người đón tại sảnh, bố trí ghế gần lối đi"),
    ("KM005", "Bà", "Lê Thị Kim Oanh", "Nguyên Chủ tịch Công đoàn ngành Xây dựng Hà Nội", _HUU_TRI,
     "Khách mời", None, ""),
    ("KM006", "Ông", "Phạm Quang Vinh", "Nguyên Phó Giám đốc Sở Xây dựng Hà Nội", _HUU_TRI,
     "Khách mời", None, ""),
    ("KM007", "Ông", "Nguyễn Hữu Nghĩa", "Trưởng ban Chính sách - Pháp luật", _CDXD_VN, "Khách mời",
     None, ""),
    ("KM008", "Bà", "Đinh Thị Phương Thảo", "Phó Trưởng ban Tuyên giáo - Nữ công", _CDXD_VN,
     "Khách mời", None, ""),
    ("KM009", "Ông", "Hoàng Minh Khôi", "Chuyên viên chính Ban Thi đua - Khen thưởng Thành phố",
     _HDTDKT, "Khách mời", None, ""),
    ("KM010", "Ông", "Dương Văn Thuận", "Phó Trưởng ban Tổ chức", _LDLD, "Khách mời", None, ""),
    ("KM011", "Bà", "Vũ Thị Ngọc Anh", "Phó Chủ tịch Công đoàn ngành Giao thông vận tải Hà Nội",
     _LDLD, "Khách mời", None, ""),
    ("KM012", "Ông", "Lý Quốc Bảo", "Phó Viện trưởng", _VIEN_QH, "Khách mời", None, ""),
    ("KM013", "Ông", "Ngô Trọng Hiếu", "Chuyên viên Phòng Tổng hợp", _UBND, "Khách mời", None, ""),
    ("KM014", "Bà", "Trần Thu Hương", "Phó Chủ tịch Công đoàn Tổng công ty", _UDIC, "Khách mời",
     None, ""),
    # People receiving awards, for themselves or for their collective.
    ("KT001", "Ông", "Phạm Đức Thịnh", "Phó Trưởng phòng Quản lý xây dựng công trình", _SXD,
     "Khen thưởng", None, ""),
    ("KT002", "Ông", "Trần Văn Quang", "Phó Tổng Giám đốc", _THOAT_NUOC, "Khen thưởng", None, ""),
    ("KT003", "Bà", "Nguyễn Thị Bích Ngọc", "Chủ tịch Công đoàn cơ sở Văn phòng Sở", _VP_SO,
     "Khen thưởng", None, ""),
    ("KT004", "Ông", "Lê Minh Đức", "Phó Chánh Thanh tra Sở", _THANH_TRA, "Khen thưởng", None, ""),
    ("KT005", "Bà", "Đỗ Thị Lan", "Phó Trưởng phòng Vật liệu xây dựng", _SXD, "Khen thưởng", None,
     ""),
    ("KT006", "Ông", "Nguyễn Văn Hải", "Tổ trưởng Tổ nạo vét, Xí nghiệp Thoát nước số 2",
     _THOAT_NUOC, "Khen thưởng", None, ""),
    ("KT007", "Bà", "Vũ Thị Thu Trang", "Kỹ sư", _GIAM_DINH, "Khen thưởng", None, ""),
    ("KT008", "Ông", "Đặng Văn Bình", "Đội trưởng Đội Duy trì chiếu sáng số 3", _CHIEU_SANG,
     "Khen thưởng", None, ""),
    ("KT009", "Ông", "Dương Đức Mạnh", "Đội trưởng Đội Thanh tra xây dựng số 2", _THANH_TRA,
     "Khen thưởng", None, ""),
    ("KT010", "Bà", "Lý Thị Hồng Nhung", "Phó Giám đốc", _CAY_XANH, "Khen thưởng", None, ""),
    ("KT011", "Ông", "Ngô Văn Thành", "Giám đốc Xí nghiệp Thoát nước số 1", _THOAT_NUOC,
     "Khen thưởng", None, "Nhận thay Bằng khen cho Ông Trương Công Hậu (đang điều trị, vắng mặt)"),
    ("KT012", "Ông", "Trịnh Quang Huy", "Phó Trưởng phòng Phát triển đô thị", _SXD, "Khen thưởng",
     None, ""),
    ("KT013", "Ông", "Đinh Công Sơn", "Phó Trưởng ban", _NGHIA_TRANG, "Khen thưởng", None, ""),
    ("KT014", "Bà", "Nguyễn Thị Hương", "Chuyên viên Văn phòng Sở", _VP_SO, "Khen thưởng", None,
     ""),
    ("KT015", "Ông", "Phạm Văn Tùng", "Công nhân vận hành trạm bơm Yên Sở", _THOAT_NUOC,
     "Khen thưởng", None, ""),
    ("KT016", "Bà", "Trần Thị Ngọc Ánh", "Kế toán trưởng", _NUOC_SACH, "Khen thưởng", None, ""),
    ("KT017", "Ông", "Lê Hoàng Nam", "Kỹ sư Phòng Kỹ thuật", _CHIEU_SANG, "Khen thưởng", None, ""),
    ("KT018", "Bà", "Bùi Thị Yến", "Công nhân vệ sinh môi trường", _MOI_TRUONG, "Khen thưởng", None,
     ""),
    ("KT019", "Ông", "Vũ Đình Kiên", "Thanh tra viên", _THANH_TRA, "Khen thưởng", None, ""),
    ("KT020", "Bà", "Đặng Thu Hiền", "Chuyên viên Phòng Quản lý nhà", _SXD, "Khen thưởng", None,
     ""),
    ("KT021", "Ông", "Hoàng Văn Lâm", "Tổ trưởng Tổ duy trì cây xanh", _CAY_XANH, "Khen thưởng",
     None, ""),
    ("KT022", "Ông", "Nguyễn Quốc Trung", "Phó Trưởng phòng Kinh tế xây dựng", _SXD, "Khen thưởng",
     None, ""),
    ("KT023", "Bà", "Phạm Thị Thanh Tâm", "Phó Trưởng phòng Quản lý hạ tầng kỹ thuật", _SXD,
     "Khen thưởng", None, ""),
    ("KT024", "Ông", "Đỗ Văn Hòa", "Đội trưởng Đội Quản lý thoát nước số 3", _THOAT_NUOC,
     "Khen thưởng", None, ""),
    ("KT025", "Ông", "Trần Quốc Việt", "Đội trưởng Đội Duy trì chiếu sáng số 1", _CHIEU_SANG,
     "Khen thưởng", None, ""),
    ("KT026", "Bà", "Lê Thị Thanh Xuân", "Chủ tịch Công đoàn cơ sở Thanh tra Sở", _THANH_TRA,
     "Khen thưởng", None, ""),
    ("KT027", "Ông", "Bùi Minh Hoàng", "Tổ trưởng Tổ Quản lý vận hành nhà tái định cư", _QL_NHA,
     "Khen thưởng", None, ""),
    ("KT028", "Bà", "Nguyễn Thị Thu Hằng", "Chuyên viên Phòng Kế hoạch - Tài chính", _SXD,
     "Khen thưởng", None, ""),
    ("KT029", "Ông", "Đinh Văn Tú", "Nhân viên lái xe", _VP_SO, "Khen thưởng", None, ""),
    ("KT030", "Bà", "Hoàng Thị Phương", "Nhân viên Phòng Tổ chức - Hành chính", _CAY_XANH,
     "Khen thưởng", None, ""),
    ("KT031", "Ông", "Phạm Ngọc Đông", "Công nhân", _THOAT_NUOC, "Khen thưởng", None, ""),
    ("KT032", "Ông", "Ngô Đức Anh", "Kỹ sư", _GIAM_DINH, "Khen thưởng", None, ""),
    ("KT033", "Bà", "Vũ Thị Hoa", "Công nhân vệ sinh môi trường", _MOI_TRUONG, "Khen thưởng", None,
     ""),
    ("KT034", "Ông", "Lê Văn Định", "Thanh tra viên", _THANH_TRA, "Khen thưởng", None, ""),
    ("KT035", "Bà", "Trịnh Thị Mai Anh", "Chuyên viên Văn phòng Sở", _VP_SO, "Khen thưởng", None,
     ""),
    ("KT036", "Ông", "Đặng Xuân Trường", "Tổ trưởng Tổ sửa chữa điện", _CHIEU_SANG, "Khen thưởng",
     None, ""),
    ("KT037", "Bà", "Dương Thị Ngọc", "Nhân viên", _QL_NHA, "Khen thưởng", None, ""),
    # Speakers of the contributions (tham luận).
    ("DB001", "Ông", "Trần Mạnh Hùng", "Chủ tịch Công đoàn Công ty", _THOAT_NUOC, "Đại biểu", None,
     ""),
    ("DB002", "Bà", "Lê Thị Thu Thủy", "Phó Chủ tịch Công đoàn Công ty", _CHIEU_SANG, "Đại biểu",
     None, ""),
    # The reporter who wrote the seed article (a pen name, as signed).
    ("BC001", "Bà", "Thảo Phương", "Phóng viên", "Báo Xây dựng", "Báo chí", None, ""),
)
# fmt: on

# Heads of units and of the Department's offices: one person each, names drawn.
_UNIT_HEADS: tuple[tuple[str, str], ...] = (
    ("Tổng Giám đốc", _THOAT_NUOC),
    ("Giám đốc", _CHIEU_SANG),
    ("Giám đốc", _CAY_XANH),
    ("Chủ tịch Công đoàn Công ty", _CAY_XANH),
    ("Phó Tổng Giám đốc", _MOI_TRUONG),
    ("Chủ tịch Công đoàn Công ty", _MOI_TRUONG),
    ("Phó Tổng Giám đốc", _NUOC_SACH),
    ("Chủ tịch Công đoàn Công ty", _NUOC_SACH),
    ("Phó Tổng Giám đốc", _UDIC),
    ("Phó Tổng Giám đốc", _HANDICO),
    ("Chủ tịch Công đoàn Tổng công ty", _HANDICO),
    ("Giám đốc", _QL_NHA),
    ("Chủ tịch Công đoàn Công ty", _QL_NHA),
    ("Giám đốc", _GIAM_DINH),
    ("Trưởng ban", _NGHIA_TRANG),
    ("Phó Giám đốc", _BQLDA),
    ("Trưởng phòng Kỹ thuật", _BQLDA),
    ("Phó Giám đốc", _GIAM_DINH),
    ("Trưởng phòng Tổ chức - Hành chính", _NUOC_SACH),
    ("Trưởng phòng Tổ chức - Hành chính", _UDIC),
    ("Phó Trưởng phòng Kế hoạch", _HANDICO),
    ("Chủ tịch Công đoàn Xí nghiệp Thoát nước số 3", _THOAT_NUOC),
    ("Phó Giám đốc Xí nghiệp Quản lý nhà số 2", _QL_NHA),
    ("Phó Trưởng phòng Quản lý nhà", _SXD),
    ("Trưởng phòng Kinh tế xây dựng", _SXD),
    ("Trưởng phòng Phát triển đô thị", _SXD),
    ("Trưởng phòng Quản lý hạ tầng kỹ thuật", _SXD),
    ("Trưởng phòng Vật liệu xây dựng", _SXD),
    ("Trưởng phòng Quản lý nhà", _SXD),
    ("Trưởng phòng Quản lý xây dựng công trình", _SXD),
    ("Phó Chánh Văn phòng Sở", _VP_SO),
    ("Phó Chánh Thanh tra Sở", _THANH_TRA),
    ("Trưởng ban Tuyên giáo - Nữ công", _CDN),
    ("Trưởng ban Tổ chức - Kiểm tra", _CDN),
    ("Chánh Văn phòng Công đoàn ngành", _CDN),
)

# Staff: (organization, weight, positions many people hold), drawn with these weights.
# fmt: off
_STAFF: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    (_SXD, 6, ("Chuyên viên Phòng Kinh tế xây dựng", "Chuyên viên Phòng Phát triển đô thị",
               "Chuyên viên Phòng Quản lý hạ tầng kỹ thuật", "Chuyên viên Phòng Quản lý nhà",
               "Chuyên viên Phòng Quản lý xây dựng công trình",
               "Chuyên viên Phòng Vật liệu xây dựng")),
    (_VP_SO, 3, ("Chuyên viên", "Văn thư", "Kế toán viên")),
    (_THANH_TRA, 3, ("Thanh tra viên", "Thanh tra viên chính", "Đội phó Đội Thanh tra")),
    (_CDN, 2, ("Ủy viên Ban Chấp hành", "Chuyên viên Ban Tuyên giáo - Nữ công")),
    (_THOAT_NUOC, 4, ("Kỹ sư", "Công nhân", "Tổ trưởng", "Đội trưởng")),
    (_CHIEU_SANG, 3, ("Kỹ sư", "Công nhân điện", "Tổ trưởng")),
    (_CAY_XANH, 3, ("Kỹ sư lâm nghiệp", "Công nhân", "Đội trưởng Đội cây xanh")),
    (_MOI_TRUONG, 3, ("Công nhân vệ sinh môi trường", "Tổ trưởng", "Phó Giám đốc Xí nghiệp")),
    (_NUOC_SACH, 2, ("Kỹ sư", "Chuyên viên")),
    (_QL_NHA, 2, ("Nhân viên", "Kỹ sư")),
    (_UDIC, 1, ("Chuyên viên", "Kỹ sư")),
    (_HANDICO, 1, ("Chuyên viên",)),
    (_GIAM_DINH, 2, ("Kỹ sư", "Giám định viên")),
    (_NGHIA_TRANG, 1, ("Nhân viên", "Tổ trưởng")),
    (_BQLDA, 2, ("Cán bộ kỹ thuật", "Chuyên viên")),
)
# fmt: on

_PRESS: tuple[tuple[str, str], ...] = (
    ("Phóng viên", "Báo Kinh tế & Đô thị"),
    ("Phóng viên", "Báo Hà Nội mới"),
    ("Phóng viên", "Báo Lao động Thủ đô"),
    ("Quay phim", "Đài Phát thanh và Truyền hình Hà Nội"),
)

# --------------------------------------------------------------------------- names

_FAMILY = (
    ("Nguyễn", 30), ("Trần", 10), ("Lê", 9), ("Phạm", 8), ("Hoàng", 5), ("Vũ", 5),
    ("Đặng", 4), ("Bùi", 4), ("Đỗ", 4), ("Ngô", 3), ("Dương", 2), ("Lý", 1),
    ("Đinh", 2), ("Trịnh", 2), ("Phan", 3), ("Hồ", 2), ("Đào", 2), ("Mai", 1),
    ("Tạ", 1), ("Lương", 1),
)  # fmt: skip
_MIDDLE_MALE = _words(
    "Văn Văn Văn Đức Minh Quang Mạnh Hữu Công Quốc Tiến Xuân Trọng Thanh Đình Duy Ngọc Bá"
)
_MIDDLE_FEMALE = _words("Thị Thị Thị Thị Thu Ngọc Thanh Minh Phương Hồng Kim Bích Hải")
_SECOND_MIDDLE_FEMALE = _words("Thu Minh Ngọc Thanh Hồng Kim Phương Mai")
_GIVEN_MALE = _words(
    "Hùng Dũng Tuấn Hải Long Nam Thành Cường Quân Đức Trung Hiếu Khánh Đạt Tùng Sơn"
    " Phong Bình Vinh Huy Kiên Lâm Định Đông Hưng Thắng Tiến Phúc Toàn Hiệp"
)
_GIVEN_FEMALE = _words(
    "Hương Lan Hà Linh Trang Hằng Huyền Mai Thảo Yến Nga Vân Dung Hạnh Loan Oanh"
    " Nhung Thủy Hoa Diệp Đào Giang Hiền Phượng Quỳnh Tâm"
)


def _draw_name(rng: random.Random, female: bool) -> str:
    """A common Vietnamese name, family name first, the middle name matching the gender."""
    while True:
        family = rng.choices([f for f, _ in _FAMILY], weights=[w for _, w in _FAMILY])[0]
        words = [family, rng.choice(_MIDDLE_FEMALE if female else _MIDDLE_MALE)]
        if female and words[1] == "Thị" and rng.random() < 0.25:
            words.append(rng.choice(_SECOND_MIDDLE_FEMALE))  # Nguyễn Thị Thu Hương
        words.append(rng.choice(_GIVEN_FEMALE if female else _GIVEN_MALE))
        if len(set(words)) == len(words):
            return _nfc(" ".join(words))


# --------------------------------------------------------------------------- contacts

_ASCII = str.maketrans({"đ": "d", "Đ": "D"})


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_ASCII))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def _email_local(full_name: str) -> str:
    """ "Nguyễn Văn Hùng" → "hungnv": the given name, then the other initials."""
    words = [_ascii(word) for word in full_name.split()]
    return words[-1] + "".join(word[0] for word in words[:-1])


def _draw_email(rng: random.Random, full_name: str, organization: str, used: set[str]) -> str:
    domain = _DOMAINS.get(organization, _PERSONAL_DOMAIN)
    if rng.random() < 0.15:
        domain = _PERSONAL_DOMAIN
    local = _email_local(full_name)
    if domain == _PERSONAL_DOMAIN:
        local = "".join(_ascii(word) for word in full_name.split()) + str(rng.randint(70, 99))
    candidate, n = f"{local}@{domain}", 1
    while candidate in used:
        n += 1
        candidate = f"{local}{n}@{domain}"
    used.add(candidate)
    return candidate


def _draw_phone(rng: random.Random, used: set[str]) -> str:
    while True:
        phone = (
            f"09{rng.choice('0134678')}{rng.randint(0, 9)}"
            f" {rng.randint(0, 999):03d} {rng.randint(0, 999):03d}"
        )
        if phone not in used:
            used.add(phone)
            return phone


# --------------------------------------------------------------------------- delegates

_SEED = 20220912
_MC_NAME = _nfc("Phan Thanh Huyền")  # free text: the MC is staff, not a delegate
_ROW_SIZE = 14
# Rows by group, after row A (the leaders, by rank): guests, then award recipients near the
# stage, then everyone else. Press stand at the back and have no seat.
_ROWS_BY_GROUP = {"Khách mời": "B", "Khen thưởng": "C", "Đại biểu": "F"}
_ORDINARY_DELEGATES = 88  # group "Đại biểu"


def _next_seat(rows: dict[str, list[int]], group: str) -> str:
    """The next free seat of the group's block, row by row; "" for groups without seats."""
    cursor = rows.get(group)
    if cursor is None:
        return ""
    cursor[1] += 1
    if cursor[1] > _ROW_SIZE:
        cursor[0] += 1
        cursor[1] = 1
    return f"{chr(cursor[0])}{cursor[1]}"


def delegates() -> tuple[DemoDelegate, ...]:
    """The delegate list: OFFICIALS first, then 150 more; the same on every run and machine."""
    rng = random.Random(_SEED)  # noqa: S311 - demo data, not security
    names = {d.full_name for d in OFFICIALS} | {_nfc(spec[2]) for spec in _NAMED} | {_MC_NAME}
    emails = {d.email for d in OFFICIALS if d.email}
    phones = {d.phone for d in OFFICIALS if d.phone}
    rows = {_nfc(group): [ord(row), 0] for group, row in _ROWS_BY_GROUP.items()}
    result = list(OFFICIALS)

    def add(spec: _Spec) -> None:
        code, honorific, full_name, position, organization, group, rank, notes = spec
        group = _nfc(group)
        no_email = rng.random() < (0.4 if group == _nfc("Báo chí") else 0.15)
        email = None if no_email else _draw_email(rng, full_name, organization, emails)
        phone = "" if rng.random() < 0.08 else _draw_phone(rng, phones)
        result.append(
            DemoDelegate(
                code=code,
                honorific=_nfc(honorific),
                full_name=_nfc(full_name),
                position=_nfc(position),
                organization=_nfc(organization),
                email=email,
                phone=phone,
                group=group,
                protocol_rank=rank,
                seat=f"A{rank}" if rank is not None else _next_seat(rows, group),
                notes=_nfc(notes),
            )
        )

    def drawn(prefix: str, number: int, position: str, organization: str, group: str) -> _Spec:
        female = rng.random() < 0.45
        name = _draw_name(rng, female)
        while name in names:
            name = _draw_name(rng, female)
        names.add(name)
        notes = ""
        if position == "Quay phim":
            notes = "Cần vị trí đặt máy quay cuối hội trường"
        elif prefix == "DB" and number in (41, 77):
            notes = "Đi xe lăn: bố trí chỗ ngồi cuối dãy, gần lối đi"
        code = f"{prefix}{number:03d}"
        return (code, "Bà" if female else "Ông", name, position, organization, group, None, notes)

    # Leaders, guests and award recipients, then the ordinary delegates, then the press.
    for spec in _NAMED:
        if spec[0][:2] not in ("DB", "BC"):
            add(spec)
    ordinary = [spec for spec in _NAMED if spec[0].startswith("DB")]
    for spec in ordinary:
        add(spec)
    number = len(ordinary)
    for position, organization in _UNIT_HEADS:
        number += 1
        add(drawn("DB", number, position, organization, "Đại biểu"))
    organizations = [organization for organization, _, _ in _STAFF]
    weights = [weight for _, weight, _ in _STAFF]
    positions = {organization: choices for organization, _, choices in _STAFF}
    while number < _ORDINARY_DELEGATES:
        number += 1
        organization = rng.choices(organizations, weights=weights)[0]
        add(drawn("DB", number, rng.choice(positions[organization]), organization, "Đại biểu"))
    press = [spec for spec in _NAMED if spec[0].startswith("BC")]
    for spec in press:
        add(spec)
    for number, (position, organization) in enumerate(_PRESS, start=len(press) + 1):
        add(drawn("BC", number, position, organization, "Báo chí"))
    return tuple(result)


def _name_of(code: str) -> str:
    for spec in _NAMED:
        if spec[0] == code:
            return _nfc(spec[2])
    for official in OFFICIALS:
        if official.code == code:
            return official.full_name
    raise KeyError(code)


# --------------------------------------------------------------------------- programme

_MC = DemoSpeaker(None, _MC_NAME, _nfc("dẫn chương trình"))
_PRESIDING = DemoSpeaker("LD002", _name_of("LD002"), _nfc("chủ trì"))

PROGRAMME: tuple[DemoItem, ...] = (
    DemoItem(time(7, 30), 30, _nfc("Đón tiếp đại biểu"), "reception", _ROOM,
             _nfc("Đại biểu đăng ký, nhận tài liệu tại bàn lễ tân; Ban tổ chức đón lãnh đạo"
                  " tại sảnh tầng 1.")),
    DemoItem(time(8, 0), 20, _nfc("Chương trình văn nghệ chào mừng"), "performance", _ROOM,
             _nfc("Các tiết mục ca ngợi người lao động ngành Xây dựng Thủ đô."),
             (DemoSpeaker(None, _nfc("Đội văn nghệ Công đoàn ngành Xây dựng Hà Nội"),
                          _nfc("biểu diễn")),)),
    DemoItem(time(8, 20), 10, _nfc("Tuyên bố lý do, giới thiệu đại biểu"), "opening", _ROOM,
             _nfc("Chào cờ; người dẫn chương trình tuyên bố lý do và giới thiệu đại biểu"
                  " theo thứ tự lễ tân."),
             (_MC, _PRESIDING)),
    DemoItem(time(8, 30), 30,
             _nfc("Báo cáo Kết quả phong trào thi đua “Người tốt, việc tốt” năm 2022, giai đoạn"
                  " 1992-2022; Cuộc thi viết về gương điển hình tiên tiến, người tốt, việc tốt"
                  " trong phong trào thi đua yêu nước Thành phố Hà Nội năm 2022"),
             "report", _ROOM,
             _nfc("Thực hiện Kế hoạch số 198/KH-UBND ngày 18/7/2022 của UBND Thành phố và Hướng"
                  " dẫn số 05/HD-HĐTĐKT ngày 02/6/2022 của Hội đồng Thi đua - Khen thưởng"
                  " Thành phố."),
             (DemoSpeaker("LD003", _name_of("LD003"), _nfc("báo cáo")),)),
    DemoItem(time(9, 0), 15,
             _nfc("Tham luận: Gắn phong trào “Người tốt, việc tốt” với nhiệm vụ chống úng ngập"
                  " mùa mưa"),
             "contribution", _ROOM,
             _nfc("Tham luận của Công đoàn Công ty TNHH MTV Thoát nước Hà Nội."),
             (DemoSpeaker("DB001", _name_of("DB001"), _nfc("tham luận")),)),
    DemoItem(time(9, 15), 15,
             _nfc("Tham luận: Phát hiện, bồi dưỡng và nhân rộng điển hình tiên tiến"),
             "contribution", _ROOM,
             _nfc("Tham luận của Công đoàn Công ty TNHH MTV Chiếu sáng và Thiết bị đô thị."),
             (DemoSpeaker("DB002", _name_of("DB002"), _nfc("tham luận")),)),
    DemoItem(time(9, 30), 15, _nfc("Nghỉ giải lao"), "break", _ROOM,
             _nfc("Chuẩn bị sân khấu và Bằng khen, Giấy khen cho phần khen thưởng.")),
    DemoItem(time(9, 45), 20, _nfc("Phát biểu chỉ đạo của Lãnh đạo Công đoàn Xây dựng Việt Nam"),
             "directive", _ROOM,
             _nfc("Ba nhiệm vụ chính trong phong trào thi đua “Người tốt, việc tốt” thời gian"
                  " tới."),
             (DemoSpeaker("LD001", _name_of("LD001"), _nfc("phát biểu chỉ đạo")),)),
    DemoItem(time(10, 5), 20, _nfc("Phát biểu chỉ đạo của Lãnh đạo Sở Xây dựng Hà Nội"),
             "directive", _ROOM,
             _nfc("Bốn nội dung trọng tâm: nâng cao chất lượng công tác thi đua khen thưởng;"
                  " bồi dưỡng, nhân rộng điển hình tiên tiến; tham gia Cuộc thi viết."),
             (DemoSpeaker("LD002", _name_of("LD002"), _nfc("phát biểu chỉ đạo")),)),
    DemoItem(time(10, 25), 45,
             _nfc("Trao Bằng khen, Giấy khen cho các tập thể, cá nhân có thành tích xuất sắc"
                  " trong phong trào thi đua “Người tốt, việc tốt” năm 2022"),
             "awards", _ROOM,
             _nfc("Công bố Quyết định khen thưởng; Bà Nguyễn Thị Thủy Lệ và Ông Hoàng Cao Thắng"
                  " trao Bằng khen; lãnh đạo các đơn vị trao Giấy khen. Chụp ảnh sau mỗi đợt."),
             (_MC,)),
    DemoItem(time(11, 10), 10, _nfc("Chụp ảnh lưu niệm / Toàn cảnh Hội nghị"), "photo", _ROOM,
             _nfc("Lãnh đạo, đại biểu và các tập thể, cá nhân được khen thưởng chụp ảnh chung.")),
    DemoItem(time(11, 20), 10, _nfc("Bế mạc Hội nghị"), "closing", _ROOM,
             _nfc("Đồng chí chủ trì kết luận, bế mạc Hội nghị."), (_PRESIDING,)),
)  # fmt: skip

# --------------------------------------------------------------------------- awards

_C1 = _nfc("Đã có thành tích xuất sắc trong phong trào thi đua “Người tốt, việc tốt” năm 2022")
_C30 = _nfc(
    "Đã có thành tích xuất sắc trong phong trào thi đua “Người tốt, việc tốt” giai đoạn 1992-2022"
)


def _person(code: str, citation: str) -> DemoRecipient:
    for spec in _NAMED:
        if spec[0] == code:
            return DemoRecipient("individual", _nfc(spec[2]), _nfc(spec[1]), code, _nfc(citation))
    raise KeyError(code)


def _absent(honorific: str, name: str, citation: str, stand_in: str | None = None) -> DemoRecipient:
    if stand_in is not None:
        _name_of(stand_in)  # must be on the list
    return DemoRecipient("individual", _nfc(name), _nfc(honorific), None, _nfc(citation), stand_in)


def _unit(name: str, representative: str, citation: str) -> DemoRecipient:
    _name_of(representative)  # must be on the list
    return DemoRecipient("collective", _nfc(name), "", representative, _nfc(citation))


AWARD_FORMS: tuple[DemoAwardForm, ...] = (
    DemoAwardForm(
        rank=1,
        title=_nfc("Bằng khen của Bộ trưởng Bộ Xây dựng"),
        decision_number="1069/QĐ-BXD",
        decision_date=date(2022, 8, 26),
        issuer=_nfc("Bộ trưởng Bộ Xây dựng"),
        recipients=(
            _unit("Phòng Quản lý xây dựng công trình", "KT001", _C30),
            _unit(
                _THOAT_NUOC,
                "KT002",
                "Hoàn thành xuất sắc nhiệm vụ chống úng ngập; có nhiều tấm gương người tốt,"
                " việc tốt giai đoạn 1992-2022",
            ),
            _unit(
                "Công đoàn cơ sở Văn phòng Sở Xây dựng Hà Nội",
                "KT003",
                "Tổ chức tốt phong trào thi đua “Người tốt, việc tốt” giai đoạn 1992-2022",
            ),
            _person("KT004", _C1),
            _person(
                "KT005", "Có nhiều đóng góp trong công tác quản lý chất lượng vật liệu xây dựng"
            ),
            _person(
                "KT006", "Gương điển hình tiên tiến trong lao động, sản xuất giai đoạn 1992-2022"
            ),
            _person("KT007", _C1),
            _person("KT008", "Dũng cảm cứu người bị điện giật khi sửa chữa lưới điện chiếu sáng"),
        ),
    ),
    DemoAwardForm(
        rank=2,
        title=_nfc("Bằng khen của Chủ tịch UBND Thành phố Hà Nội"),
        decision_number="3215/QĐ-UBND",
        decision_date=date(2022, 9, 5),
        issuer=_nfc("Chủ tịch UBND Thành phố Hà Nội"),
        recipients=(
            _unit(
                _THANH_TRA,
                "KT009",
                "Có thành tích xuất sắc trong công tác thanh tra, kiểm tra trật tự xây dựng"
                " năm 2022",
            ),
            _unit(_CAY_XANH, "KT010", _C1),
            _unit(
                "Xí nghiệp Thoát nước số 1",
                "KT011",
                "Bảo đảm tiêu thoát nước an toàn trong các đợt mưa lớn năm 2022",
            ),
            _unit("Phòng Phát triển đô thị", "KT012", _C1),
            _unit(
                _NGHIA_TRANG,
                "KT013",
                "Hoàn thành xuất sắc nhiệm vụ phục vụ nhân dân trong công tác tang lễ",
            ),
            _person("KT014", "Nhặt được tài sản có giá trị, trả lại cho người đánh rơi"),
            _person("KT015", "Bám trụ vận hành trạm bơm Yên Sở liên tục trong các đợt mưa lớn"),
            _person("KT016", _C1),
            _person("KT017", "Có sáng kiến cải tiến tủ điều khiển chiếu sáng, tiết kiệm điện năng"),
            _person(
                "KT018",
                "Nhiều năm liền là tấm gương người tốt, việc tốt trong công tác vệ sinh môi trường",
            ),
            _person("KT019", _C1),
            _person("KT020", "Giải quyết thủ tục hành chính tận tình, được người dân ghi nhận"),
            _person("KT021", "Khắc phục kịp thời cây đổ sau mưa bão, bảo đảm an toàn giao thông"),
            _absent(
                "Ông",
                "Trương Công Hậu",
                "Dũng cảm cứu người bị nạn khi đang làm nhiệm vụ nạo vét cống",
                stand_in="KT011",
            ),
        ),
    ),
    DemoAwardForm(
        rank=3,
        title=_nfc("Giấy khen của Giám đốc Sở Xây dựng Hà Nội"),
        decision_number="412/QĐ-SXD",
        decision_date=date(2022, 9, 8),
        issuer=_nfc("Giám đốc Sở Xây dựng Hà Nội"),
        recipients=(
            _unit("Phòng Kinh tế xây dựng", "KT022", _C1),
            _unit("Phòng Quản lý hạ tầng kỹ thuật", "KT023", _C1),
            _unit(
                "Đội Quản lý thoát nước số 3, Xí nghiệp Thoát nước số 2",
                "KT024",
                "Hoàn thành xuất sắc nhiệm vụ duy trì hệ thống thoát nước năm 2022",
            ),
            _unit(
                "Đội Duy trì chiếu sáng số 1",
                "KT025",
                "Bảo đảm chiếu sáng an toàn phục vụ các sự kiện chính trị của Thủ đô",
            ),
            _unit("Công đoàn cơ sở Thanh tra Sở Xây dựng Hà Nội", "KT026", _C1),
            _unit(
                "Tổ Quản lý vận hành nhà tái định cư",
                "KT027",
                "Tận tình hỗ trợ cư dân, giữ gìn an toàn các khu nhà tái định cư",
            ),
            _person("KT028", _C1),
            _person(
                "KT029", "Nhặt được ví có tiền và giấy tờ tùy thân, trả lại cho người đánh rơi"
            ),
            _person(
                "KT030", "Tích cực tham gia hoạt động thiện nguyện, giúp đỡ đồng nghiệp khó khăn"
            ),
            _person("KT031", "Dũng cảm cứu người bị đuối nước khi đang làm nhiệm vụ"),
            _person(
                "KT032",
                "Có sáng kiến ứng dụng công nghệ thông tin trong công tác giám định chất lượng",
            ),
            _person(
                "KT033",
                "Hoàn thành xuất sắc nhiệm vụ, nhiều năm liền đạt danh hiệu Lao động tiên tiến",
            ),
            _person("KT034", _C1),
            _person("KT035", "Hiến máu tình nguyện nhiều lần, tích cực trong các hoạt động xã hội"),
            _person("KT036", _C1),
            _person(
                "KT037",
                "Có bài viết đạt giải Cuộc thi viết về gương điển hình tiên tiến,"
                " người tốt, việc tốt năm 2022",
            ),
            _absent("Bà", "Lê Thị Hạnh", _C1),
            _absent("Ông", "Phạm Hữu Lộc", _C1),
        ),
    ),
)


# --------------------------------------------------------------------------- the hall

# The Sở's hall (hội trường tầng 3): the presidium of 7 on stage, and 192 seats in three
# blocks, left to right seen from the hall. The first row of the centre block is kept for
# the leaders, the second for the guests; the front rows of the side blocks for the award
# recipients, who walk up to the stage; the back row of block C for the press, whose
# camera stands at the end of block A's back row.
HALL: dict[str, object] = {
    "name": "Hội trường tầng 3, 52 Lê Đại Hành",
    "label": "{block}-{row}{seat}",
    "presidium": {"places": 7, "prefix": "CT-"},
    "blocks": [
        {
            "name": "A",
            "rows": 8,
            "seats": 6,
            "reserved_rows": {"A": "Khen thưởng", "B": "Khen thưởng", "C": "Khen thưởng"},
        },
        {
            "name": "B",
            "rows": 8,
            "seats": 12,
            "aisle_after": [6],
            "reserved_rows": {"A": "Lãnh đạo", "B": "Khách mời"},
        },
        {
            "name": "C",
            "rows": 8,
            "seats": 6,
            "reserved_rows": {
                "A": "Khen thưởng",
                "B": "Khen thưởng",
                "C": "Khen thưởng",
                "H": "Báo chí",
            },
        },
    ],
    "blocked": ["A-H1"],
}
