// Rule-based transliteration to lower-case Latin for name screening. Tables follow the common
// romanisations (Cyrillic: BGN/PCGN-like; Greek: ELOT 743-like; Arabic and Hebrew: consonantal;
// Hangul: simplified McCune-Reischauer, computed from the syllable's jamo; Armenian and Georgian:
// national systems simplified). Han, Kana and Thai need dictionaries and are left as they are.

const CYRILLIC: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
  і: 'i',
  ї: 'yi',
  є: 'ye',
  ґ: 'g',
  ў: 'u',
  ј: 'j',
  љ: 'lj',
  њ: 'nj',
  ћ: 'c',
  ђ: 'dj',
  џ: 'dz',
  ѓ: 'gj',
  ќ: 'kj',
  ѕ: 'dz',
  қ: 'k',
  ғ: 'g',
  ұ: 'u',
  ү: 'u',
  ң: 'ng',
  ө: 'o',
  һ: 'h',
  ә: 'a',
  ҳ: 'h',
  ҷ: 'j',
}

const GREEK: Record<string, string> = {
  α: 'a',
  β: 'v',
  γ: 'g',
  δ: 'd',
  ε: 'e',
  ζ: 'z',
  η: 'i',
  θ: 'th',
  ι: 'i',
  κ: 'k',
  λ: 'l',
  μ: 'm',
  ν: 'n',
  ξ: 'x',
  ο: 'o',
  π: 'p',
  ρ: 'r',
  σ: 's',
  ς: 's',
  τ: 't',
  υ: 'y',
  φ: 'f',
  χ: 'ch',
  ψ: 'ps',
  ω: 'o',
}

// Arabic and Persian letters; short vowels are not written, so matching also compares consonant
// skeletons (see nameSkeleton).
const ARABIC: Record<string, string> = {
  ا: 'a',
  أ: 'a',
  إ: 'i',
  آ: 'a',
  ٱ: 'a',
  ء: '',
  ؤ: 'w',
  ئ: 'y',
  ب: 'b',
  ت: 't',
  ث: 'th',
  ج: 'j',
  ح: 'h',
  خ: 'kh',
  د: 'd',
  ذ: 'dh',
  ر: 'r',
  ز: 'z',
  س: 's',
  ش: 'sh',
  ص: 's',
  ض: 'd',
  ط: 't',
  ظ: 'z',
  ع: '',
  غ: 'gh',
  ف: 'f',
  ق: 'q',
  ك: 'k',
  ل: 'l',
  م: 'm',
  ن: 'n',
  ه: 'h',
  ة: 'a',
  و: 'w',
  ي: 'y',
  ى: 'a',
  پ: 'p',
  چ: 'ch',
  ژ: 'zh',
  گ: 'g',
  ک: 'k',
  ی: 'y',
  ڤ: 'v',
}

const HEBREW: Record<string, string> = {
  א: '',
  ב: 'b',
  ג: 'g',
  ד: 'd',
  ה: 'h',
  ו: 'v',
  ז: 'z',
  ח: 'ch',
  ט: 't',
  י: 'y',
  כ: 'k',
  ך: 'k',
  ל: 'l',
  מ: 'm',
  ם: 'm',
  נ: 'n',
  ן: 'n',
  ס: 's',
  ע: '',
  פ: 'p',
  ף: 'f',
  צ: 'ts',
  ץ: 'ts',
  ק: 'k',
  ר: 'r',
  ש: 'sh',
  ת: 't',
}

const ARMENIAN: Record<string, string> = {
  ա: 'a',
  բ: 'b',
  գ: 'g',
  դ: 'd',
  ե: 'e',
  զ: 'z',
  է: 'e',
  ը: 'y',
  թ: 't',
  ժ: 'zh',
  ի: 'i',
  լ: 'l',
  խ: 'kh',
  ծ: 'ts',
  կ: 'k',
  հ: 'h',
  ձ: 'dz',
  ղ: 'gh',
  ճ: 'ch',
  մ: 'm',
  յ: 'y',
  ն: 'n',
  շ: 'sh',
  ո: 'o',
  չ: 'ch',
  պ: 'p',
  ջ: 'j',
  ռ: 'r',
  ս: 's',
  վ: 'v',
  տ: 't',
  ր: 'r',
  ց: 'ts',
  ւ: 'v',
  փ: 'p',
  ք: 'k',
  օ: 'o',
  ֆ: 'f',
  և: 'ev',
}

const GEORGIAN: Record<string, string> = {
  ა: 'a',
  ბ: 'b',
  გ: 'g',
  დ: 'd',
  ე: 'e',
  ვ: 'v',
  ზ: 'z',
  თ: 't',
  ი: 'i',
  კ: 'k',
  ლ: 'l',
  მ: 'm',
  ნ: 'n',
  ო: 'o',
  პ: 'p',
  ჟ: 'zh',
  რ: 'r',
  ს: 's',
  ტ: 't',
  უ: 'u',
  ფ: 'p',
  ქ: 'k',
  ღ: 'gh',
  ყ: 'q',
  შ: 'sh',
  ჩ: 'ch',
  ც: 'ts',
  ძ: 'dz',
  წ: 'ts',
  ჭ: 'ch',
  ხ: 'kh',
  ჯ: 'j',
  ჰ: 'h',
}

// Latin letters that NFKD does not decompose.
const LATIN_EXTRA: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ŋ: 'ng',
  ħ: 'h',
  ĸ: 'k',
  ſ: 's',
  ʼ: '',
  ʻ: '',
  '’': '',
  "'": '',
  '`': '',
}

// Hangul in a simplified McCune-Reischauer (unaspirated initials k/t/p, ㅈ as j, ŏ→o, ŭ→u): the
// spelling sanctions lists use for Korean names (Kim Jong Un, Pak, Ri), rather than the Revised
// Romanization (Gim Jeong-eun).
const HANGUL_INITIAL = [
  'k',
  'kk',
  'n',
  't',
  'tt',
  'r',
  'm',
  'p',
  'pp',
  's',
  'ss',
  '',
  'j',
  'jj',
  'ch',
  'k',
  't',
  'p',
  'h',
]
const HANGUL_VOWEL = [
  'a',
  'ae',
  'ya',
  'yae',
  'o',
  'e',
  'yo',
  'ye',
  'o',
  'wa',
  'wae',
  'oe',
  'yo',
  'u',
  'wo',
  'we',
  'wi',
  'yu',
  'u',
  'ui',
  'i',
]
const HANGUL_FINAL = [
  '',
  'k',
  'k',
  'k',
  'n',
  'n',
  'n',
  't',
  'l',
  'k',
  'm',
  'l',
  'l',
  'l',
  'p',
  'l',
  'm',
  'p',
  'p',
  't',
  't',
  'ng',
  't',
  't',
  'k',
  't',
  'p',
  't',
]

/** Which writing systems a string uses, as far as name matching cares. */
export type ScriptInfo = {
  /** Written in an abjad (Arabic, Hebrew): vowels are mostly not written. */
  readonly abjad: boolean
  /** Contains letters this module cannot transliterate (Han, Kana, Thai…). */
  readonly untransliterated: boolean
}

/**
 * Transliterates `text` to lower-case Latin letters, digits and single spaces (NFKD, marks
 * removed, scripts mapped by table), and reports the scripts seen.
 */
export function transliterate(text: string): { latin: string; script: ScriptInfo } {
  let abjad = false
  let untransliterated = false
  let out = ''
  // Hangul syllables first: NFKD would split them into conjoining jamo.
  const decomposed = text
    // й/ў carry a breve that NFKD would strip, leaving и/у: map them first.
    .replace(/[йЙ]/g, 'y')
    .replace(/[ўЎ]/g, 'w')
    .replace(/[\uac00-\ud7a3]/g, (ch) => {
      const syllable = ch.charCodeAt(0) - 0xac00
      // One token per syllable: Korean names are romanised syllable by syllable (Kim Jong Un).
      return ` ${HANGUL_INITIAL[Math.floor(syllable / 588)]!}${HANGUL_VOWEL[Math.floor((syllable % 588) / 28)]!}${HANGUL_FINAL[syllable % 28]!} `
    })
    .normalize('NFKD')
    .toLowerCase()
  for (const ch of decomposed) {
    const code = ch.codePointAt(0)!
    if (code < 0x80) {
      if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) out += ch
      else if (code === 39 || code === 96) {
        // apostrophes vanish (O'Brien → obrien)
      } else out += ' '
      continue
    }
    // Combining marks (accents, Arabic harakat, Hebrew points).
    if (
      (code >= 0x300 && code <= 0x36f) ||
      (code >= 0x64b && code <= 0x65f) ||
      code === 0x670 ||
      (code >= 0x591 && code <= 0x5c7)
    ) {
      continue
    }
    const mapped =
      LATIN_EXTRA[ch] ?? CYRILLIC[ch] ?? GREEK[ch] ?? ARMENIAN[ch] ?? GEORGIAN[ch] ?? undefined
    if (mapped !== undefined) {
      out += mapped
      continue
    }
    const arabic = ARABIC[ch]
    if (arabic !== undefined) {
      abjad = true
      out += arabic
      continue
    }
    const hebrew = HEBREW[ch]
    if (hebrew !== undefined) {
      abjad = true
      out += hebrew
      continue
    }
    if (/\p{L}/u.test(ch)) {
      untransliterated = true
      out += ch
    } else out += ' '
  }
  return { latin: out.replace(/\s+/g, ' ').trim(), script: { abjad, untransliterated } }
}

/**
 * The consonant skeleton of a Latin token: vowels and `y`/`w` (which abjads write as long vowels
 * or leave out) removed, doubled letters collapsed, `ou`/`oo` alike. Used to compare names written
 * in Arabic or Hebrew with their Latin spellings (محمد → `mhmd` ≈ Mohamed → `mhmd`).
 */
export function nameSkeleton(token: string): string {
  let out = ''
  let last = ''
  for (const ch of token) {
    if (
      ch === 'a' ||
      ch === 'e' ||
      ch === 'i' ||
      ch === 'o' ||
      ch === 'u' ||
      ch === 'y' ||
      ch === 'w'
    )
      continue
    if (ch === last) continue
    out += ch
    last = ch
  }
  return out
}
