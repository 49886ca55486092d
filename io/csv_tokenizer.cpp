#include "io/csv_tokenizer.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace coordnet {

std::string_view csv_error_reason(CsvError error) {
  switch (error) {
    case CsvError::none:
      return "none";
    case CsvError::unterminated_quote:
      return "unterminated_quote";
    case CsvError::malformed_quotes:
      return "malformed_quotes";
    case CsvError::field_too_long:
      return "field_too_long";
  }
  return "unknown";
}

std::size_t bom_length(std::string_view text) {
  return text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
}

namespace {
// Occurrences of `c` in [begin, end), jumping between them with memchr (vectorised in libc).
std::size_t count_byte(const char* begin, const char* end, char c) {
  std::size_t n = 0;
  while (const void* hit = std::memchr(begin, c, static_cast<std::size_t>(end - begin))) {
    ++n;
    begin = static_cast<const char*>(hit) + 1;
  }
  return n;
}
}  // namespace

// One pass over 16-byte blocks: each block's matches (0xff bytes) are subtracted from per-byte
// counters, which are summed into the totals every 255 blocks, before a byte counter could
// wrap (one call of memchr per newline cost about 12 ns a record).
QuoteLineCounts count_quotes_and_newlines(std::string_view text) {
  QuoteLineCounts counts;
  const char* data = text.data();
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i zero = _mm_setzero_si128();
  auto add_up = [](__m128i byte_counts) {
    const __m128i sums = _mm_sad_epu8(byte_counts, _mm_setzero_si128());
    return static_cast<std::uint64_t>(_mm_cvtsi128_si64(sums)) +
           static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  };
  while (i + 16 <= text.size()) {
    __m128i quotes = zero, newlines = zero;
    for (int block = 0; block < 255 && i + 16 <= text.size(); ++block, i += 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
      quotes = _mm_sub_epi8(quotes, _mm_cmpeq_epi8(bytes, quote));
      newlines = _mm_sub_epi8(newlines, _mm_cmpeq_epi8(bytes, newline));
    }
    counts.quotes += add_up(quotes);
    counts.newlines += add_up(newlines);
  }
#endif
  for (; i < text.size(); ++i) {
    counts.quotes += data[i] == '"';
    counts.newlines += data[i] == '\n';
  }
  return counts;
}

std::size_t first_record_start(std::string_view text, std::size_t from, bool odd_quotes_before,
                               Framing framing) {
  if (from == 0) return 0;
  if (from >= text.size()) return text.size();
  // text[from-1] == '\n' is not a quote, so the parity before it equals the parity before from.
  if (text[from - 1] == '\n' && (framing == Framing::lines || !odd_quotes_before)) return from;
  bool inside = framing == Framing::csv && odd_quotes_before;
  for (std::size_t i = from; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"' && framing == Framing::csv) inside = !inside;
    if (c == '\n' && !inside) return i + 1;
  }
  return text.size();
}

CsvTokenizer::CsvTokenizer(std::string_view text, std::size_t begin, std::int64_t line_at_begin,
                           Framing framing, CsvLimits limits)
    : text_(text), pos_(begin), line_(line_at_begin), framing_(framing), limits_(limits) {}

// Offset of the '\n' that ends the record starting at `from` (or text size at end of file).
std::size_t CsvTokenizer::record_end(std::size_t from, bool& unterminated,
                                     std::int64_t& inner_newlines, bool& has_quotes) const {
  const char* data = text_.data();
  const std::size_t size = text_.size();
  std::size_t pos = from;
  bool inside = false;
  inner_newlines = 0;
  has_quotes = false;
  while (true) {
    const void* hit = std::memchr(data + pos, '\n', size - pos);
    const std::size_t newline =
        hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - data) : size;
    if (framing_ == Framing::csv) {
      const std::size_t quotes = count_byte(data + pos, data + newline, '"');
      has_quotes = has_quotes || quotes > 0;
      if (quotes & 1) inside = !inside;
    }
    if (!inside || newline == size) {
      unterminated = inside;
      return newline;
    }
    ++inner_newlines;
    pos = newline + 1;
  }
}

namespace {
// Bit i of the result: the parity of the set bits of `bits` at positions 0..i (a byte is inside
// quotes when an odd number of quotes precede it or it is an opening quote).
std::uint32_t prefix_xor(std::uint32_t bits) {
  bits ^= bits << 1;
  bits ^= bits << 2;
  bits ^= bits << 4;
  bits ^= bits << 8;
  bits ^= bits << 16;
  return bits;
}
}  // namespace

// One pass over 32-byte blocks (two SSE2 loads): each block's bit masks of '\n', '"' and ',' and,
// from the quote parity of its prefix, of the bytes inside quotes give the record's end (its
// first newline outside quotes), its commas outside quotes (into commas_), its quotes and the
// newlines inside them. Returns false (the caller takes the general path) when fewer than 32
// bytes are left before the end is found.
bool CsvTokenizer::scan_record(std::size_t from, BlockScan& scan) {
#if defined(__SSE2__)
  const char* data = text_.data();
  const std::size_t size = text_.size();
  commas_.clear();
  scan.quotes = 0;
  scan.inner_newlines = 0;
  const __m128i newlines = _mm_set1_epi8('\n');
  const __m128i quotes = _mm_set1_epi8('"');
  const __m128i commas = _mm_set1_epi8(',');
  auto mask = [](__m128i low, __m128i high, __m128i c) {
    return static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(low, c))) |
           static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(high, c))) << 16;
  };
  std::uint32_t inside_before = 0;  // all ones when the block starts inside quotes
  for (std::size_t block = from; block + 32 <= size; block += 32) {
    const __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + block));
    const __m128i high = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + block + 16));
    const auto nl_bits = mask(low, high, newlines);
    const auto quote_bits = mask(low, high, quotes);
    auto comma_bits = mask(low, high, commas);
    // Most blocks hold no quote and start outside quotes: then nothing is inside (and the
    // popcounts, a dozen instructions each without POPCNT in the baseline ISA, are skipped).
    const bool quoted = (quote_bits | inside_before) != 0;
    const auto inside = quoted ? prefix_xor(quote_bits) ^ inside_before : 0;
    const auto ends = nl_bits & ~inside;
    const auto before_end = ends != 0 ? (ends & (0u - ends)) - 1 : ~std::uint32_t{0};
    if (quoted) {
      scan.quotes += static_cast<std::uint64_t>(std::popcount(quote_bits & before_end));
      scan.inner_newlines += std::popcount(nl_bits & inside & before_end);
    }
    for (comma_bits &= ~inside & before_end; comma_bits != 0; comma_bits &= comma_bits - 1) {
      commas_.push_back(block + static_cast<std::size_t>(std::countr_zero(comma_bits)));
    }
    if (ends != 0) {
      scan.newline = block + static_cast<std::size_t>(std::countr_zero(ends));
      return true;
    }
    inside_before = (inside >> 31) != 0 ? ~std::uint32_t{0} : 0;
  }
#else
  (void)from;
  (void)scan;
#endif
  return false;
}

bool CsvTokenizer::next(CsvRecord& record, std::size_t limit) {
  while (pos_ < text_.size() && pos_ < limit) {
    if (pos_ == 0) {
      pos_ = bom_length(text_);  // the byte-order mark belongs to the first record
      if (pos_ >= text_.size()) break;
    }
    bool unterminated = false, has_quotes = true;
    std::int64_t inner_newlines = 0;
    std::size_t end = 0;
    BlockScan scan;
    const bool scanned = framing_ == Framing::csv && scan_record(pos_, scan);
    if (scanned) {
      end = scan.newline;
      inner_newlines = scan.inner_newlines;
    } else {
      end = record_end(pos_, unterminated, inner_newlines, has_quotes);
    }
    std::size_t content_end = end;
    if (content_end > pos_ && text_[content_end - 1] == '\r') --content_end;
    const std::size_t begin = pos_;
    const std::int64_t line = line_;
    line_ += inner_newlines + (end < text_.size() ? 1 : 0);
    pos_ = end < text_.size() ? end + 1 : end;
    if (content_end == begin) continue;  // blank line
    record.raw = text_.substr(begin, content_end - begin);
    record.begin = begin;
    record.line = line;
    record.error = unterminated ? CsvError::unterminated_quote : CsvError::none;
    if (scanned) {
      if (!fields_from_commas(record, scan.quotes)) {
        record.error = CsvError::none;
        split_fields(record);
      }
    } else {
      has_quotes ? split_fields(record) : split_plain_fields(record);
    }
    return true;
  }
  return false;
}

// Fields of a scanned record from the offsets of its commas outside quotes, when each of its
// `quotes` quotes opens or closes a quoted field ("..." with no quote inside, as most quoted
// fields are); returns false (the record needs split_fields) when a field has a doubled quote or
// a quote elsewhere.
bool CsvTokenizer::fields_from_commas(CsvRecord& record, std::uint64_t quotes) {
  record.fields.clear();
  std::size_t field_begin = record.begin;
  const std::size_t content_end = record.begin + record.raw.size();
  std::uint64_t quoted_fields = 0;
  auto add = [&](std::size_t field_end) {
    std::size_t begin = field_begin;
    if (quotes > 0 && text_[begin] == '"' && field_end - begin >= 2 &&
        text_[field_end - 1] == '"') {
      ++begin;
      --field_end;
      ++quoted_fields;
    }
    if (field_end - begin > limits_.max_field_bytes) record.error = CsvError::field_too_long;
    record.fields.push_back(text_.substr(begin, field_end - begin));
  };
  for (const std::size_t comma : commas_) {
    add(comma);
    field_begin = comma + 1;
  }
  add(content_end);
  return 2 * quoted_fields == quotes;
}

// The common case: no quote anywhere in the record, so fields are just the text between commas.
void CsvTokenizer::split_plain_fields(CsvRecord& record) {
  record.fields.clear();
  const std::string_view raw = record.raw;
  if (framing_ == Framing::lines) {
    record.fields.push_back(raw);
    return;
  }
  std::size_t pos = 0;
  while (true) {
    const void* hit = std::memchr(raw.data() + pos, ',', raw.size() - pos);
    const std::size_t comma =
        hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - raw.data()) : raw.size();
    if (comma - pos > limits_.max_field_bytes) record.error = CsvError::field_too_long;
    record.fields.push_back(raw.substr(pos, comma - pos));
    if (comma == raw.size()) return;
    pos = comma + 1;
  }
}

void CsvTokenizer::split_fields(CsvRecord& record) {
  record.fields.clear();
  if (framing_ == Framing::lines) {
    record.fields.push_back(record.raw);
    return;
  }
  unescaped_.clear();
  spans_.clear();
  const std::string_view raw = record.raw;
  const std::size_t end = raw.size();
  std::size_t pos = 0;
  auto fail = [&](CsvError error) {
    if (record.error == CsvError::none) record.error = error;
  };
  while (true) {
    if (pos < end && raw[pos] == '"') {
      const std::size_t scratch_start = unescaped_.size();
      std::size_t segment = pos + 1;
      bool escaped = false;
      std::size_t close = std::string_view::npos;
      while (true) {
        const std::size_t quote = raw.find('"', segment);
        if (quote == std::string_view::npos) break;
        if (quote + 1 < end && raw[quote + 1] == '"') {
          unescaped_.append(raw.substr(segment, quote + 1 - segment));
          escaped = true;
          segment = quote + 2;
          continue;
        }
        close = quote;
        break;
      }
      if (close == std::string_view::npos) {
        fail(CsvError::unterminated_quote);
        spans_.push_back({pos + 1, end - pos - 1, false});
        break;
      }
      if (escaped) {
        unescaped_.append(raw.substr(segment, close - segment));
        spans_.push_back({scratch_start, unescaped_.size() - scratch_start, true});
      } else {
        spans_.push_back({pos + 1, close - pos - 1, false});
      }
      pos = close + 1;
      if (pos == end) break;
      if (raw[pos] != ',') {
        fail(CsvError::malformed_quotes);
        const std::size_t comma = raw.find(',', pos);
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
        continue;
      }
      ++pos;
      if (pos == end) {
        spans_.push_back({pos, 0, false});
        break;
      }
    } else {
      std::size_t comma = raw.find(',', pos);
      if (comma == std::string_view::npos) comma = end;
      if (std::memchr(raw.data() + pos, '"', comma - pos) != nullptr) {
        fail(CsvError::malformed_quotes);
      }
      spans_.push_back({pos, comma - pos, false});
      if (comma == end) break;
      pos = comma + 1;
      if (pos == end) {
        spans_.push_back({pos, 0, false});
        break;
      }
    }
  }
  for (const auto& span : spans_) {
    if (span.length > limits_.max_field_bytes) fail(CsvError::field_too_long);
    record.fields.push_back(span.in_scratch
                                ? std::string_view(unescaped_).substr(span.offset, span.length)
                                : raw.substr(span.offset, span.length));
  }
}

}  // namespace coordnet
