#include "promql/parser/lexer.h"

#include <array>
#include <utility>

#include "promql/parser/go_format.h"

namespace vigie::promql::parser {

namespace {

constexpr char32_t kEofRune = 0xFFFFFFFF;  // never a valid rune; Go's quoting shows it as U+FFFD
constexpr char32_t kRuneError = 0xFFFD;
constexpr std::string_view kDigits = "0123456789";
constexpr std::string_view kHexDigits = "0123456789abcdefABCDEF";

bool IsSpace(char32_t r) { return r == ' ' || r == '\t' || r == '\n' || r == '\r'; }
bool IsEndOfLine(char32_t r) { return r == '\r' || r == '\n'; }
bool IsDigit(char32_t r) { return r >= '0' && r <= '9'; }
bool IsAlpha(char32_t r) { return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'); }
bool IsAlphaNumeric(char32_t r) { return IsAlpha(r) || IsDigit(r); }

int DigitVal(char32_t ch) {
  if (ch >= '0' && ch <= '9') return static_cast<int>(ch - '0');
  if (ch >= 'a' && ch <= 'f') return static_cast<int>(ch - 'a' + 10);
  if (ch >= 'A' && ch <= 'F') return static_cast<int>(ch - 'A' + 10);
  return 16;
}

// Keywords are case-insensitive; "inf" and "nan" are numbers.
Tok KeywordOrIdentifier(std::string_view word) {
  static constexpr std::array<std::pair<std::string_view, Tok>, 30> kKeywords = {{
      {"and", Tok::kLand},
      {"or", Tok::kLor},
      {"unless", Tok::kLunless},
      {"atan2", Tok::kAtan2},
      {"sum", Tok::kSum},
      {"avg", Tok::kAvg},
      {"count", Tok::kCount},
      {"min", Tok::kMin},
      {"max", Tok::kMax},
      {"group", Tok::kGroup},
      {"stddev", Tok::kStddev},
      {"stdvar", Tok::kStdvar},
      {"topk", Tok::kTopk},
      {"bottomk", Tok::kBottomk},
      {"count_values", Tok::kCountValues},
      {"quantile", Tok::kQuantile},
      {"offset", Tok::kOffset},
      {"by", Tok::kBy},
      {"without", Tok::kWithout},
      {"on", Tok::kOn},
      {"ignoring", Tok::kIgnoring},
      {"group_left", Tok::kGroupLeft},
      {"group_right", Tok::kGroupRight},
      {"bool", Tok::kBool},
      {"start", Tok::kStart},
      {"end", Tok::kEnd},
      {"inf", Tok::kNumber},
      {"nan", Tok::kNumber},
      {"", Tok::kIdentifier},
      {"", Tok::kIdentifier},
  }};
  if (word.size() <= 12) {
    char lower[12];
    for (size_t i = 0; i < word.size(); ++i) {
      char c = word[i];
      lower[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    std::string_view lw(lower, word.size());
    for (const auto& [kw, tok] : kKeywords) {
      if (!kw.empty() && kw == lw) return tok;
    }
  }
  return word.find(':') == std::string_view::npos ? Tok::kIdentifier : Tok::kMetricIdentifier;
}

}  // namespace

bool IsLabelName(std::string_view s) {
  if (s.empty() || !IsAlpha(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s.substr(1)) {
    if (!IsAlphaNumeric(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

char32_t Lexer::NextRune() {
  if (pos_ >= static_cast<int>(input_.size())) {
    width_ = 0;
    return kEofRune;
  }
  size_t w = 1;
  char32_t r = DecodeRune(input_, static_cast<size_t>(pos_), &w);
  width_ = static_cast<int>(w);
  pos_ += width_;
  return r;
}

char32_t Lexer::PeekRune() {
  char32_t r = NextRune();
  Backup();
  return r;
}

bool Lexer::Accept(std::string_view valid) {
  char32_t r = NextRune();
  if (r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) return true;
  Backup();
  return false;
}

void Lexer::AcceptRun(std::string_view valid) {
  while (Accept(valid)) {
  }
}

Token Lexer::Emit(Tok type) {
  Token t{type, start_, input_.substr(start_, pos_ - start_)};
  start_ = pos_;
  return t;
}

Token Lexer::Error(std::string message) {
  done_ = true;
  error_ = std::move(message);
  return Token{Tok::kError, start_, error_};
}

Token Lexer::Next() {
  if (done_) return Token{Tok::kEof, static_cast<int>(input_.size()), {}};
  if (pending_duration_) {
    pending_duration_ = false;
    return LexDuration();
  }
  return LexStatements();
}

Token Lexer::LexStatements() {
  while (true) {
    if (brace_open_) return LexInsideBraces();
    if (input_.substr(pos_).starts_with("#")) return LexLineComment();
    char32_t r = NextRune();
    switch (r) {
      case kEofRune:
        if (paren_depth_ != 0) return Error("unclosed left parenthesis");
        if (bracket_open_) return Error("unclosed left bracket");
        done_ = true;
        return Emit(Tok::kEof);
      case ',':
        return Emit(Tok::kComma);
      case ' ':
      case '\t':
      case '\n':
      case '\r':
        while (IsSpace(PeekRune())) NextRune();
        start_ = pos_;
        continue;
      case '*':
        return Emit(Tok::kMul);
      case '/':
        return Emit(Tok::kDiv);
      case '%':
        return Emit(Tok::kMod);
      case '+':
        return Emit(Tok::kAdd);
      case '-':
        return Emit(Tok::kSub);
      case '^':
        return Emit(Tok::kPow);
      case '=': {
        char32_t t = PeekRune();
        if (t == '=') {
          NextRune();
          return Emit(Tok::kEqlc);
        }
        if (t == '~') return Error("unexpected character after '=': " + GoQuoteRune(t));
        return Emit(Tok::kAssign);
      }
      case '!': {
        char32_t t = NextRune();
        if (t == '=') return Emit(Tok::kNeq);
        return Error("unexpected character after '!': " + GoQuoteRune(t));
      }
      case '<':
        if (PeekRune() == '=') {
          NextRune();
          return Emit(Tok::kLte);
        }
        return Emit(Tok::kLss);
      case '>':
        if (PeekRune() == '=') {
          NextRune();
          return Emit(Tok::kGte);
        }
        return Emit(Tok::kGtr);
      case '"':
      case '\'':
        return LexString(static_cast<char>(r), start_);
      case '`':
        return LexRawString(start_);
      case '(':
        ++paren_depth_;
        return Emit(Tok::kLeftParen);
      case ')': {
        Token t = Emit(Tok::kRightParen);
        if (--paren_depth_ < 0) return Error("unexpected right parenthesis ')'");
        return t;
      }
      case '{':
        brace_open_ = true;
        return Emit(Tok::kLeftBrace);
      case '[': {
        if (bracket_open_) return Error("unexpected left bracket '['");
        got_colon_ = false;
        Token t = Emit(Tok::kLeftBracket);
        while (IsSpace(PeekRune())) NextRune();
        start_ = pos_;
        bracket_open_ = true;
        pending_duration_ = true;
        return t;
      }
      case ']':
        if (!bracket_open_) return Error("unexpected right bracket ']'");
        bracket_open_ = false;
        return Emit(Tok::kRightBracket);
      case '@':
        return Emit(Tok::kAt);
      default:
        break;
    }
    if (IsDigit(r) || (r == '.' && IsDigit(PeekRune()))) {
      Backup();
      return LexNumberOrDuration();
    }
    if (IsAlpha(r) || r == ':') {
      if (!bracket_open_) {
        Backup();
        return LexKeywordOrIdentifier();
      }
      if (got_colon_) return Error("unexpected colon " + GoQuoteRune(r));
      got_colon_ = true;
      return Emit(Tok::kColon);
    }
    return Error("unexpected character: " + GoQuoteRune(r));
  }
}

Token Lexer::LexInsideBraces() {
  while (true) {
    if (input_.substr(pos_).starts_with("#")) return LexLineComment();
    char32_t r = NextRune();
    switch (r) {
      case kEofRune:
        return Error("unexpected end of input inside braces");
      case ' ':
      case '\t':
      case '\n':
      case '\r':
        while (IsSpace(PeekRune())) NextRune();
        start_ = pos_;
        continue;
      case ',':
        return Emit(Tok::kComma);
      case '"':
      case '\'':
        return LexString(static_cast<char>(r), start_);
      case '`':
        return LexRawString(start_);
      case '=':
        if (NextRune() == '~') return Emit(Tok::kEqlRegex);
        Backup();
        return Emit(Tok::kAssign);
      case '!': {
        char32_t nr = NextRune();
        if (nr == '~') return Emit(Tok::kNeqRegex);
        if (nr == '=') return Emit(Tok::kNeq);
        return Error("unexpected character after '!' inside braces: " + GoQuoteRune(nr));
      }
      case '{':
        return Error("unexpected left brace '{'");
      case '}':
        brace_open_ = false;
        return Emit(Tok::kRightBrace);
      default:
        break;
    }
    if (IsAlpha(r)) {
      Backup();
      return LexIdentifier();
    }
    return Error("unexpected character inside braces: " + GoQuoteRune(r));
  }
}

std::string Lexer::LexEscape(char quote) {
  int n = 0;
  uint32_t base = 0, max = 0;
  char32_t ch = NextRune();
  switch (ch) {
    case 'a':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
    case 'v':
    case '\\':
      return "";
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
      n = 3, base = 8, max = 255;
      break;
    case 'x':
      ch = NextRune();
      n = 2, base = 16, max = 255;
      break;
    case 'u':
      ch = NextRune();
      n = 4, base = 16, max = 0x10FFFF;
      break;
    case 'U':
      ch = NextRune();
      n = 8, base = 16, max = 0x10FFFF;
      break;
    case kEofRune:
      return "escape sequence not terminated";
    default:
      if (ch == static_cast<char32_t>(quote)) return "";
      return "unknown escape sequence " + GoRuneWithCode(ch);
  }
  uint32_t x = 0;
  while (n > 0) {
    uint32_t d = static_cast<uint32_t>(DigitVal(ch));
    if (d >= base) {
      if (ch == kEofRune) return "escape sequence not terminated";
      return "illegal character " + GoRuneWithCode(ch) + " in escape sequence";
    }
    x = x * base + d;
    if (--n > 0) ch = NextRune();
  }
  if (x > max || (x >= 0xD800 && x < 0xE000)) {
    return "escape sequence is an invalid Unicode code point";
  }
  return "";
}

Token Lexer::LexString(char quote, int start) {
  start_ = start;
  while (true) {
    char32_t r = NextRune();
    if (r == '\\') {
      std::string err = LexEscape(quote);
      if (!err.empty()) return Error(std::move(err));
      continue;
    }
    if (r == kRuneError) return Error("invalid UTF-8 rune");
    if (r == kEofRune || r == '\n') return Error("unterminated quoted string");
    if (r == static_cast<char32_t>(quote)) break;
  }
  return Emit(Tok::kString);
}

Token Lexer::LexRawString(int start) {
  start_ = start;
  while (true) {
    char32_t r = NextRune();
    if (r == kRuneError) return Error("invalid UTF-8 rune");
    if (r == kEofRune) return Error("unterminated raw string");
    if (r == '`') break;
  }
  return Emit(Tok::kString);
}

Token Lexer::LexLineComment() {
  pos_ += 1;  // '#'
  char32_t r = NextRune();
  while (!IsEndOfLine(r) && r != kEofRune) r = NextRune();
  Backup();
  return Emit(Tok::kComment);
}

bool Lexer::ScanNumber() {
  std::string_view digits = kDigits;
  if (Accept("0") && Accept("xX")) digits = kHexDigits;
  AcceptRun(digits);
  if (Accept(".")) AcceptRun(digits);
  if (Accept("eE")) {
    Accept("+-");
    AcceptRun(kDigits);
  }
  return !IsAlphaNumeric(PeekRune());
}

bool Lexer::AcceptRemainingDuration() {
  if (!Accept("smhdwy")) return false;
  Accept("s");  // "ms"; bad units such as "hs" are caught when the duration is parsed
  while (Accept(kDigits)) {
    AcceptRun(kDigits);
    if (!Accept("smhdw")) return false;
    Accept("s");
  }
  return !IsAlphaNumeric(NextRune());
}

Token Lexer::LexNumberOrDuration() {
  if (ScanNumber()) return Emit(Tok::kNumber);
  if (AcceptRemainingDuration()) {
    Backup();
    return Emit(Tok::kDuration);
  }
  return Error("bad number or duration syntax: " + GoQuote(input_.substr(start_, pos_ - start_)));
}

Token Lexer::LexDuration() {
  if (ScanNumber()) return Error("missing unit character in duration");
  if (!AcceptRemainingDuration()) {
    return Error("bad duration syntax: " + GoQuote(input_.substr(start_, pos_ - start_)));
  }
  Backup();
  return Emit(Tok::kDuration);
}

Token Lexer::LexKeywordOrIdentifier() {
  char32_t r = NextRune();
  while (IsAlphaNumeric(r) || r == ':') r = NextRune();
  Backup();
  return Emit(KeywordOrIdentifier(input_.substr(start_, pos_ - start_)));
}

Token Lexer::LexIdentifier() {
  while (IsAlphaNumeric(NextRune())) {
  }
  Backup();
  return Emit(Tok::kIdentifier);
}

}  // namespace vigie::promql::parser
