// Small allocation-free helpers for parsing the line-oriented text files of /proc and /sys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace vigie::collect::node {

// Iterates the lines of a text; the last line may lack its newline.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : rest_(text) {}
  bool Next(std::string_view* line);
  // 1-based number of the line last returned by Next.
  int line_number() const { return line_number_; }

 private:
  std::string_view rest_;
  int line_number_ = 0;
};

// Splits on runs of spaces and tabs; `out` is cleared first. Views point into `line`.
void SplitFields(std::string_view line, std::vector<std::string_view>* out);

std::string_view TrimSpace(std::string_view s);

std::optional<uint64_t> ParseU64(std::string_view s);
std::optional<int64_t> ParseI64(std::string_view s);
// Decimal or scientific notation, as /proc prints it.
std::optional<double> ParseDouble(std::string_view s);

// "<source> line <n>: <what>", with the offending text quoted and cut to a readable length.
Error LineError(std::string_view source, int line, std::string_view what, std::string_view text);

// Quotes `s` for an error message, cutting it at 80 characters.
std::string QuoteForError(std::string_view s);

}  // namespace vigie::collect::node
