// Vector selectors and label matchers.
#include "core/labels.h"
#include "promql/parser/go_format.h"
#include "promql/parser/parser_impl.h"

namespace vigie::promql::parser {

Parser::Node Parser::ParseVectorSelector(std::optional<Token> name) {
  VectorSelector vs;
  PosRange pos;
  if (name) {
    vs.name = std::string(name->text);
    pos = PosRange{name->pos, name->end()};
  }
  if (PeekIs(Tok::kLeftBrace)) {
    Token open = Consume();
    if (!name) pos.start = open.pos;
    if (!ParseLabelMatchers(&vs.matchers, &pos.end)) return Node{};
  } else if (!name) {
    return Unexpected("", "");
  }
  if (name) {
    auto m = Matcher::Make(MatchType::kEqual, std::string(kMetricNameLabel), vs.name);
    vs.matchers.push_back(std::move(m).value());
  }
  return Make(std::move(vs), pos, 0);
}

bool Parser::ParseLabelMatchers(std::vector<Matcher>* out, int* end) {
  if (PeekIs(Tok::kRightBrace)) {
    *end = Consume().end();
    return true;
  }
  while (true) {
    if (!PeekIs(Tok::kIdentifier)) {
      Unexpected("label matching", "identifier or \"}\"");
      return false;
    }
    Token label = Consume();
    MatchType type;
    switch (Peek().type) {
      case Tok::kAssign:
        type = MatchType::kEqual;
        break;
      case Tok::kNeq:
        type = MatchType::kNotEqual;
        break;
      case Tok::kEqlRegex:
        type = MatchType::kRegexp;
        break;
      case Tok::kNeqRegex:
        type = MatchType::kNotRegexp;
        break;
      default:
        Unexpected("label matching", "label matching operator");
        return false;
    }
    Consume();
    if (!PeekIs(Tok::kString)) {
      Unexpected("label matching", "string");
      return false;
    }
    Token value = Consume();
    auto m = Matcher::Make(type, std::string(label.text), UnquoteString(value.text));
    if (!m.ok()) {
      Fail(label.pos, m.error().message());
      return false;
    }
    out->push_back(std::move(m).value());
    const Token& t = Peek();
    if (t.type == Tok::kComma) {
      Consume();
      if (PeekIs(Tok::kRightBrace)) {
        *end = Consume().end();
        return true;
      }
      continue;
    }
    if (t.type == Tok::kRightBrace) {
      *end = Consume().end();
      return true;
    }
    Unexpected("label matching", "\",\" or \"}\"");
    return false;
  }
}

std::string UnquoteString(std::string_view s) {
  if (s.size() < 2) return "";
  char quote = s.front();
  s = s.substr(1, s.size() - 2);
  if (quote == '`') return std::string(s);
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> uint32_t {
    if (c >= '0' && c <= '9') return static_cast<uint32_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<uint32_t>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<uint32_t>(c - 'A' + 10);
    return 0;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\' || i + 1 >= s.size()) {
      out.push_back(c);
      continue;
    }
    char e = s[++i];
    switch (e) {
      case 'a':
        out.push_back('\a');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'v':
        out.push_back('\v');
        break;
      case 'x':
      case 'u':
      case 'U': {
        size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        uint32_t v = 0;
        for (size_t k = 0; k < n && i + 1 < s.size(); ++k) v = v * 16 + hex(s[++i]);
        if (e == 'x') {
          out.push_back(static_cast<char>(v));  // a byte, not a rune
        } else {
          AppendRune(&out, v);
        }
        break;
      }
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7': {
        uint32_t v = static_cast<uint32_t>(e - '0');
        for (size_t k = 0; k < 2 && i + 1 < s.size(); ++k)
          v = v * 8 + static_cast<uint32_t>(s[++i] - '0');
        out.push_back(static_cast<char>(v));
        break;
      }
      default:
        out.push_back(e);
        break;  // \\ and the quote character
    }
  }
  return out;
}

}  // namespace vigie::promql::parser
