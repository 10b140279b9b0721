import type { AdminLang } from '../stats/params.js';

/**
 * Display names of Vietnam's provinces for the dashboard, keyed by the slug a venue's `province`
 * uses. The 34 provincial units in force since 1 July 2025 (National Assembly Resolution
 * 202/2025/QH15), then the 29 older provinces merged into them, so that configurations written
 * before the merger still show names. English names drop the diacritics, except where English
 * has a name of its own.
 */
const PROVINCES: ReadonlyArray<readonly [slug: string, vi: string, en?: string]> = [
  ['ha-noi', 'Hà Nội', 'Hanoi'],
  ['hue', 'Huế', 'Hue'],
  ['hai-phong', 'Hải Phòng'],
  ['da-nang', 'Đà Nẵng'],
  ['ho-chi-minh', 'TP. Hồ Chí Minh', 'Ho Chi Minh City'],
  ['can-tho', 'Cần Thơ'],
  ['lai-chau', 'Lai Châu'],
  ['dien-bien', 'Điện Biên'],
  ['son-la', 'Sơn La'],
  ['lang-son', 'Lạng Sơn'],
  ['quang-ninh', 'Quảng Ninh'],
  ['thanh-hoa', 'Thanh Hóa'],
  ['nghe-an', 'Nghệ An'],
  ['ha-tinh', 'Hà Tĩnh'],
  ['cao-bang', 'Cao Bằng'],
  ['tuyen-quang', 'Tuyên Quang'],
  ['lao-cai', 'Lào Cai'],
  ['thai-nguyen', 'Thái Nguyên'],
  ['phu-tho', 'Phú Thọ'],
  ['bac-ninh', 'Bắc Ninh'],
  ['hung-yen', 'Hưng Yên'],
  ['ninh-binh', 'Ninh Bình'],
  ['quang-tri', 'Quảng Trị'],
  ['quang-ngai', 'Quảng Ngãi'],
  ['gia-lai', 'Gia Lai'],
  ['khanh-hoa', 'Khánh Hòa'],
  ['lam-dong', 'Lâm Đồng'],
  ['dak-lak', 'Đắk Lắk'],
  ['dong-nai', 'Đồng Nai'],
  ['tay-ninh', 'Tây Ninh'],
  ['vinh-long', 'Vĩnh Long'],
  ['dong-thap', 'Đồng Tháp'],
  ['ca-mau', 'Cà Mau'],
  ['an-giang', 'An Giang'],
  // Merged on 1 July 2025.
  ['thua-thien-hue', 'Thừa Thiên Huế'],
  ['ha-giang', 'Hà Giang'],
  ['yen-bai', 'Yên Bái'],
  ['bac-kan', 'Bắc Kạn'],
  ['vinh-phuc', 'Vĩnh Phúc'],
  ['hoa-binh', 'Hòa Bình'],
  ['bac-giang', 'Bắc Giang'],
  ['thai-binh', 'Thái Bình'],
  ['ha-nam', 'Hà Nam'],
  ['nam-dinh', 'Nam Định'],
  ['hai-duong', 'Hải Dương'],
  ['quang-binh', 'Quảng Bình'],
  ['quang-nam', 'Quảng Nam'],
  ['kon-tum', 'Kon Tum'],
  ['binh-dinh', 'Bình Định'],
  ['phu-yen', 'Phú Yên'],
  ['ninh-thuan', 'Ninh Thuận'],
  ['dak-nong', 'Đắk Nông'],
  ['binh-thuan', 'Bình Thuận'],
  ['binh-phuoc', 'Bình Phước'],
  ['binh-duong', 'Bình Dương'],
  ['ba-ria-vung-tau', 'Bà Rịa – Vũng Tàu'],
  ['long-an', 'Long An'],
  ['tien-giang', 'Tiền Giang'],
  ['ben-tre', 'Bến Tre'],
  ['tra-vinh', 'Trà Vinh'],
  ['soc-trang', 'Sóc Trăng'],
  ['hau-giang', 'Hậu Giang'],
  ['bac-lieu', 'Bạc Liêu'],
  ['kien-giang', 'Kiên Giang'],
];

/** Vietnamese text without diacritics (đ → d). */
function ascii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

const NAMES = new Map(PROVINCES.map(([slug, vi, en]) => [slug, { vi, en: en ?? ascii(vi) }]));

/**
 * A province's name in `lang`. A slug not in the table (a province outside Vietnam, a typo) is
 * shown as words (`some-place` → `Some Place`), never as a bare slug.
 */
export function provinceName(slug: string, lang: AdminLang): string {
  const known = NAMES.get(slug);
  if (known) return known[lang];
  return slug
    .split('-')
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}
